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

} // namespace snsim::workload
