// The median of the positive values among x, y and z, as median_present() in the golden model
// (hls/include/perpgate/local_mark.hpp): three -> their median, two -> their floored mean, one ->
// itself, none -> 0. The local mark's inner median (bid, ask, last) and its outer one (index +
// basis, inner, external). Pipelined, a result every cycle, Latency = 3 cycles after the inputs,
// which must come straight from registers:
//   1  which are positive; the positive ones moved to the front (v0, v1, v2) and counted
//   2  the three comparisons and the floored mean of v0 and v1
//   3  the result, chosen by the comparisons and the count, and whether it is positive (pos_o:
//      exactly when at least one input was, as the median and the floored mean of positive
//      values are; the local mark's tests on it then start from a register, not a 64-bit compare)
`default_nettype none

module pg_median_present (
  input  wire logic               clk_i,
  input  wire logic signed [63:0] x_i,
  input  wire logic signed [63:0] y_i,
  input  wire logic signed [63:0] z_i,
  output      logic signed [63:0] m_o,
  output      logic               pos_o     // m_o > 0
);

  // ---- stage 1 -----------------------------------------------------------------------------------
  logic signed [63:0] v0_1, v1_1, v2_1;
  logic [1:0]         n_1;
  logic               px, py, pz;
  assign px = x_i > 0;
  assign py = y_i > 0;
  assign pz = z_i > 0;
  always_ff @(posedge clk_i) begin
    v0_1 <= px ? x_i : py ? y_i : pz ? z_i : 64'sd0;
    v1_1 <= px ? (py ? y_i : pz ? z_i : 64'sd0) : (py && pz ? z_i : 64'sd0);
    v2_1 <= px && py && pz ? z_i : 64'sd0;
    n_1  <= 2'(px) + 2'(py) + 2'(pz);
  end

  // ---- stage 2 -----------------------------------------------------------------------------------
  logic signed [63:0] v0_2, v1_2, v2_2, mean_2;
  logic [1:0]         n_2;
  logic               lt01_2, lt02_2, lt12_2;
  /* verilator lint_off UNUSEDSIGNAL */
  logic signed [64:0] sum_1;                       // its bit 0 is what the floored halving drops
  /* verilator lint_on UNUSEDSIGNAL */
  assign sum_1 = 65'(v0_1) + 65'(v1_1);
  always_ff @(posedge clk_i) begin
    v0_2   <= v0_1;
    v1_2   <= v1_1;
    v2_2   <= v2_1;
    n_2    <= n_1;
    lt01_2 <= v0_1 < v1_1;
    lt02_2 <= v0_1 < v2_1;
    lt12_2 <= v1_1 < v2_1;
    mean_2 <= sum_1[64:1];                           // floored halving (both positive: no sign)
  end

  // ---- stage 3 -----------------------------------------------------------------------------------
  // v0 lies between the others when exactly one of them is above it; otherwise the median is the
  // smaller (v0 below both) or the larger (v0 above both) of v1 and v2. Ties give equal values.
  always_ff @(posedge clk_i) begin
    unique case (n_2)
      2'd3: begin
        if (lt01_2 != lt02_2) m_o <= v0_2;
        else if (lt01_2)      m_o <= lt12_2 ? v1_2 : v2_2;
        else                  m_o <= lt12_2 ? v2_2 : v1_2;
      end
      2'd2:    m_o <= mean_2;
      2'd1:    m_o <= v0_2;
      default: m_o <= 64'sd0;
    endcase
    pos_o <= n_2 != 2'd0;
  end

`ifndef SYNTHESIS
  // once the pipeline has been filled (no reset here: until then it holds whatever it powered up
  // with, which no caller reads)
  int unsigned filled = 0;
  always_ff @(posedge clk_i) begin
    if (filled < 3) filled <= filled + 1;
    else assert (pos_o == (m_o > 0));
  end
`endif

endmodule

`default_nettype wire
