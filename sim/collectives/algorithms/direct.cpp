// direct: every rank sends every message at once, each straight to the rank that needs it; one step (two for
// allreduce: a direct reduce-scatter, then a direct allgather of the reduced parts). Rank r addresses r+1, r+2,
// ... in turn, so that the flows into a rank are added from all senders alike.
#include "sim/collectives/algorithms/algorithms.hpp"
#include "sim/collectives/algorithms/builder.hpp"

namespace snsim::collectives {

namespace {

// Block d of a slice is rank d's part. Returns, per rank, the messages that reduced into its part.
std::vector<std::vector<Msg>> reduce_scatter(Builder& builder, Rank p) {
    std::vector<std::vector<Msg>> into(p);
    for (Rank r = 0; r < p; ++r)
        for (Rank k = 1; k < p; ++k) {
            const Rank d = (r + k) % p;
            into[d].push_back(builder.send({r, d, d, d + 1}, 0, FlowOp::Reduce));
        }
    return into;
}

// Each rank sends its part once its part is complete (after `ready[r]`).
void allgather(Builder& builder, Rank p, std::uint32_t step, const std::vector<std::vector<Msg>>& ready) {
    for (Rank r = 0; r < p; ++r)
        for (Rank k = 1; k < p; ++k)
            builder.send({r, (r + k) % p, r, r + 1}, step, FlowOp::Copy, ready[r]);
}

} // namespace

Schedule direct_schedule(Collective collective, Rank p, const CollectiveParams& params) {
    const double bytes = params.bytes / params.chunks;
    switch (collective) {
    case Collective::allreduce:
    case Collective::reduce_scatter:
    case Collective::allgather: {
        Builder builder(p, p, params.chunks, bytes / p);
        if (collective == Collective::allgather) {
            allgather(builder, p, 0, std::vector<std::vector<Msg>>(p));
        } else {
            const auto reduced = reduce_scatter(builder, p);
            if (collective == Collective::allreduce) allgather(builder, p, 1, reduced);
        }
        return builder.take();
    }
    case Collective::broadcast:
    case Collective::reduce: {
        Builder builder(p, 1, params.chunks, bytes);
        const Rank root = params.root;
        for (Rank k = 1; k < p; ++k) {
            const Rank other = (root + k) % p;
            if (collective == Collective::broadcast)
                builder.send({root, other, 0, 1}, 0, FlowOp::Copy);
            else
                builder.send({other, root, 0, 1}, 0, FlowOp::Reduce);
        }
        return builder.take();
    }
    case Collective::alltoall: {
        Builder builder(p, std::uint64_t{p} * p, params.chunks, bytes / p);
        for (Rank s = 0; s < p; ++s)
            for (Rank k = 1; k < p; ++k) {
                const Rank d = (s + k) % p;
                builder.send({s, d, s * p + d, s * p + d + 1}, 0, FlowOp::Copy);
            }
        return builder.take();
    }
    case Collective::permutation: {
        Builder builder(p, p, params.chunks, bytes);
        for (Rank r = 0; r < p && p > 1; ++r)
            builder.send({r, (r + p / 2) % p, r, r + 1}, 0, FlowOp::Copy);
        return builder.take();
    }
    }
    not_implemented("direct", collective);
}

} // namespace snsim::collectives
