#pragma once
// The ring and chain phases that ring, bidirectional_ring, multi_ring and hierarchical are made of. A phase
// takes, per member, the messages after which the data it holds is ready, and returns the same for the next
// phase, so phases chain without knowing each other.
#include <vector>

#include "sim/collectives/algorithms/builder.hpp"
#include "sim/collectives/collective.hpp"

namespace snsim::collectives {

struct BlockRange {
    std::uint32_t begin = 0, end = 0;
};

// Ranks in ring order (member i sends to member i+1, the last to the first) and the part of the data each member
// owns: the part it ends a reduce-scatter with, or starts an allgather with.
struct Ring {
    std::vector<Rank> members;
    std::vector<BlockRange> parts;
};

// Per member, the messages after which the data it holds is ready (none: ready from the start).
using Ready = std::vector<std::vector<Msg>>;

// members-1 steps numbered from `first_step`; at step k member i sends part i-k-1, reduced with its own data, to
// member i+1, which then owns part i+1 fully reduced. `lockstep`: as one coalesced flow per member (below).
Ready ring_reduce_scatter(Builder& builder, const Ring& ring, std::uint32_t first_step, const Ready& ready,
                          bool lockstep = false);

// members-1 steps numbered from `first_step`; at step k member i forwards part i-k to member i+1. Afterwards
// every member holds every part. `lockstep`: as one coalesced flow per member (below).
Ready ring_allgather(Builder& builder, const Ring& ring, std::uint32_t first_step, const Ready& ready,
                     bool lockstep = false);

// Whether the phase that `rings` run together may be coalesced (CollectiveParams::lockstep): one chunk, a test,
// and the test passes on the pairs of one step. The caller asks only while every earlier phase ran in lockstep.
// A coalesced phase is one flow per member, waiting for that member's data only: in lockstep every member's is
// ready at the same instant.
bool phase_in_lockstep(const CollectiveParams& params, const std::vector<Ring>& rings);

// Pipelined chains: hop h, at step h, moves `blocks` from ranks[h] to ranks[h+1]. Broadcast copies from ranks[0];
// reduce accumulates into ranks.back().
void chain_broadcast(Builder& builder, const std::vector<Rank>& ranks, BlockRange blocks);
void chain_reduce(Builder& builder, const std::vector<Rank>& ranks, BlockRange blocks);

} // namespace snsim::collectives
