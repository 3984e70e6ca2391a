#include "sim/routing/router.hpp"

#include <unordered_map>

#include <algorithm>
#include <deque>
#include <limits>

#include <fmt/format.h>

#include "topologies/errors.hpp"

namespace snsim {
namespace {

constexpr std::uint16_t kUnreached = std::numeric_limits<std::uint16_t>::max();

bool grid_kind(const std::string& kind) {
    return kind == "torus" || kind == "mesh" || kind == "nd_fullmesh";
}

} // namespace

std::string_view to_string(RouteStrategy strategy) {
    switch (strategy) {
    case RouteStrategy::Shortest: return "shortest";
    case RouteStrategy::Ecmp: return "ecmp";
    case RouteStrategy::DimensionOrder: return "dimension_order";
    }
    return "";
}

Router::Router(const Topology& topology, RoutingOptions options) : t_(topology), options_(options) {
    if (options_.strategy != RouteStrategy::DimensionOrder) return;
    if (!grid_kind(t_.kind()))
        throw InputError(
            fmt::format("routing.strategy dimension_order needs a torus, mesh or nd_fullmesh, not {}", t_.kind()));
    for (auto c : t_.nodes_of(NodeKind::Chip)) {
        const auto& coords = t_.node(c).place.coords;
        by_coords_.emplace(coords, c);
        extent_.resize(coords.size());
        for (std::size_t d = 0; d < coords.size(); ++d)
            extent_[d] = std::max(extent_[d], coords[d] + 1);
    }
}

const std::vector<std::uint16_t>& Router::distances_to(Vertex to) {
    auto [it, fresh] = distances_.try_emplace(to);
    if (!fresh) return it->second;
    auto& dist = it->second;
    dist.assign(t_.num_nodes(), kUnreached);
    dist[to] = 0;
    std::deque<Vertex> queue{to};
    const auto& g = t_.graph();
    while (!queue.empty()) {
        const Vertex v = queue.front();
        queue.pop_front();
        for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
            const Vertex w = boost::target(*e, g);
            if (dist[w] == kUnreached) {
                dist[w] = static_cast<std::uint16_t>(dist[v] + 1);
                queue.push_back(w);
            }
        }
    }
    return dist;
}

std::vector<Router::Step> Router::shortest_steps(Vertex at, Vertex to) {
    const auto& dist = distances_to(to);
    if (dist[at] == kUnreached)
        throw InputError(fmt::format("chip {} cannot reach chip {}", t_.node(at).name, t_.node(to).name));
    const auto& g = t_.graph();
    std::vector<Step> steps;
    for (auto [e, end] = boost::out_edges(at, g); e != end; ++e) {
        const Vertex w = boost::target(*e, g);
        if (dist[w] + 1 != dist[at]) continue;
        steps.push_back({make_hop(g[*e].id, at, w), w, g[*e].latency_s});
    }
    std::sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) { return a.hop < b.hop; });
    return steps;
}

std::vector<Router::Step> Router::dimension_steps(Vertex at, Vertex to) {
    const auto& here = t_.node(at).place.coords;
    const auto& goal = t_.node(to).place.coords;
    std::size_t d = 0;
    while (here[d] == goal[d])
        ++d;
    std::vector<int> next = here;
    if (t_.kind() == "nd_fullmesh") {
        next[d] = goal[d];
    } else {
        const int n = extent_[d];
        const int ahead = ((goal[d] - here[d]) % n + n) % n;
        const bool wraps = t_.kind() == "torus";
        const int step = !wraps ? (goal[d] > here[d] ? 1 : -1) : (ahead <= n - ahead ? 1 : -1);
        next[d] = ((here[d] + step) % n + n) % n;
    }
    const Vertex w = by_coords_.at(next);
    std::vector<Step> steps;
    const auto& g = t_.graph();
    for (auto [e, end] = boost::out_edges(at, g); e != end; ++e)
        if (boost::target(*e, g) == w) steps.push_back({make_hop(g[*e].id, at, w), w, g[*e].latency_s});
    if (steps.empty())
        throw InputError(fmt::format("dimension_order routing found no cable from {} to {} (twisted torus?)",
                                     t_.node(at).name, t_.node(w).name));
    std::sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) { return a.hop < b.hop; });
    return steps;
}

std::vector<Router::Step> Router::next_steps(Vertex at, Vertex to) {
    return options_.strategy == RouteStrategy::DimensionOrder ? dimension_steps(at, to) : shortest_steps(at, to);
}

Path Router::walk(Vertex from, Vertex to, std::unordered_map<Vertex, std::uint32_t>& arrivals) {
    Path path;
    for (Vertex at = from; at != to;) {
        const auto steps = next_steps(at, to);
        const Step& s =
            options_.strategy == RouteStrategy::Shortest ? steps.front() : steps[arrivals[at]++ % steps.size()];
        path.hops.push_back(s.hop);
        path.latency_s += s.latency_s;
        at = s.next;
    }
    return path;
}

const std::vector<Path>& Router::paths(Vertex from, Vertex to) {
    const std::uint64_t key = static_cast<std::uint64_t>(from) << 32 | to;
    auto [it, fresh] = paths_.try_emplace(key);
    if (!fresh) return it->second;
    std::uint32_t stripes = options_.stripes;
    if (options_.strategy == RouteStrategy::Shortest) stripes = 1;
    if (stripes == 0) stripes = static_cast<std::uint32_t>(next_steps(from, to).size());
    std::unordered_map<Vertex, std::uint32_t> arrivals; // stripes of this pair that have left each vertex
    for (std::uint32_t s = 0; s < stripes; ++s)
        it->second.push_back(walk(from, to, arrivals));
    return it->second;
}

} // namespace snsim
