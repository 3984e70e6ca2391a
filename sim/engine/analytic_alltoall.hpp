#pragma once
// The analytic engine's direct alltoall without listing its p(p-1) flows: the same result as building the direct
// schedule and running sim/engine/analytic on it (tests/test_analytic_alltoall.cpp checks both agree), in time
// and memory that grow with sources x destination classes instead of with pairs.
//
// Destination classes are chips with the same neighbours (the chips under the same leaf switches of a Clos):
// a stripe from one source to any chip of a class crosses the same cables but the last (Router::aim), so one
// walk per (source, class) gives the bytes on every cable but the last hops, and the last hops' bytes are
// counted per class and handed to each of its chips. Where every chip is its own class (a full mesh, a torus)
// this is the per-pair cost, no better and no worse.
//
// Every flow of direct alltoall starts at 0 in one step and one chunk, so, as in sim/engine/analytic.hpp, a
// stripe takes alpha + its path's latency + the time its busiest cable direction needs to drain everything the
// collective puts there; the run ends with the slowest stripe: over cable directions, the largest of (the latest
// latency of a stripe crossing it + its drain time), recorded in the same walk as the bytes.
#include <vector>

#include "sim/engine/engine.hpp"

namespace snsim::engine {

// `pair_bytes`: what each rank sends each other rank. `chips`: the ranks' chips, distinct. Shortest, spray and ecmp
// routing (Router::open_paths; ecmp one destination at a time); the caller builds the schedule for the others.
RunResult analytic_alltoall(const Topology& topology, Router& router, const std::vector<Topology::Vertex>& chips,
                            double pair_bytes, const EngineOptions& options);

} // namespace snsim::engine
