#include "sim/report/compare_report.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/report/csv.hpp"
#include "topologies/units.hpp"

namespace snsim::report {

std::string compare_table(const std::vector<SystemResult>& systems, bool show_algorithm) {
    const int algorithm_width = show_algorithm ? 19 : 0;
    const std::size_t width = 10 + 12 + 8 + 4 + algorithm_width; // time, busbw, %bound and their gaps
    // A system whose name is wider than its columns widens them (to the left), so that no name is cut.
    std::vector<std::size_t> extra;
    for (const auto& s : systems)
        extra.push_back(s.name.size() > width ? s.name.size() - width : 0);
    std::string out = fmt::format("{:>12}", "");
    for (std::size_t i = 0; i < systems.size(); ++i)
        out += fmt::format("  {:^{}}", systems[i].name, width + extra[i]);
    out += fmt::format("\n{:>12}", "size(B)");
    for (std::size_t i = 0; i < systems.size(); ++i) {
        out += fmt::format("{:{}}  {:>10}  {:>12}  {:>7}", "", extra[i], "time(us)", "busbw(GB/s)", "%bound");
        if (show_algorithm) out += fmt::format("  {:>18}", "algorithm");
    }
    out += '\n';
    const std::size_t rows = systems.empty() ? 0 : systems.front().rows.size();
    for (std::size_t r = 0; r < rows; ++r) {
        out += fmt::format("{:>12}", systems.front().rows[r].size_bytes);
        for (std::size_t i = 0; i < systems.size(); ++i) {
            const RunRow& row = systems[i].rows[r];
            out += fmt::format("{:{}}{}{:>10.2f}  {:>12.2f}  {:>6.1f}%", "", extra[i], row.estimate ? " ~" : "  ",
                               row.time_s * 1e6, busbw_Bps(row) / 1e9, 100 * fraction(row));
            if (show_algorithm) out += fmt::format("  {:>18}", row.algorithm);
        }
        out += '\n';
    }
    const bool estimates = std::any_of(systems.begin(), systems.end(), [](const SystemResult& s) {
        return std::any_of(s.rows.begin(), s.rows.end(), [](const RunRow& r) { return r.estimate; });
    });
    if (estimates) out += "~ before a time: the analytic engine's estimate (its model does not provably hold there)\n";
    return out;
}

void write_compare_csv(std::ostream& out, const std::vector<SystemResult>& systems) {
    out << "system,config,vary,chips," << csv_header() << '\n';
    for (const auto& s : systems)
        for (const auto& row : s.rows)
            out << csv_field(s.name) << ',' << csv_field(s.config) << ',' << csv_field(s.vary) << ',' << s.chips << ','
                << csv_line(row) << '\n';
}

nlohmann::ordered_json compare_json(const std::vector<SystemResult>& systems, std::vector<StreamedJson>& cables) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& s : systems) {
        cables.push_back(cables_json(s.cables, cables_placeholder(cables.size())));
        out.push_back({{"system", s.name},
                       {"config", s.config},
                       {"vary", s.vary},
                       {"chips", s.chips},
                       {"rows", rows_json(s.rows)},
                       {"cables_size_bytes", s.cables_size_bytes},
                       {"cables", cables.back().placeholder},
                       {"idle_cable_directions", s.idle_cable_directions}});
    }
    return out;
}

} // namespace snsim::report
