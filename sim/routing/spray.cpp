// Packet spraying and weighted spraying (RouteStrategy::Spray, Ucmp): a stripe spread as a fluid over a
// shortest-path DAG (Path::layers).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "sim/routing/router.hpp"

namespace snsim {
namespace {

constexpr double kEven = 1e-9; // a layer whose fractions all lie this close to 1/n is made exactly even

void make_even(SprayLayer& layer) {
    const double n = static_cast<double>(layer.hops.size());
    layer.even = std::all_of(layer.fractions.begin(), layer.fractions.end(),
                             [&](double f) { return std::abs(f * n - 1.0) <= kEven; });
    if (layer.even) std::fill(layer.fractions.begin(), layer.fractions.end(), 1.0 / n);
}

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
}

std::uint64_t hash_of(const SprayLayer& layer) {
    std::uint64_t h = layer.hops.size();
    for (std::size_t j = 0; j < layer.hops.size(); ++j) {
        std::uint64_t bits = 0;
        static_assert(sizeof(bits) == sizeof(double));
        std::memcpy(&bits, &layer.fractions[j], sizeof(bits));
        h = mix(mix(h, layer.hops[j]), bits);
    }
    return h;
}

// Sums a degree over vertices.
template <class Graph> std::size_t degrees(const Graph& g, const std::vector<Topology::Vertex>& vertices) {
    std::size_t sum = 0;
    for (auto v : vertices)
        sum += boost::out_degree(v, g);
    return sum;
}

} // namespace

bool Router::sprays() const {
    return options_.strategy == RouteStrategy::Spray || options_.strategy == RouteStrategy::Ucmp;
}

const SprayLayer* Router::intern(SprayLayer layer) {
    make_even(layer);
    auto& bucket = layers_[hash_of(layer)];
    for (const auto& known : bucket)
        if (known->hops == layer.hops && known->fractions == layer.fractions) return known.get();
    layer.id = static_cast<std::uint32_t>(interned_++);
    bucket.push_back(std::make_unique<SprayLayer>(std::move(layer)));
    return bucket.back().get();
}

void Router::number_layers(const Dag& dag) {
    if (spray_stamp_.size() != t_.num_nodes()) {
        spray_stamp_.assign(t_.num_nodes(), 0);
        position_.assign(t_.num_nodes(), 0);
        spray_ = 0;
    }
    if (++spray_ == 0) {
        std::fill(spray_stamp_.begin(), spray_stamp_.end(), 0);
        spray_ = 1;
    }
    for (const auto& layer : dag.layers)
        for (std::size_t i = 0; i < layer.size(); ++i) {
            spray_stamp_[layer[i]] = spray_;
            position_[layer[i]] = static_cast<std::uint32_t>(i);
        }
}

const Router::Dag& Router::pair_dag() {
    const auto& g = t_.graph();
    Dag& dag = spray_dag_;
    dag.layers = dag_layers_;
    for (auto& layer : dag.layers)
        std::sort(layer.begin(), layer.end());
    dag.steps.resize(dag.layers.size());
    for (std::size_t k = 0; k < dag.layers.size(); ++k)
        dag.steps[k].assign(dag.layers[k].size(), {});
    number_layers(dag);
    const auto in_layer = [&](Vertex v, std::size_t k) { return dag_stamp_[v] == dag_ && layer_[v] == k; };
    for (std::size_t k = 0; k + 1 < dag.layers.size(); ++k) {
        auto& steps = dag.steps[k];
        if (degrees(g, dag.layers[k]) <= degrees(g, dag.layers[k + 1])) {
            for (std::size_t i = 0; i < dag.layers[k].size(); ++i) {
                const Vertex v = dag.layers[k][i];
                for (auto [e, end] = boost::out_edges(v, g); e != end; ++e)
                    if (const Vertex w = boost::target(*e, g); in_layer(w, k + 1))
                        steps[i].push_back({make_hop(g[*e].id, v, w), w, g[*e].latency_s, g[*e].bytes_per_s});
            }
        } else {
            for (const Vertex w : dag.layers[k + 1])
                for (auto [e, end] = boost::out_edges(w, g); e != end; ++e)
                    if (const Vertex v = boost::target(*e, g); in_layer(v, k))
                        steps[position_[v]].push_back(
                            {make_hop(g[*e].id, v, w), w, g[*e].latency_s, g[*e].bytes_per_s});
        }
        for (auto& out : steps)
            std::sort(out.begin(), out.end(), [](const Step& a, const Step& b) { return a.hop < b.hop; });
    }
    return dag;
}

