#pragma once
// What routing hands the engines: the cable directions one stripe of a message crosses, and its latency.
//
// A stripe is either an ordinary path (one cable direction after another) or, with packet spraying, a fluid spread
// over every cable of the pair's shortest-path DAG: then it is a list of layers, layer k holding the cable
// directions that leave the vertices k hops from the source, each with the fraction of the stripe's bytes it
// carries (a layer's fractions sum to 1, since every path crosses exactly one cable of each layer). Pure: no
// SimGrid.
#include <cstdint>
#include <utility>
#include <vector>

#include "topologies/topology.hpp"

namespace snsim {

// One direction of one cable: cable id * 2, plus 1 when crossed from the higher-numbered vertex to the lower.
using Hop = std::uint32_t;
inline std::uint32_t cable_of(Hop hop) {
    return hop / 2;
}
inline Hop make_hop(std::uint32_t cable, Topology::Vertex from, Topology::Vertex to) {
    return cable * 2 + (from < to ? 0u : 1u);
}
// The (from, to) vertices of a hop.
inline std::pair<Topology::Vertex, Topology::Vertex> hop_ends(const Topology& t, Hop hop) {
    auto [a, b] = t.ends(cable_of(hop));
    if (a > b) std::swap(a, b);
    return hop % 2 ? std::pair{b, a} : std::pair{a, b};
}

// One layer of a sprayed stripe. Layers are shared between the pairs that spread over the same cables in the same
// proportions (a Clos node's uplinks serve every pair leaving the node), which keeps memory near that of paths.
struct SprayLayer {
    std::vector<Hop> hops;         // ascending
    std::vector<double> fractions; // per hop
    bool even = false;             // every fraction is exactly 1/n (a layer within 1e-9 of that is made so)
    std::uint32_t id = 0;          // dense index among the layers its Router interned (engines key arrays by it)
};

struct Path {
    std::vector<Hop> hops;                 // an ordinary path, in order
    std::vector<const SprayLayer*> layers; // or a sprayed stripe (then hops is empty); owned by the Router
    double latency_s = 0;                  // sprayed: the slowest path through the DAG (its last byte)
    bool sprayed() const { return !layers.empty(); }
};

// Calls f(hop, fraction of the stripe's bytes on it) for every cable direction the stripe uses.
template <class F> void for_each_hop(const Path& path, F&& f) {
    for (Hop hop : path.hops)
        f(hop, 1.0);
    for (const SprayLayer* layer : path.layers)
        for (std::size_t j = 0; j < layer->hops.size(); ++j)
            f(layer->hops[j], layer->fractions[j]);
}

} // namespace snsim
