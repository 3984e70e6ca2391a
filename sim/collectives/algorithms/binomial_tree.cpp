// binomial_tree broadcast and reduce, any p, in ceil(log2 p) steps. Ranks are numbered relative to the root
// (v = r - root mod p). Broadcast: at step k every v < 2^k that has the data sends it to v + 2^k; reduce is the
// mirror image, v in [2^j, 2^(j+1)) sending its partial result to v - 2^j at step ceil(log2 p)-1-j.
#include "sim/collectives/algorithms/algorithms.hpp"
#include "sim/collectives/algorithms/builder.hpp"

namespace snsim::collectives {

namespace {

// A rank sends to its children one after the other (binomial trees keep one message per rank per step), so each
// send also waits for the rank's previous one.
void broadcast(Builder& builder, Rank p, Rank root) {
    std::vector<std::vector<Msg>> received(p), latest(p); // v's incoming message, v's latest send
    const auto rank = [&](Rank v) { return (v + root) % p; };
    for (std::uint32_t k = 0; (Rank{1} << k) < p; ++k) {
        const Rank distance = Rank{1} << k;
        for (Rank v = 0; v < distance && v + distance < p; ++v) {
            std::vector<Msg> after = received[v];
            after.insert(after.end(), latest[v].begin(), latest[v].end());
            const Msg m = builder.send({rank(v), rank(v + distance), 0, 1}, k, FlowOp::Copy, after);
            received[v + distance] = {m};
            latest[v] = {m};
        }
    }
}

// A rank sends once it has received from all its children.
void reduce(Builder& builder, Rank p, Rank root) {
    std::vector<std::vector<Msg>> received(p);
    const auto rank = [&](Rank v) { return (v + root) % p; };
    const std::uint32_t steps = ceil_log2(p);
    for (std::uint32_t k = 0; k < steps; ++k) {
        const Rank distance = Rank{1} << (steps - 1 - k);
        for (Rank v = distance; v < 2 * distance && v < p; ++v)
            received[v - distance].push_back(
                builder.send({rank(v), rank(v - distance), 0, 1}, k, FlowOp::Reduce, received[v]));
    }
}

} // namespace

Schedule binomial_tree_schedule(Collective collective, Rank p, const CollectiveParams& params) {
    Builder builder(p, 1, params.chunks, params.bytes / params.chunks);
    if (collective == Collective::broadcast)
        broadcast(builder, p, params.root);
    else if (collective == Collective::reduce)
        reduce(builder, p, params.root);
    else
        not_implemented("binomial_tree", collective);
    return builder.take();
}

} // namespace snsim::collectives
