#pragma once
// What the engine asks SimGrid to build for one schedule: the links (one per cable direction in use, or one per
// bundle of parallel cable directions) and, for every flow, the routes its bytes are split over. Pure: no SimGrid
// types, so it is computed (and tested) in the parent process.
//
// Bundling: when every flow that crosses any cable direction of a set crosses all of them, one stripe on each,
// and the set's members have equal bandwidth and latency (the plane-striped fabrics: a chip's uplinks to its k
// planes), SimGrid is given one link of k times the bandwidth per set and one communication per flow instead of
// k. Max-min sharing gives each stripe of a flow the same rate, so every flow finishes at the same time either
// way (argument in docs/architecture.md); a test compares both on contended schedules. When any cable direction
// breaks the rule, nothing is bundled.
//
// Sprayed stripes (Path::layers) are one communication each, with one rate r that puts fraction w_h of it on every
// cable direction h of the stripe's DAG. SimGrid charges a communication r on every link of its route, so a
// direction that every stripe crossing it uses with the same fraction w becomes a link of C / w: its constraint
// sum(w r) <= C is then sum(r) <= C / w, exactly. A whole layer becomes one link of sum(C) when no direction of it
// serves any other layer and its fractions are in proportion to the members' bandwidths (every member's constraint
// is then the same). A direction that stripes use with different fractions (a sprayed stripe's 1/14 beside an
// in-switch flow's whole) becomes a link of C / w for the least fraction w, and a stripe of fraction m w names it
// m times in its route: SimGrid charges a communication once per naming, so sum(m r) <= C / w, exactly. Only
// when a fraction is not a whole multiple (at most 64) of the least is the direction a link of C / (the largest
// fraction), which slows the stripes that use it less, and the plan says it is not exact.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/routing/router.hpp"
#include "topologies/topology.hpp"

namespace snsim {

struct PlannedLink {
    std::vector<Hop> hops;  // the cable directions it stands for (one unless bundled)
    double bytes_per_s = 0; // sum over `hops`, times the protocol efficiency
    double latency_s = 0;   // of each member
};

struct LinkPlan {
    using Route = std::vector<std::uint32_t>; // indexes into `links`, in path order
    std::vector<PlannedLink> links;
    std::vector<std::vector<Route>> route_sets;       // a flow's bytes are split evenly over the routes of its set
    std::vector<std::vector<double>> route_latencies; // of each route: its path's (cables and switch chips)
    std::vector<std::uint32_t> route_set_of;          // per flow

    bool exact = true;                                // false: a sprayed direction's fractions differ (see above)

    std::size_t communications() const; // SimGrid communications the schedule will need
    bool bundled() const;               // some link stands for more than one cable direction
};

// `stripes[f]`: the paths flow f is striped over (pointers into the Router's cache; flows of one chip pair share
// them). `bundle`: whether to bundle parallel cable directions when the rule above allows it.
LinkPlan plan_links(const Topology& topology, const std::vector<const std::vector<Path>*>& stripes, double efficiency,
                    bool bundle);

} // namespace snsim
