// The receive buffer of one port, between the MAC and the receive path (pg_rx_port). A MAC cannot
// be paused, so towards it tready is always high: every beat is taken. A frame is kept whole or
// dropped whole: at its first beat it is admitted if the buffer has room for the longest frame
// (MaxFrameBeats), else it is dropped and counted (drop_overflow_o). An admitted frame longer than
// MaxFrameBeats is cut there, its last kept beat flagged bad (tuser, as a MAC flags an oversize
// frame), the rest discarded.
//
// Towards the receive path it is a first-word-fall-through queue with a bypass: while it holds
// nothing the MAC's beat goes straight through (no added cycle on an idle port); a beat the
// receive path does not take goes into the head register, and from then on beats leave from the
// head, refilled from the memory a cycle after it is read. The bypass mux is selected by a
// register (head_valid_q), so it adds one LUT input, not a stage.
`default_nettype none

module pg_rx_fifo #(
  parameter int unsigned Depth         = 1024,  // beats in the memory (besides the head), a power of two
  parameter int unsigned MaxFrameBeats = 192    // 1,536 bytes: an Ethernet frame with a VLAN tag
) (
  input  wire logic         clk_i,
  // (also the disable iff of pg_rx_fifo's simulation-only assertions, which Verilator counts as a
  // synchronous use beside the asynchronous reset)
  /* verilator lint_off SYNCASYNCNET */
  input  wire logic         rst_ni,
  /* verilator lint_on SYNCASYNCNET */

  input  wire logic [63:0]  s_axis_tdata,
  input  wire logic [7:0]   s_axis_tkeep,
  input  wire logic         s_axis_tvalid,
  output      logic         s_axis_tready,   // always 1: the MAC cannot wait
  input  wire logic         s_axis_tlast,
  input  wire logic         s_axis_tuser,

  output      logic [63:0]  m_axis_tdata,
  output      logic [7:0]   m_axis_tkeep,
  output      logic         m_axis_tvalid,
  input  wire logic         m_axis_tready,
  output      logic         m_axis_tlast,
  output      logic         m_axis_tuser,

  output      logic         drop_overflow_o  // a frame dropped whole at its first beat: no room
);

  localparam int unsigned AW = $clog2(Depth);
  localparam int unsigned CW = $clog2(Depth + 1);
  localparam int unsigned BW = $clog2(MaxFrameBeats + 1);
  localparam int unsigned W  = 64 + 8 + 1 + 1;  // tdata, tkeep, tlast, tuser

`ifndef SYNTHESIS
  initial assert (Depth >= 2 && (1 << AW) == Depth) else $fatal(1, "pg_rx_fifo: Depth must be a power of two");
  initial assert (MaxFrameBeats >= 2 && MaxFrameBeats <= Depth) else $fatal(1, "pg_rx_fifo: MaxFrameBeats out of range");
