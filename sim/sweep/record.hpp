#pragma once
// The outcome of one sweep point as the journal keeps it: a status and, when it ran, the experiment's rows with
// every field as computed (doubles round-trip exactly through JSON), so outputs written from records are the
// same bytes whether the rows came from this run, an earlier interrupted one or another machine's shard.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/report/run_report.hpp"

namespace snsim::sweep {

struct Record {
    std::size_t point = 0;
    std::string status = "ok";        // or "error: why" (refused, failed or crashed)
    std::vector<report::RunRow> rows; // empty unless ok
    bool ok() const { return status == "ok"; }
};

// One line of JSON, without the line end.
std::string to_line(const Record& r);
// Throws nlohmann::json::exception when `j` is not a record, std::invalid_argument (the reason) when a field holds
// what no run writes (a size above 8 TiB, flows 1e300, status ok without rows).
Record record_from(const nlohmann::json& j);

} // namespace snsim::sweep
