#pragma once
// Presents one experiment run on several systems side by side (`snsim compare`): a console table with a row per
// message size and, per system, time, busbw and the fraction of that system's bound (and the algorithm, when
// the best one is picked per size); a long-format CSV with one line per system and size; and a JSON document
// with every system's rows and cable statistics.
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/report/run_report.hpp"

namespace snsim::report {

struct SystemResult {
    std::string name;   // column label: the config's name, plus "key=value" when varied
    std::string config; // path of the config file
    std::string vary;   // "key=value" or empty
    std::size_t chips = 0;
    std::vector<RunRow> rows;     // one per size, in the same order for every system
    std::vector<CableUse> cables; // of the largest size (see ExperimentResult)
    std::size_t idle_cable_directions = 0;
    double cables_size_bytes = 0;
};

std::string compare_table(const std::vector<SystemResult>& systems, bool show_algorithm);
// CSV columns: system,config,vary,chips, then the columns of write_csv.
void write_compare_csv(std::ostream& out, const std::vector<SystemResult>& systems);
nlohmann::ordered_json compare_json(const std::vector<SystemResult>& systems, std::vector<StreamedJson>& cables);

} // namespace snsim::report
