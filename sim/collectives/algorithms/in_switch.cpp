// in_switch: in-network reduction (NVLink SHARP / NVLS, UB switch reduction). The buffer is cut into one part
// per reducing switch; every rank sends part j to switch j, which combines the p contributions and sends the
// result back to every rank. Two steps whatever p: each rank sends its buffer once and receives the result once.
// With chunks, a switch returns chunk c as soon as all p contributions of chunk c have arrived.
//
// Part j is block j of a slice. Its size is the share switch_weights[j] / sum of weights of the buffer (equal
// shares without weights): NVLS splits in proportion to each switch's bandwidth, so that a switch with 5 cables
// to every GPU and one with 4 finish together instead of the 4-cable one holding everyone back.
#include <numeric>

#include "sim/collectives/algorithms/algorithms.hpp"
#include "sim/collectives/algorithms/builder.hpp"

namespace snsim::collectives {

Schedule in_switch_schedule(Collective collective, Rank p, const CollectiveParams& params) {
    if (collective != Collective::allreduce) not_implemented("in_switch", collective);
    const Rank k = params.switches;
    const auto& w = params.switch_weights;
    const double total = w.empty() ? k : std::accumulate(w.begin(), w.end(), 0.0);
    const double slice = params.bytes / params.chunks;
    Builder builder(p, k, params.chunks, slice / k, k);
    std::vector<Msg> up(p);
    for (Rank j = 0; j < k; ++j) {
        const double part = slice * (w.empty() ? 1.0 : w[j]) / total;
        for (Rank r = 0; r < p; ++r)
            up[r] = builder.send({.src = r, .dst = p + j, .begin = j, .end = j + 1, .bytes = part}, 0, FlowOp::Reduce);
        for (Rank r = 0; r < p; ++r)
            builder.send({.src = p + j, .dst = r, .begin = j, .end = j + 1, .bytes = part}, 1, FlowOp::Copy, up);
    }
    return builder.take();
}

} // namespace snsim::collectives
