// AXI-Stream skid register: full throughput, registered tready on the input side and registered
// outputs, so that neither ready nor data paths are combinational through it.
`default_nettype none

module pg_axis_skid #(
  parameter int unsigned DataWidth = 64,
  parameter int unsigned UserWidth = 1
) (
  input  wire logic                   clk_i,
  input  wire logic                   rst_ni,

  input  wire logic [DataWidth-1:0]   s_axis_tdata,
  input  wire logic [DataWidth/8-1:0] s_axis_tkeep,
  input  wire logic                   s_axis_tvalid,
  output      logic                   s_axis_tready,
  input  wire logic                   s_axis_tlast,
  input  wire logic [UserWidth-1:0]   s_axis_tuser,

  output      logic [DataWidth-1:0]   m_axis_tdata,
  output      logic [DataWidth/8-1:0] m_axis_tkeep,
  output      logic                   m_axis_tvalid,
  input  wire logic                   m_axis_tready,
  output      logic                   m_axis_tlast,
  output      logic [UserWidth-1:0]   m_axis_tuser
);

  localparam int unsigned BeatWidth = DataWidth + DataWidth / 8 + 1 + UserWidth;

  // Output register (main) and skid register (holds one beat taken while the output stalled).
  logic [BeatWidth-1:0] main_d, main_q, skid_d, skid_q;
  logic                 main_valid_d, main_valid_q, skid_valid_d, skid_valid_q;
  logic                 ready_d, ready_q;

  wire logic [BeatWidth-1:0] in_beat = {s_axis_tuser, s_axis_tlast, s_axis_tkeep, s_axis_tdata};
  wire logic in_fire  = s_axis_tvalid && ready_q;
  wire logic out_free = !main_valid_q || m_axis_tready;

  always_comb begin
    main_d       = main_q;
    main_valid_d = main_valid_q;
    skid_d       = skid_q;
    skid_valid_d = skid_valid_q;
    if (out_free) begin
      if (skid_valid_q) begin
        main_d       = skid_q;
        main_valid_d = 1'b1;
        skid_valid_d = 1'b0;
        if (in_fire) begin
          skid_d       = in_beat;
          skid_valid_d = 1'b1;
        end
      end else begin
        main_d       = in_beat;
        main_valid_d = in_fire;
      end
    end else if (in_fire) begin
      skid_d       = in_beat;
      skid_valid_d = 1'b1;
    end
    // Ready next cycle while the skid register will be empty.
    ready_d = !skid_valid_d;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      main_valid_q <= 1'b0;
      skid_valid_q <= 1'b0;
      ready_q      <= 1'b0;
    end else begin
      main_valid_q <= main_valid_d;
      skid_valid_q <= skid_valid_d;
      ready_q      <= ready_d;
    end
  end

  always_ff @(posedge clk_i) begin
    main_q <= main_d;
    skid_q <= skid_d;
  end

  assign s_axis_tready = ready_q;
  assign {m_axis_tuser, m_axis_tlast, m_axis_tkeep, m_axis_tdata} = main_q;
  assign m_axis_tvalid = main_valid_q;

`ifndef SYNTHESIS
  // Nothing is taken while the skid register is full (it would be overwritten).
  always_ff @(posedge clk_i) begin
    if (in_fire) assert (!skid_valid_q || out_free);
  end
`endif

endmodule

`default_nettype wire
