#include "sim/sweep/outputs.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "sim/report/csv.hpp"

namespace snsim::sweep {
namespace {

using report::csv_field;

// The rows of a point: as recorded, or for a failed point one per size with only what was asked.
std::vector<report::RunRow> rows_of(const Record& r, const PointInfo& info) {
    if (r.ok()) return r.rows;
    std::vector<report::RunRow> rows;
    for (double size : info.sizes)
        rows.push_back({info.collective, info.algorithm, size, 0, 1, 0, 0, info.seed});
    return rows;
}

std::string failed_line(const report::RunRow& r) {
    return fmt::format("{},{},{},{},,,,,,,{},,,,,", r.collective, r.algorithm, r.size_bytes, r.size_bytes / 4, r.seed);
}

nlohmann::ordered_json failed_json(const report::RunRow& r) {
    return {{"collective", r.collective},
            {"algorithm", r.algorithm},
            {"size_bytes", r.size_bytes},
            {"count", r.size_bytes / 4},
            {"time_us", nullptr},
            {"algbw_gbps", nullptr},
            {"busbw_gbps", nullptr},
            {"bound_us", nullptr},
            {"bound_fraction", nullptr},
            {"flows", nullptr},
            {"seed", r.seed}};
}

} // namespace

void write_sweep_csv(std::ostream& out, const SweepSpec& spec, const std::vector<PointInfo>& info,
                     const std::map<std::size_t, Record>& records) {
    out << "point,config";
    for (const auto& k : spec.grid)
        out << ',' << csv_field(k.key);
    out << ",status," << report::csv_header() << '\n';
    for (const auto& [index, record] : records) {
        const Point p = spec.point(index);
        std::string head = fmt::format("{},{}", index, csv_field(spec.configs[p.config]));
        for (std::size_t k = 0; k < spec.grid.size(); ++k)
            head += ',' + csv_field(spec.grid[k].values[p.choice[k]]);
        head += ',' + csv_field(record.status);
        for (const auto& row : rows_of(record, info[index]))
            out << head << ',' << (record.ok() ? report::csv_line(row) : failed_line(row)) << '\n';
    }
}

nlohmann::ordered_json sweep_json(const SweepSpec& spec, const std::vector<PointInfo>& info,
                                  const std::map<std::size_t, Record>& records, const std::string& shard) {
    nlohmann::ordered_json grid = nlohmann::ordered_json::object();
    for (const auto& k : spec.grid)
        grid[k.key] = k.values;
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const auto& [index, record] : records) {
        const Point p = spec.point(index);
        nlohmann::ordered_json head = {{"point", index}, {"config", spec.configs[p.config]}};
        for (std::size_t k = 0; k < spec.grid.size(); ++k)
            head[spec.grid[k].key] = spec.grid[k].values[p.choice[k]];
        head["status"] = record.status;
        for (const auto& row : rows_of(record, info[index])) {
            nlohmann::ordered_json line = head;
            const auto measured = record.ok() ? report::rows_json({row})[0] : failed_json(row);
            for (const auto& [key, value] : measured.items())
                line[key] = value;
            rows.push_back(std::move(line));
        }
    }
    nlohmann::ordered_json j = {{"spec", std::filesystem::path(spec.file).filename().string()},
                                {"sweep", spec.fingerprint},
                                {"points", spec.points()},
                                {"configs", spec.configs},
                                {"grid", grid},
                                {"collective", spec.collective},
                                {"sizes", spec.sizes},
                                {"engine", spec.engine}};
    if (!shard.empty()) j["shard"] = shard;
    j["rows"] = std::move(rows);
    return j;
}

} // namespace snsim::sweep
