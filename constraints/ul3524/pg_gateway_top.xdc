# perpgate gateway top, out-of-context timing constraints for AMD Alveo UL3524
# (xcvu2p-fsvj2104-3-e). The top sits inside the card shell, between the GTF MACs and the PCIe /
# AXI-Lite bridge, so its ports are not pins: they are constrained against the one clock with a
# budget for the shell's registers on either side. Every port of rtl/top/pg_gateway_top.sv is
# named below, and every name below is a port of it (ctest constraints.consistency).

# ---- clock: the 10/25G MAC user clock, one domain for the hot path and AXI-Lite ---------------
create_clock -name clk_mac -period 3.103 [get_ports clk_i]
# 322.265625 MHz; the AXI-Lite bus runs on the same clock (the shell crosses from PCIe to it), so
# there is no second domain and no false path between domains.

# ---- reset: asynchronous assert, synchronized release in the shell ------------------------------
set_false_path -from [get_ports rst_ni]

# ---- the shell registers every stream and bus signal on both sides: 40 % of the period each -----
set ingress_ports [get_ports {
  s_axis_client_tdata[*] s_axis_client_tkeep[*] s_axis_client_tvalid s_axis_client_tlast s_axis_client_tuser
  s_axis_venue_tdata[*] s_axis_venue_tkeep[*] s_axis_venue_tvalid s_axis_venue_tlast s_axis_venue_tuser
  s_axis_market_tdata[*] s_axis_market_tkeep[*] s_axis_market_tvalid s_axis_market_tlast s_axis_market_tuser
  m_axis_client_tready m_axis_venue_tready m_axis_market_tready
  s_axil_awaddr[*] s_axil_awvalid s_axil_wdata[*] s_axil_wstrb[*] s_axil_wvalid s_axil_bready
  s_axil_araddr[*] s_axil_arvalid s_axil_rready
}]
set egress_ports [get_ports {
  s_axis_client_tready s_axis_venue_tready s_axis_market_tready
  m_axis_client_tdata[*] m_axis_client_tkeep[*] m_axis_client_tvalid m_axis_client_tlast m_axis_client_tuser
  m_axis_venue_tdata[*] m_axis_venue_tkeep[*] m_axis_venue_tvalid m_axis_venue_tlast m_axis_venue_tuser
  m_axis_market_tdata[*] m_axis_market_tkeep[*] m_axis_market_tvalid m_axis_market_tlast m_axis_market_tuser
  s_axil_awready s_axil_wready s_axil_bresp[*] s_axil_bvalid s_axil_arready s_axil_rdata[*] s_axil_rresp[*]
  s_axil_rvalid
}]
set_input_delay  -clock clk_mac 1.241 $ingress_ports
set_output_delay -clock clk_mac 1.241 $egress_ports

# ---- observability outputs for simulation and bring-up: not timed -------------------------------
set_false_path -to [get_ports {core_idle_o core_events_o[*] take_o take_src_o[*] rx_drop_overflow_o[*] walk_step_o}]
