// Entry idx_i of N packed W-bit entries (entry k at data_i[k*W +: W]), as a one-hot AND-OR mux;
// an index of N or more gives 0. Use it instead of a part-select at a computed offset
// (`data[idx*W +: W]`): yosys 0.23 builds that as a barrel shifter over the whole vector, many
// times the LUTs and levels of an N:1 mux (pg_msg_rx: 3,048 -> 508 LUTs when its merge stopped
// doing so).
`default_nettype none

module pg_index_mux #(
  parameter int unsigned N  = 2,
  parameter int unsigned W  = 1,
  parameter int unsigned IW = N > 1 ? $clog2(N) : 1
) (
  input  wire logic [N*W-1:0] data_i,
  input  wire logic [IW-1:0]  idx_i,
  output      logic [W-1:0]   data_o
);

`ifndef SYNTHESIS
  initial begin
    assert (N >= 1 && W >= 1) else $fatal(1, "pg_index_mux: N and W must be at least 1");
    assert ((1 << IW) >= N) else $fatal(1, "pg_index_mux: IW too narrow for N entries");
  end
`endif

  always_comb begin
    data_o = '0;
    for (int unsigned k = 0; k < N; k++) begin
      data_o = data_o | (data_i[k*W +: W] & {W{idx_i == IW'(k)}});
    end
  end

endmodule

`default_nettype wire
