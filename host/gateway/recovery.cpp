#include "gateway/recovery.hpp"

#include <simdjson.h>

#include <stdexcept>
#include <string>

namespace perpgate {

void apply_journal(Gateway& gw, const std::vector<JournalRecord>& records, RecoveryCounts& counts) {
  std::size_t last_tx = 0;
  for (std::size_t i = 0; i < records.size(); ++i)
    if (records[i].kind == JournalKind::kTxDone) last_tx = i + 1;
  gw.set_muted(true);
  try {
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (i == last_tx) gw.set_muted(false);
      const JournalRecord& r = records[i];
      if (r.kind == JournalKind::kFrame) {
        gw.rx(r.port, r.payload.data(), r.payload.size(), false);
        ++counts.frames;
      } else if (r.kind == JournalKind::kControl || r.kind == JournalKind::kOperator) {
        const simdjson::padded_string text(reinterpret_cast<const char*>(r.payload.data()), r.payload.size());
        ControlOp op;
        const std::string err = parse_control_op(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING, op);
        if (!err.empty()) throw std::runtime_error("journal: " + err);
        op.from_operator = r.kind == JournalKind::kOperator;
        op.index = op.from_operator ? counts.operator_ops++ : counts.script_ops++;
        gw.control(op);
      }
    }
  } catch (...) {
    gw.set_muted(false);
    throw;
  }
  gw.set_muted(false);
}

}  // namespace perpgate
