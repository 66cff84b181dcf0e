// A fill applied to its position: Engine::apply_fill_to_position, exactly. A fill in the
// position's direction (or onto a flat one) adds its quantity and qty x px to the cost; one against
// it closes min(|fill|, |qty|) at the position's average cost and, if more is left, opens the rest
// the other way at the fill price. The realised PnL (raw units) comes out with the new quantity
// and cost. The risk core starts it with the position and the fill, and takes the results on
// done_o; the release of the order, the credit and the settlement stay the core's.
//
// The closed part's cost share is |cost| x closed / |qty|, rounded up for a long and down for a
// short (so that the realised PnL rounds down), computed as the model does: |cost| = |qty| x whole
// + rem, share = whole x closed + round(rem x closed / |qty|); a whole close takes |cost| as is,
// with no division. Its own multiplier and divider (both off the order path, both shared by no
// one), so the products that do not wait for a quotient run beside the first division.
//
// Cycles from start_i to done_o: 9 for an opening fill, 15 for a whole close or a flip, 81 for a
// partial close (two divisions of 34 cycles, the remainder's product between them).
`default_nettype none

module pg_fill_unit (
  input  wire logic                clk_i,
  // (the assertions below sample it beside the asynchronous reset)
  /* verilator lint_off SYNCASYNCNET */
  input  wire logic                rst_ni,
  /* verilator lint_on SYNCASYNCNET */
  input  wire logic                start_i,       // taken when busy_o is low
  input  wire logic signed [63:0]  qty_i,         // the position: its quantity and cost
  input  wire logic signed [127:0] cost_i,
  input  wire logic signed [63:0]  fill_i,        // the signed fill quantity, |fill_i| <= QtyMax
  input  wire logic signed [63:0]  px_i,          // the fill price
  output      logic                busy_o,
  output      logic                done_o,        // a cycle, with the results
  output      logic signed [63:0]  qty_o,
  output      logic signed [127:0] cost_o,
  output      logic signed [127:0] realised_o
);

  typedef enum logic [3:0] {
    FIdle, FSetup, FClosed, FIssueReal, FIssueFlip, FDiv1, FIssueWhole, FDiv2, FProducts, FShare, FFinish
  } state_e;

  // Products come out of the multiplier in the order they went in; each is named by its place.
  // fill x px goes in as the unit starts, before it knows whether the fill opens or closes.
  localparam logic [2:0] POpen  = 3'd0;   // fill x px: an opening fill's (dropped by a close)
  localparam logic [2:0] PReal  = 3'd1;   // dir x closed x px
  localparam logic [2:0] PFlip  = 3'd2;   // the flipped position's qty x px
  localparam logic [2:0] PRem   = 3'd3;   // rem x closed
  localparam logic [2:0] PWhole = 3'd4;   // whole x closed

  state_e state_d, state_q;
  logic signed [63:0]  qty_d, qty_q, fill_d, fill_q, px_d, px_q;
  logic signed [127:0] cost_d, cost_q;
  logic                opening_d, opening_q;          // same direction or flat: no close
  logic                long_d, long_q;                // the position is long
  logic                flip_d, flip_q;                // the fill is larger than the position
  logic [63:0]         abs_qty_d, abs_qty_q, closed_d, closed_q, rest_d, rest_q;
  logic [127:0]        mag_d, mag_q, whole_d, whole_q, part_d, part_q;
  logic signed [127:0] p_real_d, p_real_q, p_flip_d, p_flip_q, p_whole_d, p_whole_q;
  logic signed [127:0] share_d, share_q;
  logic [2:0]          got_d, got_q;                  // products received
  logic                done_d, done_q;
  logic signed [63:0]  qty_out_d, qty_out_q;
  logic signed [127:0] cost_out_d, cost_out_q, realised_d, realised_q;

  // ---- the multiplier and the divider ------------------------------------------------------------
  logic                mul_go, mul_valid;
  logic signed [127:0] mul_a;
  logic signed [63:0]  mul_b;
  /* verilator lint_off UNUSEDSIGNAL */
  logic signed [191:0] mul_p;                         // every product here fits 128 bits
  /* verilator lint_on UNUSEDSIGNAL */
  pg_mul u_mul (
    .clk_i, .rst_ni, .valid_i (mul_go), .a_i (mul_a), .b_i (mul_b), .valid_o (mul_valid), .p_o (mul_p)
  );

  logic          div_go, div_busy, div_done;
  logic [127:0]  div_n, div_q;
  logic [63:0]   div_r;
  pg_divu u_div (
    .clk_i, .rst_ni, .start_i (div_go), .n_i (div_n), .d_i (abs_qty_q),
    .busy_o (div_busy), .done_o (div_done), .q_o (div_q), .r_o (div_r)
  );

  // Operands by state alone; the first division's dividend is |cost|, the second's rem x closed.
  always_comb begin
    mul_a = 128'(fill_i);
    mul_b = px_i;
    div_n = mag_q;
    unique case (state_q)
      FIssueReal:  begin mul_a = long_q ? 128'(closed_q) : -$signed(128'(closed_q)); mul_b = px_q; end
      FIssueFlip:  begin mul_a = long_q ? -$signed(128'(rest_q)) : 128'(rest_q); mul_b = px_q; end
      FDiv1:       begin mul_a = 128'(div_r); mul_b = $signed(closed_q); end   // rem x closed
      FIssueWhole: begin mul_a = $signed(whole_q); mul_b = $signed(closed_q); end
      FDiv2:       div_n = mul_p[127:0];                                      // rem x closed >= 0
      default: ;
    endcase
  end

  always_comb begin
    state_d    = state_q;
    qty_d      = qty_q;
    cost_d     = cost_q;
    fill_d     = fill_q;
    px_d       = px_q;
    opening_d  = opening_q;
    long_d     = long_q;
    flip_d     = flip_q;
    abs_qty_d  = abs_qty_q;
    closed_d   = closed_q;
    rest_d     = rest_q;
    mag_d      = mag_q;
    whole_d    = whole_q;
    part_d     = part_q;
    p_real_d   = p_real_q;
    p_flip_d   = p_flip_q;
    p_whole_d  = p_whole_q;
    share_d    = share_q;
    got_d      = got_q;
    done_d     = 1'b0;
    qty_out_d  = qty_out_q;
    cost_out_d = cost_out_q;
    realised_d = realised_q;
    mul_go     = 1'b0;
    div_go     = 1'b0;

    // Products as they arrive, in issue order.
    if (mul_valid) begin
      got_d = got_q + 3'd1;
      unique case (got_q)
        POpen, PReal: p_real_d = mul_p[127:0];   // a close's real product replaces the open one
        PFlip:  p_flip_d = mul_p[127:0];
        PRem:   ;                                  // taken by FDiv2's start below
        PWhole: p_whole_d = mul_p[127:0];
        default: ;
      endcase
    end

    unique case (state_q)
      FIdle: begin
        if (start_i) begin
          qty_d = qty_i;
          cost_d = cost_i;
          fill_d = fill_i;
          px_d = px_i;
          got_d = 3'd0;
          mul_go = 1'b1;                           // fill x px (the operands above)
          state_d = FSetup;
        end
      end
      FSetup: begin
        opening_d = qty_q == 64'sd0 || ((qty_q > 0) == (fill_q > 0));
        long_d    = qty_q > 0;
        abs_qty_d = qty_q < 0 ? 64'(-qty_q) : 64'(qty_q);
        mag_d     = cost_q < 0 ? 128'(-cost_q) : 128'(cost_q);
        rest_d    = fill_q < 0 ? 64'(-fill_q) : 64'(fill_q);            // |fill| for now
        state_d   = FClosed;
      end
      FClosed: begin
        if (opening_q) begin                       // fill x px went in at the start
          state_d = FProducts;
        end else begin
          flip_d   = rest_q > abs_qty_q;
          closed_d = rest_q > abs_qty_q ? abs_qty_q : rest_q;
          rest_d   = rest_q - abs_qty_q;            // what the fill opens the other way, if flip_d
          state_d  = FIssueReal;
        end
      end
      FIssueReal: begin                            // dir x closed x px; |cost| / |qty| unless whole
        mul_go = 1'b1;
        if (closed_q != abs_qty_q) div_go = 1'b1;
        state_d = FIssueFlip;
      end
      FIssueFlip: begin                            // the flipped quantity x px (used if flip_q)
        mul_go = 1'b1;
        state_d = closed_q == abs_qty_q ? FProducts : FDiv1;
      end
      FDiv1: begin
        if (div_done) begin                        // whole and rem; rem x closed goes in
          whole_d = div_q;
          mul_go = 1'b1;
          state_d = FIssueWhole;
        end
      end
      FIssueWhole: begin
        mul_go = 1'b1;
        state_d = FDiv2;
      end
      FDiv2: begin                                 // rem x closed / |qty| when the product is out
        if (mul_valid && got_q == PRem) div_go = 1'b1;
        if (div_done) begin                        // part, up for a long
          part_d = div_q + ((long_q && div_r != 64'd0) ? 128'd1 : 128'd0);
          state_d = FShare;
        end
      end
      FProducts: begin                             // an opening fill or a whole close: its products
        if (opening_q && got_q == 3'd1) begin
          qty_out_d = qty_q + fill_q;
          cost_out_d = cost_q + p_real_q;
          realised_d = '0;
          done_d = 1'b1;
          state_d = FIdle;
        end else if (!opening_q && got_q == 3'd3) begin
          part_d = '0;
          state_d = FShare;
        end
      end
      FShare: begin
        share_d = (closed_q == abs_qty_q) ? $signed(mag_q) : $signed(p_whole_q + part_q);
        if (!long_q) share_d = -share_d;
        state_d = FFinish;
      end
      FFinish: begin
        realised_d = p_real_q - share_q;
        if (flip_q) begin                          // the rest opens at the fill price
          qty_out_d = long_q ? -$signed(rest_q) : $signed(rest_q);
          cost_out_d = p_flip_q;
        end else begin
          qty_out_d = long_q ? qty_q - $signed(closed_q) : qty_q + $signed(closed_q);
          cost_out_d = cost_q - share_q;
        end
        done_d = 1'b1;
        state_d = FIdle;
      end
      default: state_d = FIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= FIdle;
      done_q  <= 1'b0;
      got_q   <= 3'd0;
    end else begin
      state_q <= state_d;
      done_q  <= done_d;
      got_q   <= got_d;
    end
  end

  always_ff @(posedge clk_i) begin
    qty_q      <= qty_d;
    cost_q     <= cost_d;
    fill_q     <= fill_d;
    px_q       <= px_d;
    opening_q  <= opening_d;
    long_q     <= long_d;
    flip_q     <= flip_d;
    abs_qty_q  <= abs_qty_d;
    closed_q   <= closed_d;
    rest_q     <= rest_d;
    mag_q      <= mag_d;
    whole_q    <= whole_d;
    part_q     <= part_d;
    p_real_q   <= p_real_d;
    p_flip_q   <= p_flip_d;
    p_whole_q  <= p_whole_d;
    share_q    <= share_d;
    qty_out_q  <= qty_out_d;
    cost_out_q <= cost_out_d;
    realised_q <= realised_d;
  end

  assign busy_o     = state_q != FIdle;
  assign done_o     = done_q;
  assign qty_o      = qty_out_q;
  assign cost_o     = cost_out_q;
  assign realised_o = realised_q;

`ifndef SYNTHESIS
  // The second division starts on the remainder's product; no product arrives while idle.
  always_ff @(posedge clk_i) begin
    if (rst_ni && state_q == FIdle) assert (!mul_valid) else $error("pg_fill_unit: a product while idle");
    if (rst_ni && state_q == FDiv2 && mul_valid && got_q == PRem)
      assert (!div_busy) else $error("pg_fill_unit: the divider busy at the second division");
  end
`endif

endmodule

`default_nettype wire
