// Unsigned 128 / 64 division, restoring, BitsPerCycle quotient bits a cycle. Off the order path:
// fills (cost share of a closed position), the local-mark EMA, and control-plane reciprocals take
// it. start_i is taken when the unit is idle (busy_o low); done_o pulses one cycle with the
// quotient and remainder of n_i / d_i.
//
// The first busy cycle compares the dividend's high word with the divisor: when it is smaller,
// the quotient's high 64 bits are all zero and the partial remainder after them is that word, so
// the unit starts half way (1 + 64 / BitsPerCycle cycles in all, else 1 + 128 / BitsPerCycle).
// A fill's two divisions (an average price, a fraction of the closed quantity), the leverage rates
// and the tick and lot reciprocals all have quotients below 2^64.
`default_nettype none

module pg_divu #(
  parameter int unsigned BitsPerCycle = 2
) (
  input  wire logic          clk_i,
  input  wire logic          rst_ni,
  input  wire logic          start_i,
  input  wire logic [127:0]  n_i,
  input  wire logic [63:0]   d_i,     // must not be 0
  output      logic          busy_o,
  output      logic          done_o,
  output      logic [127:0]  q_o,
  output      logic [63:0]   r_o
);

  localparam int unsigned Steps = 128 / BitsPerCycle;

`ifndef SYNTHESIS
  initial begin
    assert (BitsPerCycle >= 1 && (64 % BitsPerCycle) == 0) else $fatal(1, "BitsPerCycle must divide 64");
  end
`endif

  logic [127:0] q_d, q_q;      // dividend shifting out at the top, quotient shifting in below
  logic [63:0]  r_d, r_q;
  logic [63:0]  d_d, d_q;
  logic [7:0]   step_d, step_q;
  logic         busy_d, busy_q, done_d, done_q;
  logic         first_d, first_q;  // the first busy cycle: the high-word test

  always_comb begin
    logic [64:0] acc;
    acc    = '0;
    q_d    = q_q;
    r_d    = r_q;
    d_d    = d_q;
    step_d = step_q;
    busy_d = busy_q;
    done_d = 1'b0;
    first_d = 1'b0;
    if (!busy_q) begin
      if (start_i) begin
        q_d     = n_i;
        r_d     = '0;
        d_d     = d_i;
        step_d  = '0;
        busy_d  = 1'b1;
        first_d = 1'b1;
      end
    end else if (first_q) begin
      if (q_q[127:64] < d_q) begin   // the first 64 quotient bits are 0: skip their steps
        r_d    = q_q[127:64];
        q_d    = {q_q[63:0], 64'd0};
        step_d = 8'(Steps / 2);
      end
    end else begin
      for (int unsigned i = 0; i < BitsPerCycle; i++) begin
        acc = {r_d, q_d[127]};
        q_d = {q_d[126:0], 1'b0};
        if (acc >= {1'b0, d_d}) begin
          acc    = acc - {1'b0, d_d};
          q_d[0] = 1'b1;
        end
        r_d = acc[63:0];
      end
      step_d = step_q + 8'd1;
      if (step_q == 8'(Steps - 1)) begin
        busy_d = 1'b0;
        done_d = 1'b1;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q  <= 1'b0;
      done_q  <= 1'b0;
      first_q <= 1'b0;
      step_q  <= '0;
    end else begin
      busy_q  <= busy_d;
      done_q  <= done_d;
      first_q <= first_d;
      step_q  <= step_d;
    end
  end

  always_ff @(posedge clk_i) begin
    q_q <= q_d;
    r_q <= r_d;
    d_q <= d_d;
  end

  assign busy_o = busy_q;
  assign done_o = done_q;
  assign q_o    = q_q;
  assign r_o    = r_q;

endmodule

`default_nettype wire
