#pragma once
// Bisection bandwidth: over all splits of the chips into two halves (sizes floor(n/2) and ceil(n/2)), with
// switch chips and CPUs placed on whichever side suits, the least total bandwidth of the cables that cross,
// counted in ONE direction (each cable's per-direction bandwidth once).
//
// How it is computed: the generator proposes balanced splits (BisectionHint) and says whether the least of them
// is proven minimal; the crossing cables of each are counted on the actual graph and the least kept. Graphs
// without a hint (custom files) get an upper bound: the least of METIS's partitions (a real graph partitioner,
// several seeds, chips balanced, switches free) and of the chips split in breadth-first order from up to 8 start
// chips. `bisection_floor` gives a lower bound to go with it.
#include <optional>
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

// A lower bound on the bisection from a flow that must cross it: every ordered pair of chips sends one unit, split
// evenly over all its shortest paths (as ECMP over every next hop would). A split with floor(n/2) chips on one side
// and ceil(n/2) on the other carries floor(n/2) x ceil(n/2) units across, and a cable direction can carry at most
// its bandwidth; so the bisection is at least floor(n/2) x ceil(n/2) x min over cable directions of
// bandwidth / load (and, counting cables, of 1 / load). Exact where the even split loads every crossing cable
// alike and to the top (full meshes, Hamming graphs, even tori); looser elsewhere, never above the truth.
struct BisectionFloor {
    double bytes_per_s = 0; // one direction
    double cables = 0;      // not always whole: a bound, rounded up when printed
    std::string method;
};

// Costs one breadth-first search per chip: nullopt when chips x (vertices + 2 cables) is above `work_budget`.
std::optional<BisectionFloor> bisection_floor(const Topology& t, double work_budget);

} // namespace snsim
