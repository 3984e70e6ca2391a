#pragma once
// Faults: a healthy Topology turned into the degraded one researchers study (a failed cable, switch chip, plane
// or chip; or a cable running below its rated bandwidth). Failed parts are removed from the graph, so routing
// and metrics see only what still works and every later stage needs no fault logic of its own; surviving
// vertices keep their order, so the communicator re-forms in chip order around failed chips. Degraded cables stay
// with their bandwidth scaled.
//
// Parts are chosen by name or shell-style pattern (fnmatch: *, ?, [...]) as the generators name them ("c5",
// "p3.sw0", "n0.p1.leaf0", "c1.2.3"), by plane number, or at random (a fraction of a kind, seeded). A cable is
// named by its two ends, "A - B" (either order; parallel cables all match). A pattern that matches nothing is an
// error: a typo must not silently simulate the healthy system.
#include <cstdint>
#include <string>
#include <vector>

#include "topologies/topology.hpp"

namespace snsim {

// Parts chosen by name, pattern or plane.
struct FaultSelection {
    std::vector<std::string> chips;    // chip names or patterns
    std::vector<std::string> switches; // switch chip names or patterns
    std::vector<std::string> links;    // "A - B": cables between a node matching A and one matching B
    std::vector<long long> planes;     // every cable of the plane and every switch chip in it
    bool empty() const { return chips.empty() && switches.empty() && links.empty() && planes.empty(); }
};

enum class FaultKind : std::uint8_t { Links, Switches, Chips };

// A fraction of every part of one kind, drawn with the seed (std::sample over the parts in graph order).
struct RandomFaults {
    FaultKind kind = FaultKind::Links;
    double fraction = 0; // of the kind's parts, rounded to the nearest whole number
    std::uint64_t seed = 1;
};

struct FaultSpec {
    FaultSelection failed;           // removed from the graph
    FaultSelection degraded;         // their cables keep `bandwidth_fraction` of their bandwidth
    double bandwidth_fraction = 0.5; // in (0, 1]
    RandomFaults random;             // failed at random; fraction 0 = none
    bool empty() const { return failed.empty() && degraded.empty() && random.fraction == 0; }
};

// The degraded topology. Throws ParamError whose key names the selection ("chips", "links",
// "degrade.switches", "random.fraction", ...) and whose value is the offending pattern, when a pattern matches
// nothing of its kind, a cable name is not "A - B", a plane has no cable, or a fraction is out of range. The
// result has no bisection hint or chip orbits (the generator's symmetry is gone): metrics search and sample it.
Topology apply_faults(const Topology& healthy, const FaultSpec& spec);

// Chips of `group` that cannot reach its first chip, in group order (empty when the group is connected).
std::vector<Topology::Vertex> unreachable(const Topology& t, const std::vector<Topology::Vertex>& group);

} // namespace snsim
