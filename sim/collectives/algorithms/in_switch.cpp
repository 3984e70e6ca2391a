// in_switch: in-network reduction (NVLink SHARP / NVLS, UB switch reduction). The buffer is cut into one part
// per reducing switch; every rank sends part j to switch j, which combines the p contributions and sends the
// result back to every rank. Two steps whatever p: each rank sends its buffer once and receives the result once.
// With chunks, a switch returns chunk c as soon as all p contributions of chunk c have arrived.
#include "sim/collectives/algorithms/algorithms.hpp"
#include "sim/collectives/algorithms/builder.hpp"

namespace snsim::collectives {

Schedule in_switch_schedule(Collective collective, Rank p, const CollectiveParams& params) {
    if (collective != Collective::allreduce) not_implemented("in_switch", collective);
    const Rank k = params.switches;
    Builder builder(p, k, params.chunks, params.bytes / params.chunks / k, k);
    std::vector<Msg> up(p);
    for (Rank j = 0; j < k; ++j) {
        for (Rank r = 0; r < p; ++r)
            up[r] = builder.send({r, p + j, j, j + 1}, 0, FlowOp::Reduce);
        for (Rank r = 0; r < p; ++r)
            builder.send({p + j, r, j, j + 1}, 1, FlowOp::Copy, up);
    }
    return builder.take();
}

} // namespace snsim::collectives