const Router::Dag& Router::class_dag(Vertex from) {
    Dag& dag = spray_dag_;
    dag.layers.assign(1, {from});
    dag.steps.clear();
    std::vector<Vertex> further;
    for (std::size_t k = 0; !dag.layers[k].empty(); ++k) {
        further.clear();
        auto& steps = dag.steps.emplace_back();
        for (Vertex v : dag.layers[k]) {
            steps.push_back(class_dist_[v] == 0 ? std::vector<Step>{} : class_steps(v));
            for (const Step& s : steps.back())
                further.push_back(s.next);
        }
        std::sort(further.begin(), further.end());
        further.erase(std::unique(further.begin(), further.end()), further.end());
        dag.layers.push_back(further);
    }
    dag.layers.pop_back();
    number_layers(dag);
    return dag;
}

Path Router::spray(const Dag& dag, Vertex to, std::vector<OpenPath::Arrival>* sinks) {
    const std::size_t depth = dag.layers.size();
    // ucmp: what each vertex passes on towards the sinks, summed backwards; a sink passes on anything.
    const bool weighted = options_.strategy == RouteStrategy::Ucmp;
    std::vector<std::vector<double>> passes(depth), fraction(depth), latency(depth);
    for (std::size_t k = 0; k < depth; ++k) {
        passes[k].assign(dag.layers[k].size(), std::numeric_limits<double>::infinity());
        fraction[k].assign(dag.layers[k].size(), 0.0);
        latency[k].assign(dag.layers[k].size(), 0.0);
    }
    const auto weight = [&](std::size_t k, const Step& s) {
        return weighted ? std::min(s.bytes_per_s, passes[k + 1][position_[s.next]]) : 1.0;
    };
    if (weighted)
        for (std::size_t k = depth; k-- > 0;)
            for (std::size_t i = 0; i < dag.layers[k].size(); ++i)
                if (!dag.steps[k][i].empty()) {
                    double sum = 0;
                    for (const Step& s : dag.steps[k][i])
                        sum += weight(k, s);
                    passes[k][i] = sum;
                }
    // Forward: each vertex splits what reaches it over its next steps.
    fraction[0][0] = 1.0;
    Path path;
    std::vector<std::pair<Hop, double>> hops;
    for (std::size_t k = 0; k < depth; ++k) {
        hops.clear();
        for (std::size_t i = 0; i < dag.layers[k].size(); ++i) {
            const auto& steps = dag.steps[k][i];
            if (steps.empty()) {
                if (sinks) sinks->push_back({dag.layers[k][i], fraction[k][i], latency[k][i]});
                path.latency_s = std::max(path.latency_s, latency[k][i]);
                continue;
            }
            double total = 0;
            for (const Step& s : steps)
                total += weight(k, s);
            for (const Step& s : steps) {
                const double share = fraction[k][i] * weight(k, s) / total;
                hops.emplace_back(s.hop, share);
                const std::uint32_t j = position_[s.next];
                fraction[k + 1][j] += share;
                const double arrival = latency[k][i] + s.latency_s + (s.next == to ? 0.0 : switch_latency(s.next));
                latency[k + 1][j] = std::max(latency[k + 1][j], arrival);
            }
        }
        if (hops.empty()) continue;
        std::sort(hops.begin(), hops.end());
        SprayLayer layer;
        layer.hops.reserve(hops.size());
        layer.fractions.reserve(hops.size());
        for (const auto& [hop, share] : hops) {
            layer.hops.push_back(hop);
            layer.fractions.push_back(share);
        }
        path.layers.push_back(intern(std::move(layer)));
    }
    return path;
}

} // namespace snsim
