// One receive port: Ethernet/IPv4/UDP frames in (AXI-Stream from the MAC), whole checked
// messages out (with the order set of an order id: pg_msg_rx), with a pulse per frame and per
// message for the counters.
`default_nettype none

module pg_rx_port #(
  parameter int unsigned SetW = 12
) (
  input  wire logic         clk_i,
  input  wire logic         rst_ni,
  input  wire logic [31:0]  cfg_ip_i,
  input  wire logic [15:0]  cfg_port_i,

  input  wire logic [63:0]  s_axis_tdata,
  input  wire logic [7:0]   s_axis_tkeep,
  input  wire logic         s_axis_tvalid,
  output      logic         s_axis_tready,
  input  wire logic         s_axis_tlast,
  input  wire logic         s_axis_tuser,

  output      logic         msg_valid_o,
  input  wire logic         msg_ready_i,
  output      logic [7:0]   msg_type_o,
  output      logic [511:0] msg_data_o,
  output      logic [SetW-1:0] msg_set_o,
  output      logic         peek_valid_o,     // a new order's account and symbol in msg_data_o, ahead of it

  output      logic         frame_ok_o,
  output      logic         drop_not_for_us_o,
  output      logic         drop_malformed_o,
  output      logic         drop_mac_error_o,
  output      logic         msg_ok_o,
  output      logic         msg_malformed_o
);

  logic [63:0] pl_tdata;
  logic [7:0]  pl_tkeep;
  logic        pl_tvalid, pl_tready, pl_tlast, pl_tuser;

  pg_udp_rx u_udp (
    .clk_i, .rst_ni, .cfg_ip_i, .cfg_port_i,
    .s_axis_tdata, .s_axis_tkeep, .s_axis_tvalid, .s_axis_tready, .s_axis_tlast, .s_axis_tuser,
    .m_axis_tdata (pl_tdata), .m_axis_tkeep (pl_tkeep), .m_axis_tvalid (pl_tvalid),
    .m_axis_tready (pl_tready), .m_axis_tlast (pl_tlast), .m_axis_tuser (pl_tuser),
    .frame_ok_o, .drop_not_for_us_o, .drop_malformed_o, .drop_mac_error_o
  );

  pg_msg_rx #(.SetW(SetW)) u_msg (
    .clk_i, .rst_ni,
    .s_axis_tdata (pl_tdata), .s_axis_tkeep (pl_tkeep), .s_axis_tvalid (pl_tvalid),
    .s_axis_tready (pl_tready), .s_axis_tlast (pl_tlast), .s_axis_tuser (pl_tuser),
    .msg_valid_o, .msg_ready_i, .msg_type_o, .msg_data_o, .msg_set_o,
    .peek_valid_o, .msg_ok_o, .msg_malformed_o
  );

endmodule

`default_nettype wire
