#include "topologies/metrics/latency.hpp"

#include <functional>
#include <limits>
#include <queue>

namespace snsim {

std::vector<double> least_latency_from(const Topology& t, Topology::Vertex from, double switch_latency_s) {
    const auto& g = t.graph();
    std::vector<double> latency(t.num_nodes(), std::numeric_limits<double>::infinity());
    using Reached = std::pair<double, Topology::Vertex>;
    std::priority_queue<Reached, std::vector<Reached>, std::greater<>> frontier;
    latency[from] = 0;
    frontier.push({0.0, from});
    while (!frontier.empty()) {
        const auto [at, v] = frontier.top();
        frontier.pop();
        if (at > latency[v]) continue;
        // Passing through a switch chip costs its latency; arriving at one (a route's end) does not.
        const double through = v != from && t.node(v).kind == NodeKind::Switch ? switch_latency_s : 0.0;
        for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
            const auto w = boost::target(*e, g);
            if (const double next = at + through + g[*e].latency_s; next < latency[w]) {
                latency[w] = next;
                frontier.push({next, w});
            }
        }
    }
    return latency;
}

} // namespace snsim