`endif

  assign s_axis_tready = 1'b1;

  // ---- admission: whole frames only ----------------------------------------------------------------
  // Whether a frame starting now fits, whether the current one has reached MaxFrameBeats - 1 or
  // MaxFrameBeats kept beats: registered, so that a beat's fate is a few gates of registers.
  logic          in_frame_q, in_frame_d;  // a frame's first beat has been seen, its last not yet
  logic          keep_q, keep_d;          // the current frame is being kept
  logic [BW-1:0] beats_q, beats_d;        // beats of the current frame kept so far
  logic          room_q, at_cut_q, full_q;
  logic [CW-1:0] count_q, count_d;        // beats in the memory
  logic          head_valid_q, head_valid_d;
  logic [W-1:0]  head_q, head_d;

  wire logic first   = s_axis_tvalid && !in_frame_q;
  wire logic admit   = in_frame_q ? keep_q : room_q;              // this beat belongs to a kept frame
  wire logic in_keep = s_axis_tvalid && admit && !full_q;
  logic [W-1:0] in_beat;
  always_comb begin
    in_beat = {s_axis_tdata, s_axis_tkeep, s_axis_tlast, s_axis_tuser};
    if (at_cut_q && !s_axis_tlast) in_beat[1:0] = 2'b11;  // cut here: last, and flagged bad
  end

  always_comb begin
    in_frame_d = in_frame_q;
    keep_d     = keep_q;
    beats_d    = beats_q;
    if (s_axis_tvalid) begin
      in_frame_d = !s_axis_tlast;
      keep_d     = admit;
      beats_d    = s_axis_tlast ? '0 : (in_keep ? beats_q + BW'(1) : beats_q);
    end
  end
  assign drop_overflow_o = first && !room_q;

  // ---- the queue: bypass, head, memory ---------------------------------------------------------------
  // The head is either a beat captured from the MAC (head_q) or the memory's read register
  // (mem_rd_q, so that the memory maps to block RAM); head_mem_q says which. The memory holds only
  // beats younger than the head, so a valid head comes first and an empty head means an empty
  // queue: the bypass needs no look at the count.
  logic [W-1:0]  mem_q [Depth];
  logic [W-1:0]  mem_rd_q;
  logic          head_mem_q, head_mem_d;
  logic [AW-1:0] wr_q, rd_q, wr_d, rd_d;
  logic          mem_we;
  logic          head_from_mem;

  wire logic [W-1:0] head = head_mem_q ? mem_rd_q : head_q;
  assign m_axis_tvalid = head_valid_q || in_keep;
  assign {m_axis_tdata, m_axis_tkeep, m_axis_tlast, m_axis_tuser} = head_valid_q ? head : in_beat;
  wire logic head_out = head_valid_q && m_axis_tready;                 // a held beat leaves
  wire logic stored   = in_keep && (head_valid_q || !m_axis_tready);   // an arriving beat is held

  always_comb begin
    head_valid_d  = head_valid_q;
    head_mem_d    = head_mem_q;
    head_d        = head_q;
    count_d       = count_q;
    wr_d          = wr_q;
    rd_d          = rd_q;
    mem_we        = 1'b0;
    head_from_mem = 1'b0;
    if (head_out) head_valid_d = 1'b0;
    // An empty head takes the memory's oldest beat, else (the memory empty) the arriving beat.
    if (!head_valid_d && count_q != '0) begin
      head_from_mem = 1'b1;
      head_valid_d  = 1'b1;
      head_mem_d    = 1'b1;
      rd_d          = rd_q + AW'(1);
      count_d       = count_q - CW'(1);
    end
    if (stored) begin
      if (!head_valid_d) begin
        head_valid_d = 1'b1;
        head_mem_d   = 1'b0;
        head_d       = in_beat;
      end else begin
        mem_we  = 1'b1;
        wr_d    = wr_q + AW'(1);
        count_d = count_d + CW'(1);
      end
    end
  end

  // Room for a whole frame after this cycle, from room_q and whether the beats held go up or down
  // by one (at most one in and one out a cycle), with the held count compared to the bound a
  // cycle ahead: no adder in front of the compare.
  localparam int unsigned MaxUsed = Depth + 1 - MaxFrameBeats;
  logic [CW:0] used_q, used_d;
  wire logic at_bound   = used_q == (CW+1)'(MaxUsed);
  wire logic over_bound = used_q == (CW+1)'(MaxUsed + 1);
  logic room_d;
  always_comb begin
    used_d = used_q;
    room_d = room_q;
    if (stored && !head_out) begin
      used_d = used_q + (CW+1)'(1);
      room_d = room_q && !at_bound;
    end else if (head_out && !stored) begin
      used_d = used_q - (CW+1)'(1);
      room_d = room_q || over_bound;
    end
  end

  always_ff @(posedge clk_i) begin
    if (mem_we) mem_q[wr_q] <= in_beat;
    if (head_from_mem) mem_rd_q <= mem_q[rd_q];
    head_q <= head_d;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      in_frame_q   <= 1'b0;
      keep_q       <= 1'b0;
      beats_q      <= '0;
      room_q       <= 1'b1;
      at_cut_q     <= 1'b0;
      full_q       <= 1'b0;
      count_q      <= '0;
      used_q       <= '0;
      head_valid_q <= 1'b0;
      head_mem_q   <= 1'b0;
      wr_q         <= '0;
      rd_q         <= '0;
    end else begin
      in_frame_q   <= in_frame_d;
      keep_q       <= keep_d;
      beats_q      <= beats_d;
      room_q       <= room_d;
      at_cut_q     <= beats_d == BW'(MaxFrameBeats - 1);
      full_q       <= beats_d == BW'(MaxFrameBeats);
      count_q      <= count_d;
      used_q       <= used_d;
      head_valid_q <= head_valid_d;
      head_mem_q   <= head_mem_d;
      wr_q         <= wr_d;
      rd_q         <= rd_d;
    end
  end

`ifndef SYNTHESIS
  // The memory never overflows; the head comes first; the held count and the room flag agree with
  // the counts they stand for.
  assert property (@(posedge clk_i) disable iff (!rst_ni) mem_we |-> count_q != CW'(Depth))
    else $error("pg_rx_fifo: memory overflow");
  assert property (@(posedge clk_i) disable iff (!rst_ni) head_valid_q || count_q == '0)
    else $error("pg_rx_fifo: beats in the memory behind an empty head");
  assert property (@(posedge clk_i) disable iff (!rst_ni) used_q == {1'b0, count_q} + {{CW{1'b0}}, head_valid_q})
    else $error("pg_rx_fifo: held count off");
  assert property (@(posedge clk_i) disable iff (!rst_ni) room_q == (used_q <= (CW+1)'(MaxUsed)))
    else $error("pg_rx_fifo: room flag off");
`endif

endmodule

`default_nettype wire
