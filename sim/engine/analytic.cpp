#include "sim/engine/analytic.hpp"

#include <algorithm>

namespace snsim::engine {

std::vector<double> direction_rates(const Topology& t, double efficiency) {
    std::vector<double> rate(2 * t.num_links());
    for (const Link* cable : t.cables())
        rate[2 * cable->id] = rate[2 * cable->id + 1] = cable->bytes_per_s * efficiency;
    return rate;
}

std::vector<FlowTiming> run_analytic(const Topology& t, const Schedule& s,
                                     const std::vector<const std::vector<Path>*>& stripes,
                                     const EngineOptions& options) {
    // Flows grouped by wave, step + chunk: in a pipeline, chunk c of step k moves while chunk c+1 of step k-1 does
    // (the chunks of one message leave one after the other, each as soon as the previous step's chunk arrived), so
    // those share the cables. Within a group, bytes per cable direction, then each flow's duration.
    std::vector<std::pair<std::uint64_t, FlowId>> order(s.size());
    for (FlowId f = 0; f < s.size(); ++f)
        order[f] = {std::uint64_t{s.flow(f).step} + s.chunk_of(f), f};
    std::sort(order.begin(), order.end());

    const std::vector<double> rate = direction_rates(t, options.efficiency);
    std::vector<double> load(2 * t.num_links(), 0.0); // bytes of the current group per direction
    std::vector<Hop> touched;
    std::vector<double> duration(s.size(), 0.0);
    for (std::size_t begin = 0; begin < order.size();) {
        std::size_t end = begin;
        while (end < order.size() && order[end].first == order[begin].first)
            ++end;
        for (std::size_t i = begin; i < end; ++i) {
            const FlowId f = order[i].second;
            const double share = s.flow(f).bytes / static_cast<double>(stripes[f]->size());
            for (const auto& path : *stripes[f])
                for_each_hop(path, [&](Hop hop, double fraction) {
                    if (load[hop] == 0) touched.push_back(hop);
                    load[hop] += share * fraction;
                });
        }
        for (std::size_t i = begin; i < end; ++i) {
            const FlowId f = order[i].second;
            const double rounds = s.flow(f).rounds; // latencies are paid once per round (Flow::rounds)
            // A reducing flow moves no faster than the reduction bandwidth, all its stripes together.
            const double reducing = s.flow(f).op == FlowOp::Reduce && options.reduction_Bps > 0
                                        ? s.flow(f).bytes / options.reduction_Bps
                                        : 0.0;
            double longest = 0;
            for (const auto& path : *stripes[f]) {
                double drain = reducing;
                for_each_hop(path, [&](Hop hop, double) { drain = std::max(drain, load[hop] / rate[hop]); });
                longest = std::max(longest, rounds * path.latency_s + drain);
            }
            duration[f] = rounds * options.alpha_s + longest;
        }
        for (Hop hop : touched)
            load[hop] = 0;
        touched.clear();
        begin = end;
    }

    // Dependencies always come earlier in the schedule, so one pass in id order sees every start.
    std::vector<FlowTiming> timing(s.size());
    for (FlowId f = 0; f < s.size(); ++f) {
        for (FlowId d : s.deps(f))
            timing[f].start_s = std::max(timing[f].start_s, timing[d].finish_s);
        timing[f].finish_s = timing[f].start_s + duration[f];
    }
    return timing;
}

} // namespace snsim::engine
