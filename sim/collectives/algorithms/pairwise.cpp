// pairwise alltoall: p-1 steps; at step k-1 rank r sends its share for r+k to r+k. Each step is a send-receive
// pair, as in MPI's pairwise exchange: a rank starts step k once its send and its receive of step k-1 are over,
// so it talks to one peer in each direction at a time.
#include "sim/collectives/algorithms/algorithms.hpp"
#include "sim/collectives/algorithms/builder.hpp"

namespace snsim::collectives {

Schedule pairwise_schedule(Collective collective, Rank p, const CollectiveParams& params) {
    if (collective != Collective::alltoall) not_implemented("pairwise", collective);
    Builder builder(p, std::uint64_t{p} * p, params.chunks, params.bytes / p / params.chunks);
    std::vector<std::vector<Msg>> previous(p); // rank r's send and receive of the previous step
    for (Rank k = 1; k < p; ++k) {
        std::vector<std::vector<Msg>> current(p);
        for (Rank r = 0; r < p; ++r) {
            const Rank d = (r + k) % p;
            const Msg m = builder.send({r, d, r * p + d, r * p + d + 1}, k - 1, FlowOp::Copy, previous[r]);
            current[r].push_back(m);
            current[d].push_back(m);
        }
        previous.swap(current);
    }
    return builder.take();
}

} // namespace snsim::collectives
