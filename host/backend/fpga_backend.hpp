// The fpga backend: the gateway on a card over PCIe, through the XDMA driver's character devices
// (AMD's dma_ip_drivers, as on Alveo cards; QDMA exposes the same shape): the register map of
// protocol/regs.toml behind the user BAR (<prefix>_user, 32-bit pread/pwrite at the register's
// address), and the three network ports as AXI-Stream DMA channels: host-to-card channel n feeds
// port n's receive path (<prefix>_h2c_n, one write per frame), card-to-host channel n carries port
// n's frames out (<prefix>_c2h_n, one read per frame). The card's shell must route them so.
//
// It has NOT run on a card: it is compiled, and tested against a fake XDMA driver whose "card" is
// the Verilated gateway (sim/fpga_backend_test.cpp). See docs/deploy.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "backend/backend.hpp"
#include "backend/card_device.hpp"

namespace perpgate {

// The driver's files, as the backend uses them. XdmaFiles opens the real ones.
class XdmaChannels {
 public:
  virtual ~XdmaChannels() = default;
  virtual std::uint32_t user_read32(std::uint32_t offset) = 0;
  virtual void user_write32(std::uint32_t offset, std::uint32_t value) = 0;
  virtual void h2c_write(int channel, const std::uint8_t* frame, std::size_t len) = 0;
  // One frame from the channel into buf, or 0 if none is waiting now.
  virtual std::size_t c2h_read(int channel, std::uint8_t* buf, std::size_t cap) = 0;
};

// Opens <prefix>_user, <prefix>_h2c_0..2 and <prefix>_c2h_0..2 (prefix e.g. /dev/xdma0); throws
// with the path and the reason if one cannot be opened.
std::unique_ptr<XdmaChannels> open_xdma(const std::string& prefix);

// A CardDevice over XDMA channels: registers through the user BAR, frames through the DMA
// channels; the event barrier polls core_events and core_status, then sweeps the C2H channels
// until two sweeps in a row bring nothing.
std::unique_ptr<CardDevice> make_xdma_card(XdmaChannels& channels);

// The backend over any card device (the card is reset by its own means before; this configures
// its ports and starts the sequence numbers).
std::unique_ptr<Backend> make_card_backend(CardDevice& card, DecisionSink& sink);

}  // namespace perpgate
