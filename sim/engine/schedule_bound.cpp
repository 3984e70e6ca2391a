#include "sim/engine/schedule_bound.hpp"

#include <algorithm>
#include <limits>

#include "sim/engine/analytic.hpp"
#include "sim/engine/streaming.hpp"

namespace snsim::engine {

double schedule_lower_bound(const Topology& t, Router& router, const Schedule& s,
                            const std::vector<Topology::Vertex>& endpoints, const EngineOptions& options) {
    const std::vector<double> rate = direction_rates(t, options.efficiency);
    std::vector<double> load(rate.size(), 0.0);
    std::vector<double> first(rate.size(), std::numeric_limits<double>::infinity()); // earliest transfer start
    std::vector<double> finish(s.size(), 0.0);
    double chain = 0;
    for (FlowId f = 0; f < s.size(); ++f) {
        const Flow& flow = s.flow(f);
        double start = 0;
        for (FlowId d : s.deps(f))
            start = std::max(start, finish[d]);
        if (flow.computes()) { // both engines: exactly its seconds after its last dependency
            finish[f] = start + flow.seconds;
            chain = std::max(chain, finish[f]);
            continue;
        }
        const auto& paths = router.paths(endpoints[flow.src], endpoints[flow.dst]);
        const double share = flow.bytes / static_cast<double>(paths.size());
        const double reducing =
            flow.op == FlowOp::Reduce && options.reduction_Bps > 0 ? flow.bytes / options.reduction_Bps : 0.0;
        // The engines' arrival times are at least these, and covered_latency is exact on them (streaming.hpp:
        // start + lead is max(arrival of the followed flow - L, the others' arrival) + L, which only grows with them).
        const double covered = covered_latency(s, f, [&](FlowId d) { return finish[d]; });
        double longest = 0;
        for (const Path& path : paths) {
            double drain = reducing;
            const double lead = stripe_lead(flow.rounds, options.alpha_s + flow.alpha_s, path.latency_s, covered);
            const double moves = start + lead; // no byte moves before
            for_each_hop(path, [&](Hop hop, double fraction) {
                drain = std::max(drain, share * fraction / rate[hop]);
                load[hop] += share * fraction;
                first[hop] = std::min(first[hop], moves);
            });
            longest = std::max(longest, lead + drain);
        }
        finish[f] = start + longest;
        chain = std::max(chain, finish[f]);
    }
    if (options.kind == EngineKind::analytic) return chain;
    double cable = 0;
    for (Hop hop = 0; hop < load.size(); ++hop)
        if (load[hop] > 0) cable = std::max(cable, first[hop] + load[hop] / rate[hop]);
    return std::max(chain, cable);
}

} // namespace snsim::engine
