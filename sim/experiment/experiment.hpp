#pragma once
// An experiment: one collective and algorithm over a sweep of message sizes on one topology and communicator.
// Each size is scheduled, simulated and bounded; rows are handed to `on_row` as soon as they are computed, so a
// long sweep shows (and keeps) its progress.
#include <functional>
#include <string>
#include <vector>

#include "sim/collectives/collective.hpp"
#include "sim/engine/cost_model.hpp"
#include "sim/engine/engine.hpp"
#include "sim/report/run_report.hpp"

namespace snsim {

struct Experiment {
    Collective collective = Collective::allreduce;
    Algorithm algorithm = Algorithm::ring;
    std::vector<double> sizes;
    CollectiveParams params; // bytes is set per size; chunks 0: the algorithm's choice (1, in_switch pipelines)
    RoutingOptions routing;
    EngineOptions engine;
    CostModel cost;         // protocols, chunking, launch interval (sim/engine/cost_model.hpp)
    // One chip's compute (chip.peak_flops, chip.memory_bandwidth; 0 = not given): what times a workload generated
    // from a model (workload::time_compute).
    double peak_flops = 0, memory_bandwidth = 0;
    std::uint64_t seed = 1; // echoed in every row
    // Step coalescing: ring phases that provably run in lockstep become one flow per pair (sim/engine/lockstep.hpp);
    // the same times with far fewer flows. Off: every step is simulated (to check, or to measure the engine).
    bool coalesce_steps = true;
    // --engine both: every size on the discrete-event engine (engine.kind, the row's time) and on the analytic
    // engine (RunRow::analytic_time_s), with the same schedule and protocol.
    bool both_engines = false;
    // alltoall only (collective.size_per: pair): each size is what a rank sends to each rank; runs time p x it,
    // the per-rank total, which their rows show (per_rank_sizes).
    bool sizes_per_pair = false;
};

// The experiment with sizes as per-rank totals for `ranks` ranks: sizes per pair times the ranks, else unchanged.
Experiment per_rank_sizes(Experiment experiment, Rank ranks);

struct ExperimentResult {
    std::vector<report::RunRow> rows;
    // Of the largest size: every cable direction that carried bytes, most bytes first (ties by cable), and how
    // many carried none.
    std::vector<report::CableUse> cables;
    std::size_t idle_cable_directions = 0;
    double cables_size_bytes = 0;
};

// Switch chips cabled to every chip of the communicator: those an in-switch reduction can use, in vertex order.
// Throws InputError when there are none.
std::vector<Topology::Vertex> reducing_switches(const Topology& topology, const std::vector<Topology::Vertex>& chips);

// Whether the experiment times a size of `chunks` chunks without listing its flows: direct alltoall on the
// analytic engine (sim/engine/analytic_alltoall.hpp), at 15,488 chips seconds instead of 240 million flows. Not on
// clusters, whose routes keep to a tier.
bool listless_alltoall(const Topology& topology, const Experiment& experiment, std::uint32_t chunks);

// What an experiment's schedules are built from, as run_experiment builds them (and the best-algorithm search
// bounds them): the endpoints (the ranks' chips, then in_switch's reducing switches) and the parameters but the
// size (in_switch's weights, multidim's grid and dimension paths, the lockstep test through `router`).
struct SchedulePlan {
    std::vector<Topology::Vertex> endpoints;
    CollectiveParams params;
    double near_latency_s = 0; // least latency of a chip's cable: what default chunking weighs
};
SchedulePlan plan_schedule(const Topology& topology, Router& router, const std::vector<Topology::Vertex>& chips,
                           const Experiment& experiment);
// The plan's parameters at one size: its bytes and chunks (the cost model's, or the algorithm's default).
CollectiveParams params_at(const Experiment& experiment, const SchedulePlan& plan, double size);

// Every cable direction that carried bytes in `run`, most bytes first (ties by cable direction); `order`, when
// given, receives their hops in the same order.
std::vector<report::CableUse> cable_use(const Topology& topology, const RunResult& run,
                                        std::vector<Hop>* order = nullptr);

ExperimentResult run_experiment(const Topology& topology, const std::vector<Topology::Vertex>& chips,
                                const Experiment& experiment, const std::function<void(const report::RunRow&)>& on_row);

} // namespace snsim
