#include "sim/report/run_report.hpp"

#include "sim/report/csv.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "topologies/units.hpp"

namespace snsim::report {
namespace {

constexpr const char* kLine = "{:>12}  {:>12}  {:>18}  {:>12.2f}  {:>11.2f}  {:>11.2f}  {:>11.2f}  {:>6.1f}%\n";

} // namespace

double fraction(const RunRow& row) {
    return row.time_s > 0 ? row.bound_s / row.time_s : 0;
}

double algbw_Bps(const RunRow& row) {
    return row.time_s > 0 ? row.size_bytes / row.time_s : 0;
}
double busbw_Bps(const RunRow& row) {
    return algbw_Bps(row) * row.busbw_factor;
}

double engine_difference(const RunRow& row) {
    return row.analytic_time_s >= 0 && row.time_s > 0 ? (row.analytic_time_s - row.time_s) / row.time_s : 0;
}

std::string run_header(const std::string& engine) {
    std::string out =
        fmt::format("{:>12}  {:>12}  {:>18}  {:>12}  {:>11}  {:>11}  {:>11}  {:>7}", "size(B)", "count(f32)",
                    "algorithm", "time(us)", "algbw(GB/s)", "busbw(GB/s)", "bound(us)", "%bound");
    if (engine == "both") out += fmt::format("  {:>12}  {:>9}", "analytic(us)", "diff");
    if (engine != "simgrid") out += "  model";
    return out + '\n';
}

std::string run_line(const RunRow& row) {
    const std::string algorithm = row.protocol.empty() ? row.algorithm : row.algorithm + "/" + row.protocol;
    std::string out = fmt::format(kLine, row.size_bytes, row.size_bytes / 4, algorithm, row.time_s * 1e6,
                                  algbw_Bps(row) / 1e9, busbw_Bps(row) / 1e9, row.bound_s * 1e6, 100 * fraction(row));
    if (row.engine == "simgrid") return out;
    out.pop_back();
    if (row.engine == "both") {
        const double diff = engine_difference(row);
        out += fmt::format("  {:>12.2f}  {:>+8.2f}%{}", row.analytic_time_s * 1e6, 100 * diff,
                           std::abs(diff) > kEnginesAgree ? "*" : " ");
    }
    return out + (row.estimate ? "  estimate\n" : "  exact\n");
}

std::string csv_header() {
    return "collective,algorithm,size_bytes,count,time_us,algbw_gbps,busbw_gbps,bound_us,bound_fraction,flows,seed,"
           "protocol,engine,estimate,analytic_time_us,engine_difference";
}

std::string csv_line(const RunRow& r) {
    const std::string both =
        r.analytic_time_s >= 0 ? fmt::format("{:.9g},{:.6g}", r.analytic_time_s * 1e6, engine_difference(r)) : ",";
    return fmt::format("{},{},{},{},{:.9g},{:.9g},{:.9g},{:.9g},{:.6f},{},{},{},{},{},{}", r.collective, r.algorithm,
                       r.size_bytes, r.size_bytes / 4, r.time_s * 1e6, algbw_Bps(r) / 1e9, busbw_Bps(r) / 1e9,
                       r.bound_s * 1e6, fraction(r), r.flows, r.seed, r.protocol, r.engine, r.estimate ? 1 : 0, both);
}

void write_csv(std::ostream& out, const std::vector<RunRow>& rows) {
    out << csv_header() << '\n';
    for (const auto& r : rows)
        out << csv_line(r) << '\n';
}

void write_run_csv(std::ostream& out, const std::string& system, const std::string& config, std::size_t chips,
                   const std::vector<RunRow>& rows) {
    out << "system,config,chips," << csv_header() << '\n';
    for (const auto& r : rows)
        out << csv_field(system) << ',' << csv_field(config) << ',' << chips << ',' << csv_line(r) << '\n';
}

std::string coalesced_note(const std::vector<RunRow>& rows) {
    for (auto r = rows.rbegin(); r != rows.rend(); ++r)
        if (r->simulated_flows > 0 && r->simulated_flows < r->flows)
            return fmt::format("coalesced: ring phases in lockstep simulated as one flow per pair, {} flows for {} at "
                               "{} (exact; --no-coalesce simulates every step)\n",
                               r->simulated_flows, r->flows, units::format_bytes(r->size_bytes));
    return "";
}

nlohmann::ordered_json rows_json(const std::vector<RunRow>& rows) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& r : rows) {
        out.push_back({{"collective", r.collective},
                       {"algorithm", r.algorithm},
                       {"size_bytes", r.size_bytes},
                       {"count", r.size_bytes / 4},
                       {"time_us", r.time_s * 1e6},
                       {"algbw_gbps", algbw_Bps(r) / 1e9},
                       {"busbw_gbps", busbw_Bps(r) / 1e9},
                       {"bound_us", r.bound_s * 1e6},
                       {"bound_fraction", fraction(r)},
                       {"flows", r.flows},
                       {"simulated_flows", r.simulated_flows},
                       {"seed", r.seed}});
        if (!r.protocol.empty()) out.back()["protocol"] = r.protocol;
        out.back()["engine"] = r.engine;
        out.back()["estimate"] = r.estimate;
        if (r.analytic_time_s >= 0) {
            out.back()["analytic_time_us"] = r.analytic_time_s * 1e6;
            out.back()["engine_difference"] = engine_difference(r);
        }
    }
    return out;
}

std::string cable_label(const CableUse& c) {
    return fmt::format("{} -> {} (cable {}{})", c.from, c.to, c.cable, c.scale_out ? ", scale-out" : "");
}

std::string busiest_table(const std::vector<CableUse>& cables, std::size_t count) {
    const std::size_t shown = std::min(count, cables.size());
    std::size_t width = 40;
    for (std::size_t i = 0; i < shown; ++i)
        width = std::max(width, cable_label(cables[i]).size());
    std::string out =
        fmt::format("{:<{}}  {:>12}  {:>11}\n", "busiest cable directions", width, "bytes", "utilization");
    for (std::size_t i = 0; i < shown; ++i)
        out += fmt::format("{:<{}}  {:>12}  {:>10.1f}%\n", cable_label(cables[i]), width,
                           units::format_bytes(cables[i].bytes), 100 * cables[i].utilization);
    return out;
}

std::string cables_placeholder(std::size_t n) {
    return fmt::format("\x01"
                       "cables {}",
                       n);
}

StreamedJson cables_json(const std::vector<CableUse>& cables, std::string placeholder) {
    return {std::move(placeholder), [&cables](std::ostream& out, std::size_t indent) {
                if (cables.empty()) {
                    out << "[]";
                    return;
                }
                out << "[\n";
                for (std::size_t i = 0; i < cables.size(); ++i) {
                    const CableUse& c = cables[i];
                    write_indented(out,
                                   {{"from", c.from},
                                    {"to", c.to},
                                    {"cable", c.cable},
                                    {"bandwidth_gbps", c.bandwidth_Bps / 1e9},
                                    {"bytes", c.bytes},
                                    {"utilization", c.utilization},
                                    {"network", c.scale_out ? "scale_out" : "scale_up"}},
                                   indent + 2);
                    out << (i + 1 < cables.size() ? ",\n" : "\n");
                }
                out << std::string(indent, ' ') << ']';
            }};
}

} // namespace snsim::report
