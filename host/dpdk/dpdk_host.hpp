// `perpgate host`: the DPDK run-to-completion gateway. EAL arguments first, then `--`, then ours.
#pragma once

namespace perpgate {

// argv[0] is the program name as EAL sees it. Returns the process exit status.
int run_dpdk_host(int argc, char** argv);

}  // namespace perpgate
