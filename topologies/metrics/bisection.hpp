#pragma once
// Bisection bandwidth: over all splits of the chips into two halves (sizes floor(n/2) and ceil(n/2)), with
// switch chips and CPUs placed on whichever side suits, the least total bandwidth of the cables that cross,
// counted in ONE direction (each cable's per-direction bandwidth once).
//
// How it is computed: the generator proposes balanced splits (BisectionHint) and says whether the least of them
// is proven minimal; the crossing cables of each are counted on the actual graph and the least kept. Graphs
// without a hint (custom files) get an upper bound: the chips split in breadth-first order from up to 8 start
// chips, other vertices placed greedily, least kept.
#include <string>

#include "topologies/topology.hpp"

namespace snsim {

struct Bisection {
    double bytes_per_s = 0; // one direction
    std::size_t cables = 0;
    bool exact = false;
    std::string method;
};

Bisection bisection(const Topology& t);

// Bandwidth and cable count crossing a given vertex partition (side[v] in {0, 1}); for tests and for callers
// that want to evaluate their own split.
Bisection cut(const Topology& t, const std::vector<std::uint8_t>& side);

} // namespace snsim
