// What the risk core's SIdle needs of an event before it takes it: the account and the symbol its
// first table reads are at, whether each is inside its table, and the commands' argument range
// tests (pg_risk_pkg::ev_flags_t, which the core holds beside the event). The gateway top decodes
// each source's message (the mailbox and the three ports) in front of its port arbiter, so that
// these come out of the arbiter's mux beside the event instead of being made behind it, where
// they stood between the grant and the table read addresses. The core checks the decode of the
// event it takes against its own instance (simulation only). Purely combinational.
`default_nettype none

module pg_ev_decode #(
  parameter int unsigned Accounts = 1024,
  parameter int unsigned Symbols  = 64,
  parameter int unsigned AW       = $clog2(Accounts),
  parameter int unsigned SW       = $clog2(Symbols)
) (
  input  wire logic [7:0]   type_i,          // a wire message type or a command opcode
  /* verilator lint_off UNUSEDSIGNAL */
  input  wire logic [511:0] data_i,          // the whole message, or 8 x 64-bit arguments (the
                                             // decode reads the first four words)
  /* verilator lint_on UNUSEDSIGNAL */
  output      logic [AW-1:0] acct_o,         // 0 for an event that names no account
  output      logic          acct_ok_o,      // below Accounts (1 for an event that names none)
  output      logic [SW-1:0] sym_o,          // 0 for an event that names no symbol
  output      logic          sym_ok_o,       // below Symbols (1 for an event that names none)
  output      logic [pg_risk_pkg::EvFlagsBits-1:0] flags_o  // pg_risk_pkg::ev_flags_t
);

  localparam logic signed [63:0] LevMax  = 64'(perpgate_fixed_pkg::LevMax);
  localparam logic signed [63:0] RateMax = 64'(perpgate_fixed_pkg::RateMax);
  localparam logic signed [63:0] PxMax   = 64'(perpgate_fixed_pkg::PxMax);

`ifndef SYNTHESIS
  initial begin
    assert (AW >= 1 && AW <= 32 && (1 << AW) >= Accounts && SW >= 1 && SW <= 16 && (1 << SW) >= Symbols)
      else $fatal(1, "pg_ev_decode: AW/SW must address Accounts/Symbols within the wire fields");
  end
`endif

  logic [63:0] w0, w1;
  logic signed [63:0] w2, w3, w4;
  assign w0 = data_i[63:0];
  assign w1 = data_i[127:64];
  assign w2 = data_i[191:128];
  assign w3 = data_i[255:192];
  assign w4 = data_i[319:256];

  // Every range test is made on its own field, before the choice by type, which then picks a bit.
  logic [perpgate_wire_pkg::NewOrderAcctBits-1:0] ord_acct;
  logic [perpgate_wire_pkg::NewOrderSymBits-1:0]  ord_sym;
  logic [15:0]                                    mark_sym;
  logic w0_acct_ok, w0_sym_ok, w1_sym_ok, ord_acct_ok, ord_sym_ok, mark_sym_ok;
  assign ord_acct    = data_i[8*perpgate_wire_pkg::NewOrderAcctOff +: perpgate_wire_pkg::NewOrderAcctBits];
  assign ord_sym     = data_i[8*perpgate_wire_pkg::NewOrderSymOff +: perpgate_wire_pkg::NewOrderSymBits];
  assign mark_sym    = data_i[8*perpgate_wire_pkg::MarkSymOff +: 16];
  assign w0_acct_ok  = w0 < 64'(Accounts);
  assign w0_sym_ok   = w0 < 64'(Symbols);
  assign w1_sym_ok   = w1 < 64'(Symbols);
  assign ord_acct_ok = 64'(ord_acct) < 64'(Accounts);
  assign ord_sym_ok  = 64'(ord_sym) < 64'(Symbols);
  assign mark_sym_ok = 64'(mark_sym) < 64'(Symbols);

  // (a concatenation in ev_flags_t's field order)
  assign flags_o = {w0 == '1,                        // w0_all
                    w0_acct_ok,                      // w0_acct
                    !w0_sym_ok,                      // w0_sym_out
                    w2 < 1 || w2 > LevMax,           // w2_lev_out
                    w3 < -RateMax || w3 > RateMax,   // w3_rate_out
                    w3 < 0 || w3 > PxMax,            // w3_px_out
                    w4 < 0 || w4 > PxMax};           // w4_px_out

  always_comb begin
    acct_o = '0;
    acct_ok_o = 1'b1;
    sym_o = '0;
    sym_ok_o = 1'b1;
    unique case (type_i)
      perpgate_wire_pkg::MsgNewOrder: begin
        acct_o = ord_acct[AW-1:0]; acct_ok_o = ord_acct_ok;
        sym_o = ord_sym[SW-1:0];   sym_ok_o = ord_sym_ok;
      end
      perpgate_wire_pkg::MsgCancel, perpgate_wire_pkg::MsgCancelAck, perpgate_wire_pkg::MsgFill: ;
      perpgate_wire_pkg::MsgMark, perpgate_wire_pkg::MsgIndex, perpgate_wire_pkg::MsgBookTop,
      perpgate_wire_pkg::MsgTrade, perpgate_wire_pkg::MsgFunding: begin
        sym_o = mark_sym[SW-1:0]; sym_ok_o = mark_sym_ok;
      end
      perpgate_regs_pkg::CmdSetLeverage: begin
        acct_o = w0[AW-1:0]; acct_ok_o = w0_acct_ok;
        sym_o = w1[SW-1:0];  sym_ok_o = w1_sym_ok;
      end
      perpgate_regs_pkg::CmdSymbolCommit: begin sym_o = w0[SW-1:0]; sym_ok_o = w0_sym_ok; end
      default: begin acct_o = w0[AW-1:0]; acct_ok_o = w0_acct_ok; end  // CmdQuerySlot and the rest
    endcase
  end

endmodule

`default_nettype wire
