#pragma once
// The best algorithm per size (`snsim compare --algorithm best`): every algorithm that implements the collective
// and accepts the system is a candidate, and each size keeps the fastest (ties: the first in kAlgorithms).
//
// It scales by not running what cannot win. Size by size, each candidate's schedule is built once to find its
// lower bound (sim/engine/schedule_bound.hpp: no engine gives it less time) and its cost (the communications the
// engine will start); candidates then run cheapest first, and one whose bound is above the best time found so far
// at that size is skipped: its time would be at least its bound, so it could not be chosen, and the answer is the
// one the full search gives. Rows are handed over as soon as they are timed and each size as soon as it is decided,
// and the search stops between candidates when asked (an interrupt), so what finished is kept.
#include <functional>
#include <string>

#include "sim/experiment/experiment.hpp"

namespace snsim {

struct BestEvents {
    // A candidate's row at one size, as soon as it was timed.
    std::function<void(const report::RunRow&)> timed = [](const report::RunRow&) {};
    // A candidate not run at `size` (0: at any size, refused by the system) and why.
    std::function<void(Algorithm, double size, const std::string& why)> skipped = [](Algorithm, double,
                                                                                     const std::string&) {};
    // The fastest row at one size, once every candidate was timed or skipped there.
    std::function<void(const report::RunRow&)> decided = [](const report::RunRow&) {};
    // Asked before each candidate runs: true ends the search (the result then holds the sizes decided so far).
    std::function<bool()> stop = [] { return false; };
};

struct BestResult {
    ExperimentResult result; // one row per decided size, in the experiment's order (all of them unless stopped)
    std::size_t timed = 0;   // candidate runs (one size each)
    std::size_t pruned = 0;  // candidate runs skipped for their bound
};

// `prune` false runs every candidate at every size (to check that pruning never changes the answer). Throws
// InputError when no algorithm implements the collective on the system.
BestResult run_best(const Topology& topology, const std::vector<Topology::Vertex>& chips, const Experiment& experiment,
                    const BestEvents& events, bool prune = true);

} // namespace snsim
