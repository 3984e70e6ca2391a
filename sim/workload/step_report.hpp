#pragma once
// How a step is shown: the console table, the JSON document and the CSV of its ops (docs/workloads.md).
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/workload/step.hpp"

namespace snsim::workload {

std::string step_table(const Workload& workload, const StepResult& step);
nlohmann::ordered_json step_json(const Workload& workload, const StepResult& step);
void write_ops_csv(std::ostream& out, const Workload& workload, const StepResult& step);

// One workload on several systems (snsim compare --workload): a step per system, in the order given.
struct SystemStep {
    std::string label, config, vary;
    std::size_t chips = 0;
    StepResult step;
};
// The console lines: a header, then one line per system (step, compute, exposed, each kind's exposed time, the
// busiest cable direction).
std::string compare_header();
std::string compare_line(const Workload& workload, const SystemStep& system);
// CSV: system,config,vary,chips,ranks,engine,estimate,flows,step_us,compute_us,exposed_us, then comm_us and
// exposed_us per group kind the workload uses (tp, ep+dp, ...), then the busiest cable direction and its
// utilization.
void write_compare_csv(std::ostream& out, const Workload& workload, const std::vector<SystemStep>& systems);
nlohmann::ordered_json compare_json(const Workload& workload, const std::vector<SystemStep>& systems);

// Chrome trace event JSON (Perfetto, chrome://tracing): one track per rank, named after its chip (`chip_names[r]`),
// one complete ("X") slice per op run with its run index, op, kind and group in args; times in microseconds. At
// most kTraceRanks tracks: ranks 0 .. kTraceRanks-1 (the first groups of every kind but the slowest), the rest
// counted in the trace's metadata.
inline constexpr std::size_t kTraceRanks = 256;
void write_trace(std::ostream& out, const Workload& workload, const StepResult& step,
                 const std::vector<std::string>& chip_names);

} // namespace snsim::workload
