// What the host needs of a gateway card, whatever it is: the AXI-Lite register map
// (protocol/regs.toml) and the three network ports as frame queues. Implemented by the Verilated
// RTL (rtl_backend.cpp) and by a card over PCIe through the XDMA driver (fpga_backend.cpp).
#pragma once

#include <cstdint>
#include <vector>

namespace perpgate {

struct CardFrame {
  int port;                         // 0 client, 1 venue, 2 market (regs::kPort*)
  std::vector<std::uint8_t> bytes;  // a whole Ethernet frame
  std::uint64_t first_beat = 0;     // a simulated card: the clock cycle of its first beat out
};

class CardDevice {
 public:
  virtual ~CardDevice() = default;
  virtual void write32(std::uint32_t addr, std::uint32_t value) = 0;
  virtual std::uint32_t read32(std::uint32_t addr) = 0;
  // One frame into a network port of the card (towards its receive path).
  virtual void send_frame(int port, const std::vector<std::uint8_t>& frame) = 0;
  // Returns once the card has taken `events` events in all (the core_events register), is idle,
  // and every frame it sent by then has been appended to `out`, in the order they left.
  virtual void wait_quiet(std::uint32_t events, std::vector<CardFrame>& out) = 0;
};

}  // namespace perpgate
