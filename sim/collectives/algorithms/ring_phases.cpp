#include "sim/collectives/algorithms/ring_phases.hpp"

namespace snsim::collectives {

namespace {

void chain(Builder& builder, const std::vector<Rank>& ranks, BlockRange blocks, FlowOp op) {
    std::vector<Msg> after;
    for (std::uint32_t h = 0; h + 1 < ranks.size(); ++h)
        after = {builder.send({ranks[h], ranks[h + 1], blocks.begin, blocks.end}, h, op, after)};
}

// The coalesced phase: member i sends the n-1 messages of the phase to member i+1 as one flow, the first being
// part `first_part(i)`; what member i+1 receives is ready when that flow has arrived.
Ready coalesced(Builder& builder, const Ring& ring, std::uint32_t first_step, const Ready& ready, FlowOp op,
                Rank part_shift) {
    const auto n = static_cast<Rank>(ring.members.size());
    Ready done = ready;
    for (Rank i = 0; i < n; ++i) {
        const Rank to = (i + 1) % n;
        const BlockRange part = ring.parts[(i + n - part_shift) % n];
        done[to].push_back(
            builder.send({ring.members[i], ring.members[to], part.begin, part.end, n - 1}, first_step, op, ready[i]));
    }
    return done;
}

} // namespace

bool phase_in_lockstep(const CollectiveParams& params, const std::vector<Ring>& rings) {
    if (!params.lockstep || params.chunks != 1) return false;
    std::vector<RankPair> pairs;
    for (const Ring& ring : rings)
        for (std::size_t i = 0; ring.members.size() > 1 && i < ring.members.size(); ++i)
            pairs.push_back({ring.members[i], ring.members[(i + 1) % ring.members.size()]});
    return pairs.empty() || params.lockstep(pairs);
}

Ready ring_reduce_scatter(Builder& builder, const Ring& ring, std::uint32_t first_step, const Ready& ready,
                          bool lockstep) {
    const auto n = static_cast<Rank>(ring.members.size());
    if (n < 2) return ready;
    if (lockstep) return coalesced(builder, ring, first_step, ready, FlowOp::Reduce, 1);
    std::vector<Msg> received(n), sent(n), after;
    for (Rank k = 0; k + 1 < n; ++k) {
        for (Rank i = 0; i < n; ++i) {
            const Rank to = (i + 1) % n;
            const BlockRange part = ring.parts[(i + n - 1 - k) % n];
            // The member's own contribution was completed by earlier phases, which the message it received in
            // the previous step does not descend from: wait for both.
            after.assign(ready[i].begin(), ready[i].end());
            if (k > 0) after.push_back(received[i]);
            sent[to] = builder.send({ring.members[i], ring.members[to], part.begin, part.end}, first_step + k,
                                    FlowOp::Reduce, after);
        }
        received.swap(sent);
    }
    Ready done = ready;
    for (Rank i = 0; i < n; ++i)
        done[i].push_back(received[i]);
    return done;
}

Ready ring_allgather(Builder& builder, const Ring& ring, std::uint32_t first_step, const Ready& ready, bool lockstep) {
    const auto n = static_cast<Rank>(ring.members.size());
    if (n < 2) return ready;
    if (lockstep) return coalesced(builder, ring, first_step, ready, FlowOp::Copy, 0);
    Ready done = ready;
    std::vector<Msg> received(n), sent(n);
    for (Rank k = 0; k + 1 < n; ++k) {
        for (Rank i = 0; i < n; ++i) {
            const Rank to = (i + 1) % n;
            const BlockRange part = ring.parts[(i + n - k) % n];
            sent[to] =
                builder.send({ring.members[i], ring.members[to], part.begin, part.end}, first_step + k, FlowOp::Copy,
                             k == 0 ? std::span<const Msg>(ready[i]) : std::span<const Msg>(&received[i], 1));
            done[to].push_back(sent[to]);
        }
        received.swap(sent);
    }
    return done;
}

void chain_broadcast(Builder& builder, const std::vector<Rank>& ranks, BlockRange blocks) {
    chain(builder, ranks, blocks, FlowOp::Copy);
}

void chain_reduce(Builder& builder, const std::vector<Rank>& ranks, BlockRange blocks) {
    chain(builder, ranks, blocks, FlowOp::Reduce);
}

} // namespace snsim::collectives
