#pragma once
// A Schedule is what a collective algorithm produces: flows of bytes between ranks of a group, with
// dependencies. It knows nothing of topology or SimGrid; the engine maps ranks to chips, routes each flow and
// times it. A flow starts when every flow it depends on has finished (data it forwards or reduces has arrived,
// or the port it uses is free again).
//
// Endpoints: ranks 0..ranks()-1 are the chips of the group. In-network algorithms (in-switch reduction) add
// switches() more endpoints, ranks()..endpoints()-1: switch chips that combine what they receive and send the
// result on. They hold no data of their own; the engine's caller says which switch chip each one is.
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

namespace snsim {

using Rank = std::uint32_t;
using FlowId = std::uint32_t;
inline constexpr FlowId kNoFlow = 0xFFFFFFFFu;

// What a flow does with the data it carries: Copy overwrites the receiver's copy of the blocks, Reduce combines
// them into the receiver's partial result. Compute moves nothing: its chip (src == dst) is busy for `seconds`
// (a workload's compute, or a zero-second marker that joins dependencies: sim/workload/lower.hpp). Collective
// algorithms never emit it.
enum class FlowOp : std::uint8_t { Copy, Reduce, Compute };

// The data a collective moves is cut into `Schedule::blocks()` equal blocks (for alltoall, block s*p+d is what
// rank s sends to rank d). A flow carries the blocks [block_begin, block_end) as the sender holds them when the
// flow starts. This is what lets tests check, without any engine, that every rank ends with the whole result.
struct Flow {
    Rank src = 0;
    Rank dst = 0;
    double bytes = 0;
    std::uint32_t step = 0; // algorithm step, for reports and invariant checks
    FlowOp op = FlowOp::Copy;
    std::uint32_t block_begin = 0, block_end = 0;
    // Step coalescing: a flow may stand for `rounds` consecutive steps of one chip pair that run in lockstep
    // (sim/engine/lockstep.hpp). It then carries the bytes of all of them, pays its route's latency and the
    // software latency once per round, and names the blocks of its first round. Such schedules are for timing
    // only: the block semantics above hold for rounds == 1.
    std::uint32_t rounds = 1;
    // Streaming: the flow this one follows out of the sender's port on the same route (chunk c-1 of the same
    // message; Builder sets it), kNoFlow for none. It must be one of the flow's dependencies. A flow starts when its
    // last dependency has *arrived*, but its bytes could leave as soon as those of the flow it follows have left,
    // one route latency before they arrive: so the engines let it pay only the part of its route's latency that
    // those bytes have not already covered (sim/engine/streaming.hpp). A chain of chunks then pays the latency
    // once, as a port streaming them back to back does, not once per chunk.
    FlowId follows = kNoFlow;
    double seconds = 0; // FlowOp::Compute only: how long it lasts
    // Transfers: software latency on top of the engine's alpha, per round (a workload op's protocol latency:
    // sim/workload/lower.hpp; schedules of one collective take theirs from EngineOptions::alpha_s instead).
    double alpha_s = 0;
    bool computes() const { return op == FlowOp::Compute; }
};

class Schedule {
  public:
    // `blocks` in `chunks` equal slices (a pipelined algorithm's chunk c moves slice c; see Builder).
    Schedule(Rank ranks = 0, std::uint32_t blocks = 1, Rank switches = 0, std::uint32_t chunks = 1)
        : ranks_(ranks), switches_(switches), blocks_(blocks), chunks_(chunks) {
        dep_offsets_.push_back(0);
    }

    // Adds a flow that may start once every flow in `deps` has finished; returns its id (ids are dense, in
    // order of addition, and every dependency must already exist).
    FlowId add(const Flow& flow, std::initializer_list<FlowId> deps = {});
    FlowId add(const Flow& flow, std::span<const FlowId> deps);

    Rank ranks() const { return ranks_; }
    Rank switches() const { return switches_; }
    Rank endpoints() const { return ranks_ + switches_; }
    std::uint32_t blocks() const { return blocks_; }
    std::uint32_t chunks() const { return chunks_; }
    std::uint32_t chunk_of(FlowId id) const { return flows_[id].block_begin / (blocks_ / chunks_); }
    std::size_t size() const { return flows_.size(); }
    std::size_t dependencies() const { return dep_list_.size(); } // in all, at most 2^32-1
    const Flow& flow(FlowId id) const { return flows_[id]; }
    const std::vector<Flow>& flows() const { return flows_; }
    // The flows `id` waits for.
    std::span<const FlowId> deps(FlowId id) const {
        return {dep_list_.data() + dep_offsets_[id], dep_list_.data() + dep_offsets_[id + 1]};
    }
    std::uint32_t steps() const; // 1 + the last step any flow (or round of a coalesced flow) is in, 0 when empty
    // Flows the schedule stands for: its size with every coalesced flow counted once per round.
    std::size_t uncoalesced_size() const;
    double total_bytes() const;

  private:
    Rank ranks_, switches_;
    std::uint32_t blocks_, chunks_;
    std::vector<Flow> flows_;
    std::vector<std::uint32_t> dep_offsets_; // CSR: deps of flow i are dep_list_[dep_offsets_[i] .. [i+1])
    std::vector<FlowId> dep_list_;
};

} // namespace snsim
