#pragma once
// One step of a workload, simulated: lowered (lower.hpp), timed by the engine the config names, and summed up
// the way a researcher reads a step: its time, the compute, and per group kind the communication and the part of
// it no compute hides (exposed), each op's time, and the busiest cable directions with the group kinds that
// loaded them. Definitions in docs/workloads.md.
#include <array>
#include <string>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/workload/lower.hpp"
#include "sim/workload/workload.hpp"

namespace snsim::workload {

// Per group kind, per rank and averaged over the ranks: how long its ops ran (their union) and how much of that
// no compute of the rank overlapped.
struct KindTime {
    double comm_s = 0, exposed_s = 0;
    std::size_t ops = 0; // runs of its ops, one per rank
};

// Per op of the file: its runs (one per rank and repeat) and their mean time from ready to end.
struct OpTime {
    std::size_t op = 0;
    std::size_t runs = 0;
    double mean_s = 0;
};

struct CableLoad {
    report::CableUse use;                    // over the whole step
    std::array<double, kGroupKinds> bytes{}; // of it, what each group kind's ops put there (by GroupKind::index())
};

// When each run was, on each rank: [run * ranks + rank].
struct RunTime {
    double start_s = 0, end_s = 0;
};

struct StepResult {
    EngineKind engine = EngineKind::simgrid;
    bool estimate = false; // the analytic engine's model did not provably hold, or `approximate`
    // Discrete-event engine: sprayed stripes share a cable direction in different proportions with other traffic
    // (in_switch's flows to one switch beside sprayed chip-to-chip flows, say), which SimGrid cannot be told
    // exactly: the sprayed stripes are slowed there (sim/engine/link_plan.hpp).
    bool approximate = false;
    Rank ranks = 0;
    std::array<std::uint32_t, 4> size{}; // the placement's dimensions (dp resolved)
    double step_s = 0;
    double compute_s = 0;                      // the busiest chip's compute
    double exposed_s = 0;                      // per rank, averaged: communication of any kind no compute overlapped
    std::array<KindTime, kGroupKinds> kinds{}; // per group kind (GroupKind::index())
    std::vector<OpTime> ops;
    std::vector<double> op_seconds; // per op of the workload, the compute time it ran with (0 but for compute)
    std::vector<CableLoad> busiest;                    // most bytes first
    std::array<std::size_t, kGroupKinds> directions{}; // per group kind: cable directions its ops put bytes on
    // Per group kind the program uses: how many groups, of how many ranks, and the chips of the first.
    struct Groups {
        std::size_t count = 0, size = 0;
        std::vector<std::string> first;
    };
    std::array<Groups, kGroupKinds> groups{};
    std::size_t idle_cable_directions = 0;
    std::size_t flows = 0;
    std::vector<Run> runs;
    std::vector<RunTime> times; // [run * ranks + rank]
};

// `busiest`: how many cable directions to keep. Compute generated from a model and not yet timed is timed on the
// base's chip (time_compute). Throws InputError as time_compute(), lower() and simulate() do.
StepResult run_step(const Workload& workload, const Topology& topology, const std::vector<Topology::Vertex>& chips,
                    const Experiment& base, std::size_t busiest = 5);

} // namespace snsim::workload
