// ring, bidirectional_ring and multi_ring: independent rings, each moving its share of the data. Ring g owns
// blocks [g*p, (g+1)*p) of a slice (block g*p + r being rank r's part) for the reduce-scatter family, and block g
// for broadcast and reduce.
#include <algorithm>

#include "sim/collectives/algorithms/algorithms.hpp"
#include "sim/collectives/algorithms/ring_phases.hpp"

namespace snsim::collectives {

namespace {

// 0, 1, ..., p-1, or 0, p-1, ..., 1 for a ring in the opposite direction.
std::vector<Rank> ring_order(Rank p, bool reversed) {
    std::vector<Rank> order(p);
    for (Rank i = 0; i < p; ++i)
        order[i] = reversed ? (p - i) % p : i;
    return order;
}

// The order starting `shift` members after the root.
std::vector<Rank> from_root(const std::vector<Rank>& order, Rank root, Rank shift) {
    const auto p = static_cast<Rank>(order.size());
    const auto at = static_cast<Rank>(std::find(order.begin(), order.end(), root) - order.begin());
    std::vector<Rank> chain(p);
    for (Rank h = 0; h < p; ++h)
        chain[h] = order[(at + shift + h) % p];
    return chain;
}

Schedule chains(Collective collective, Rank p, const CollectiveParams& params, std::uint32_t rings, bool alternate) {
    Builder builder(p, rings, params.chunks, params.bytes / rings / params.chunks);
    for (std::uint32_t g = 0; g < rings; ++g) {
        const auto order = ring_order(p, alternate && g % 2 == 1);
        if (collective == Collective::broadcast)
            chain_broadcast(builder, from_root(order, params.root, 0), {g, g + 1});
        else // the chain ends at the root
            chain_reduce(builder, from_root(order, params.root, 1), {g, g + 1});
    }
    return builder.take();
}

} // namespace

Schedule ring_schedule(Collective collective, Rank p, const CollectiveParams& params, std::uint32_t rings,
                       bool alternate) {
    switch (collective) {
    case Collective::broadcast:
    case Collective::reduce: return chains(collective, p, params, rings, alternate);
    case Collective::allreduce:
    case Collective::reduce_scatter:
    case Collective::allgather: break;
    default: not_implemented("ring", collective);
    }
    Builder builder(p, rings * p, params.chunks, params.bytes / p / rings / params.chunks);
    std::vector<Ring> all(rings);
    for (std::uint32_t g = 0; g < rings; ++g) {
        all[g].members = ring_order(p, alternate && g % 2 == 1);
        for (Rank r : all[g].members)
            all[g].parts.push_back({g * p + r, g * p + r + 1});
    }
    // The allgather after a reduce-scatter uses the same pairs: in lockstep when the reduce-scatter is.
    const bool lockstep = phase_in_lockstep(params, all);
    for (const Ring& ring : all) {
        const Ready start(p);
        if (collective == Collective::allgather) {
            ring_allgather(builder, ring, 0, start, lockstep);
            continue;
        }
        const Ready reduced = ring_reduce_scatter(builder, ring, 0, start, lockstep);
        if (collective == Collective::allreduce) ring_allgather(builder, ring, p - 1, reduced, lockstep);
    }
    return builder.take();
}

} // namespace snsim::collectives
