#pragma once
// The test behind step coalescing (CollectiveParams::lockstep): do one step's messages of a ring phase, started
// together and alone on the fabric, all finish together?
//
// Each message (all of one size) is striped over the Router's paths for its chip pair. The answer is yes when
//   - every message has the same number of stripes (so every stripe carries the same bytes),
//   - every stripe has the same latency (its path's cables; alpha is the same for all), and
//   - max-min sharing gives every stripe the same rate. With n_h stripes crossing cable direction h of bandwidth
//     C_h, progressive filling raises every rate together to m = min_h C_h / n_h; a stripe stops there exactly
//     when one of its directions has C_h / n_h = m. So every stripe gets m if and only if each stripe's own
//     tightest direction has C_h / n_h = m (relative 1e-12); otherwise some stripe runs faster.
// A sprayed stripe (Path::layers) is one fluid with one rate that puts a fraction of it on each cable direction of
// its DAG; n_h then sums those fractions, and the same argument holds.
// The analytic engine gives those stripes the same rate, n_h * bytes / C_h at their busiest direction.
//
// Then each step of the phase lasts latency + bytes / m on every stripe, the next step's messages (same pairs)
// start together when it ends, and n-1 steps take (n-1)(latency + bytes / m): what one flow per pair carrying
// n-1 messages, paying the latency n-1 times, takes alone at the same rates (Flow::rounds).
#include <span>
#include <vector>

#include "sim/collectives/collective.hpp"
#include "sim/routing/router.hpp"
#include "topologies/topology.hpp"

namespace snsim::engine {

// `endpoints[r]`: rank r's chip. Routes through `router`, so its cache then holds the pairs (as simulate would).
bool runs_in_lockstep(const Topology& topology, Router& router, const std::vector<Topology::Vertex>& endpoints,
                      std::span<const RankPair> messages);

} // namespace snsim::engine
