// Packet spraying and weighted spraying (RouteStrategy::Spray, Ucmp): a stripe spread as a fluid over a
// shortest-path DAG (Path::layers).
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "sim/routing/router.hpp"

namespace snsim {
namespace {

constexpr double kEven = 1e-9; // a layer whose fractions all lie this close to 1/n is made exactly even

// What one DAG vertex passes on: the fraction of the stripe that reaches it and the latest arrival.
struct Reach {
    double fraction = 0;
    double latency_s = 0;
};

void make_even(SprayLayer& layer) {
    const double n = static_cast<double>(layer.hops.size());
    layer.even = std::all_of(layer.fractions.begin(), layer.fractions.end(),
                             [&](double f) { return std::abs(f * n - 1.0) <= kEven; });
    if (layer.even) std::fill(layer.fractions.begin(), layer.fractions.end(), 1.0 / n);
}

} // namespace

bool Router::sprays() const {
    return options_.strategy == RouteStrategy::Spray || options_.strategy == RouteStrategy::Ucmp;
}

const SprayLayer* Router::intern(SprayLayer layer) {
    make_even(layer);
    auto [it, fresh] = layers_.try_emplace({layer.hops, layer.fractions});
    if (fresh) it->second = std::make_unique<SprayLayer>(std::move(layer));
    return it->second.get();
}

Path Router::spray(Vertex from, Vertex to, const StepsOf& steps_of, std::vector<OpenPath::Arrival>* sinks) {
    // The DAG's vertices by distance from `from`, and each one's next steps.
    std::vector<std::vector<Vertex>> by_distance{{from}};
    std::map<Vertex, std::vector<Step>> next;
    for (std::size_t k = 0; !by_distance[k].empty(); ++k) {
        std::vector<Vertex> further;
        for (Vertex v : by_distance[k]) {
            auto& steps = next[v] = steps_of(v);
            for (const Step& s : steps)
                further.push_back(s.next);
        }
        std::sort(further.begin(), further.end());
        further.erase(std::unique(further.begin(), further.end()), further.end());
        by_distance.push_back(std::move(further));
    }
    // ucmp: what each vertex can pass on towards the sinks, summed backwards (a sink passes on anything).
    std::map<Vertex, double> passes;
    const auto weight = [&](const Step& s) {
        if (options_.strategy != RouteStrategy::Ucmp) return 1.0;
        const auto it = passes.find(s.next);
        return std::min(s.bytes_per_s, it == passes.end() ? s.bytes_per_s : it->second);
    };
    if (options_.strategy == RouteStrategy::Ucmp)
        for (std::size_t k = by_distance.size(); k-- > 0;)
            for (Vertex v : by_distance[k])
                if (!next[v].empty()) {
                    double sum = 0;
                    for (const Step& s : next[v])
                        sum += weight(s);
                    passes[v] = sum;
                }
    // Forward: each vertex splits what reaches it over its next steps.
    std::map<Vertex, Reach> reach{{from, {1.0, 0.0}}};
    Path path;
    for (const auto& layer_vertices : by_distance) {
        SprayLayer layer;
        std::vector<std::pair<Hop, double>> hops;
        for (Vertex v : layer_vertices) {
            const Reach here = reach[v];
            const auto& steps = next[v];
            if (steps.empty()) {
                if (sinks) sinks->push_back({v, here.fraction, here.latency_s});
                path.latency_s = std::max(path.latency_s, here.latency_s);
                continue;
            }
            double total = 0;
            for (const Step& s : steps)
                total += weight(s);
            for (const Step& s : steps) {
                const double share = here.fraction * weight(s) / total;
                hops.emplace_back(s.hop, share);
                Reach& there = reach[s.next];
                there.fraction += share;
                const double arrival = here.latency_s + s.latency_s + (s.next == to ? 0.0 : switch_latency(s.next));
                there.latency_s = std::max(there.latency_s, arrival);
            }
        }
        if (hops.empty()) continue;
        std::sort(hops.begin(), hops.end());
        for (const auto& [hop, share] : hops) {
            layer.hops.push_back(hop);
            layer.fractions.push_back(share);
        }
        path.layers.push_back(intern(std::move(layer)));
    }
    return path;
}

} // namespace snsim
