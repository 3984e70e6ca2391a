#include "sim/engine/lockstep.hpp"

#include <algorithm>
#include <cmath>

#include "sim/engine/analytic.hpp"
#include "sim/engine/relative.hpp"

namespace snsim::engine {
namespace {

constexpr double kTolerance = 1e-12;


} // namespace

bool runs_in_lockstep(const Topology& t, Router& router, const std::vector<Topology::Vertex>& endpoints,
                      std::span<const RankPair> messages) {
    if (messages.empty()) return true;
    std::vector<const std::vector<Path>*> stripes;
    stripes.reserve(messages.size());
    for (const RankPair& m : messages)
        stripes.push_back(&router.paths(endpoints[m.src], endpoints[m.dst]));
    const std::size_t k = stripes.front()->size();
    const double latency = stripes.front()->front().latency_s;
    std::vector<double> crossing(2 * t.num_links(), 0.0); // stripes crossing each direction (sprayed: fractions)
    for (const auto* paths : stripes) {
        if (paths->size() != k) return false;
        for (const Path& path : *paths) {
            if (!same_within(path.latency_s, latency, kTolerance)) return false;
            for_each_hop(path, [&](Hop hop, double fraction) { crossing[hop] += fraction; });
        }
    }
    const std::vector<double> rate = direction_rates(t, 1.0);
    double fair = INFINITY; // m: the share at the tightest direction of all
    for (Hop hop = 0; hop < crossing.size(); ++hop)
        if (crossing[hop] > 0) fair = std::min(fair, rate[hop] / crossing[hop]);
    for (const auto* paths : stripes)
        for (const Path& path : *paths) {
            double tightest = INFINITY;
            for_each_hop(path, [&](Hop hop, double) { tightest = std::min(tightest, rate[hop] / crossing[hop]); });
            if (!same_within(tightest, fair, kTolerance)) return false;
        }
    return true;
}

} // namespace snsim::engine
