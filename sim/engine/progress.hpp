#pragma once
// How far the engine is into the schedule it is simulating now, for a progress line (sim/cli/progress_line.hpp).
// The discrete-event engine runs in a child process (engine.hpp); it counts finished flows into memory shared
// with its parent, so any thread of the parent can read the count while simulate() waits. The analytic engine
// counts its flows once they are all timed.
#include <cstdint>

namespace snsim::engine {

struct FlowProgress {
    std::uint64_t done = 0;  // flows finished
    std::uint64_t total = 0; // flows in the schedule (0: nothing simulated yet)
};

FlowProgress flow_progress();

// For the engines: simulate() starts a schedule of `total` flows (before the child process is made, so that it
// shares the counter), and the engines count each flow as it finishes.
void start_flow_progress(std::uint64_t total);
void count_finished_flows(std::uint64_t flows);

} // namespace snsim::engine
