#include "sim/sweep/record.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/collectives/collective.hpp"
#include "sim/config/sizes.hpp"
#include "sim/engine/cost_model.hpp"

namespace snsim::sweep {

std::string to_line(const Record& r) {
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const auto& row : r.rows)
        rows.push_back({{"collective", row.collective},
                        {"algorithm", row.algorithm},
                        {"size_bytes", row.size_bytes},
                        {"time_s", row.time_s},
                        {"busbw_factor", row.busbw_factor},
                        {"bound_s", row.bound_s},
                        {"flows", row.flows},
                        {"seed", row.seed},
                        {"protocol", row.protocol},
                        {"engine", row.engine},
                        {"estimate", row.estimate},
                        {"analytic_time_s", row.analytic_time_s}});
    const nlohmann::ordered_json j = {{"point", r.point}, {"status", r.status}, {"rows", rows}};
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

[[noreturn]] void refuse(const std::string& why) {
    throw std::invalid_argument(why);
}

double finite(const nlohmann::json& row, const char* key, double least, double most) {
    const auto& v = row.at(key);
    if (!v.is_number()) refuse(fmt::format("{} is not a number", key));
    const double x = v.get<double>();
    if (!std::isfinite(x) || x < least || x > most)
        refuse(fmt::format("{} {} is not what a run writes ({} to {})", key, v.dump(), least, most));
    return x;
}

std::uint64_t whole(const nlohmann::json& v, const char* key, std::uint64_t least, std::uint64_t most) {
    if (!v.is_number_unsigned()) refuse(fmt::format("{} {} is not a whole number", key, v.dump()));
    const auto x = v.get<std::uint64_t>();
    if (x < least || x > most) refuse(fmt::format("{} {} is out of range ({} to {})", key, x, least, most));
    return x;
}

std::string text(const nlohmann::json& row, const char* key) {
    const auto& v = row.at(key);
    if (!v.is_string()) refuse(fmt::format("{} is not a text", key));
    return v.get<std::string>();
}

} // namespace

// Every field is checked against what run_point can write: a journal is read back as input, and an edited or
// corrupted one must not become rows of the outputs.
Record record_from(const nlohmann::json& j) {
    if (!j.is_object()) refuse("a record is a JSON object");
    Record r;
    r.point = whole(j.at("point"), "point", 0, std::numeric_limits<std::uint64_t>::max());
    r.status = text(j, "status");
    if (!r.ok() && !r.status.starts_with("error: ")) refuse("status is neither \"ok\" nor \"error: ...\"");
    const auto& rows = j.at("rows");
    if (!rows.is_array()) refuse("rows is not a list");
    if (r.ok() && rows.empty()) refuse("status ok without rows: a run that succeeded has a row per size");
    if (!r.ok() && !rows.empty()) refuse("rows on a failed point");
    constexpr double kMostSeconds = 1e9; // any simulated time is far below 30 years
    for (const auto& row : rows) {
        if (!row.is_object()) refuse("a row is a JSON object");
        report::RunRow out;
        out.collective = text(row, "collective");
        if (!collective_from(out.collective)) refuse(fmt::format("unknown collective \"{}\"", out.collective));
        out.algorithm = text(row, "algorithm");
        if (!algorithm_from(out.algorithm)) refuse(fmt::format("unknown algorithm \"{}\"", out.algorithm));
        out.size_bytes = finite(row, "size_bytes", 1, config::kMaxSize);
        out.time_s = finite(row, "time_s", 0, kMostSeconds);
        if (!(out.time_s > 0)) refuse("time_s is not positive");
        out.busbw_factor = finite(row, "busbw_factor", 0, 2);
        if (!(out.busbw_factor > 0)) refuse("busbw_factor is not positive");
        out.bound_s = finite(row, "bound_s", 0, kMostSeconds);
        if (!(out.bound_s > 0)) refuse("bound_s is not positive");
        out.flows = whole(row.at("flows"), "flows", 1, std::uint64_t{1} << 40);
        out.seed = whole(row.at("seed"), "seed", 0, std::numeric_limits<std::uint64_t>::max());
        out.protocol = row.contains("protocol") ? text(row, "protocol") : "";
        if (!out.protocol.empty() &&
            std::find(kProtocolNames.begin(), kProtocolNames.end(), out.protocol) == kProtocolNames.end())
            refuse(fmt::format("unknown protocol \"{}\"", out.protocol));
        out.engine = row.contains("engine") ? text(row, "engine") : "simgrid";
        if (out.engine != "simgrid" && out.engine != "analytic" && out.engine != "both")
            refuse(fmt::format("unknown engine \"{}\"", out.engine));
        if (row.contains("estimate")) {
            if (!row.at("estimate").is_boolean()) refuse("estimate is not true or false");
            out.estimate = row.at("estimate").get<bool>();
        }
        if (row.contains("analytic_time_s")) {
            out.analytic_time_s = finite(row, "analytic_time_s", -1, kMostSeconds);
            if (out.analytic_time_s <= 0 && out.analytic_time_s != -1)
                refuse("analytic_time_s is neither -1 nor positive");
            if ((out.analytic_time_s > 0) != (out.engine == "both"))
                refuse("analytic_time_s is given on a row of one engine, or missing on a row of both");
        }
        r.rows.push_back(std::move(out));
    }
    return r;
}

} // namespace snsim::sweep
