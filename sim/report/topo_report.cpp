#include "sim/report/topo_report.hpp"

#include <cmath>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "topologies/units.hpp"

namespace snsim::report {
namespace {

std::string count_spread(const Spread& s) {
    if (s.min == s.max) return fmt::format("{:.4g}", s.min);
    return fmt::format("{:.4g} min, {:.4g} mean, {:.4g} max", s.min, s.mean, s.max);
}

std::string bandwidth_spread(const Spread& s) {
    using units::format_bandwidth;
    if (s.min == s.max) return format_bandwidth(s.min);
    return fmt::format("{} min, {} mean, {} max", format_bandwidth(s.min), format_bandwidth(s.mean),
                       format_bandwidth(s.max));
}

nlohmann::ordered_json spread_json(const Spread& s) {
    return {{"min", s.min}, {"mean", s.mean}, {"max", s.max}};
}

nlohmann::ordered_json cluster_json(const TopologyMetrics& m) {
    if (!m.cluster) return nullptr;
    const ClusterMetrics& c = *m.cluster;
    return {{"supernodes", c.supernodes},
            {"chips_per_supernode", c.chips_per_supernode},
            {"network", c.network},
            {"scale_out_cables", c.scale_out_cables},
            {"scale_out_switches", c.scale_out_switches},
            {"scale_up_injection_Bps", spread_json(c.scale_up_injection_bytes_per_s)},
            {"scale_out_injection_Bps", spread_json(c.scale_out_injection_bytes_per_s)},
            {"supernode_bisection_Bps", c.supernode_bisection.bytes_per_s},
            {"supernode_bisection_exact", c.supernode_bisection.exact},
            {"supernode_out_Bps", c.supernode_out_bytes_per_s}};
}

} // namespace

std::string faults_text(const FaultSummary& f) {
    return fmt::format("removed {} chip{}, {} switch chip{}, {} cable{}; {} cable{} degraded", f.chips,
                       f.chips == 1 ? "" : "s", f.switches, f.switches == 1 ? "" : "s", f.cables,
                       f.cables == 1 ? "" : "s", f.degraded_cables, f.degraded_cables == 1 ? "" : "s");
}

nlohmann::ordered_json faults_json(const FaultSummary& f) {
    return {{"removed_chips", f.chips},
            {"removed_switches", f.switches},
            {"removed_cables", f.cables},
            {"degraded_cables", f.degraded_cables},
            {"failed_chips", f.failed_chips}};
}

namespace {

// After the bisection's value: nothing when exact, else the range from the flow lower bound when there is one.
std::string bisection_range(const TopologyMetrics& m) {
    if (m.bisection.exact) return "";
    if (!m.bisection_floor) return " (upper bound)";
    return fmt::format(" (upper bound; at least {} per direction, {} cables)",
                       units::format_bandwidth(m.bisection_floor->bytes_per_s),
                       static_cast<std::size_t>(std::ceil(m.bisection_floor->cables - 1e-9)));
}

} // namespace

std::string topo_table(const TopoSource& source, const TopologyMetrics& m) {
    std::vector<std::pair<std::string, std::string>> rows = {
        {"topology", fmt::format("{} ({})", source.name, m.kind)},
        {"chips", fmt::format("{}", m.chips)},
        {"switch chips", fmt::format("{}", m.switches)},
        {"CPUs", fmt::format("{}", m.cpus)},
        {"cables", fmt::format("{} ({} optical)", m.cables, m.optical_cables)},
        {"cables per chip", count_spread(m.chip_degree)},
        {"injection bandwidth per chip", bandwidth_spread(m.injection_bytes_per_s) + " per direction"},
        {"total cable bandwidth", units::format_bandwidth(m.total_bytes_per_s) + " per direction"},
        {"switch ports used",
         m.switches ? fmt::format("{} ({} on the busiest switch chip)", m.switch_ports, m.max_switch_ports) : "0"},
        {"diameter", fmt::format("{} hop{}{}", m.hops.diameter, m.hops.diameter == 1 ? "" : "s",
                                 m.hops.method == HopStats::Method::Sampled ? " (lower bound)" : "")},
        {"mean hops between chips", fmt::format("{:.4f} hops", m.hops.mean)},
        {"bisection bandwidth",
         fmt::format("{} per direction ({} cables){}", units::format_bandwidth(m.bisection.bytes_per_s),
                     m.bisection.cables, bisection_range(m))},
    };
    if (source.faults.any()) rows.insert(rows.begin() + 1, {"faults", faults_text(source.faults)});
    if (const auto& c = m.cluster) {
        rows.insert(rows.begin() + 1,
                    {"supernodes", fmt::format("{} x {} chips, {} scale-out network", c->supernodes,
                                               c->chips_per_supernode,
                                               c->network == "rail" ? "rail-optimized" : c->network == "dragonfly" ? "dragonfly" : "fat-tree")});
        rows.push_back({"scale-up per chip", bandwidth_spread(c->scale_up_injection_bytes_per_s) + " per direction"});
        rows.push_back(
            {"scale-out per chip", bandwidth_spread(c->scale_out_injection_bytes_per_s) + " per direction (NICs)"});
        rows.push_back({"scale-out cables", fmt::format("{} ({} switch chips)", c->scale_out_cables,
                                                        c->scale_out_switches)});
        rows.push_back({"scale-up bisection", fmt::format("{} per direction in one supernode{}",
                                                          units::format_bandwidth(c->supernode_bisection.bytes_per_s),
                                                          c->supernode_bisection.exact ? "" : " (upper bound)")});
        rows.push_back({"scale-out per supernode",
                        units::format_bandwidth(c->supernode_out_bytes_per_s) + " per direction (least supernode)"});
    }
    std::size_t width = 0;
    for (const auto& row : rows)
        width = std::max(width, row.first.size());
    std::string out;
    for (const auto& [label, value] : rows)
        out += fmt::format("{:<{}}  {}\n", label, width, value);
    out += fmt::format("\nhops: {}: {}\n", to_string(m.hops.method), m.hops.how);
    out += fmt::format("bisection: {}: {}\n", m.bisection.exact ? "exact" : "upper bound", m.bisection.method);
    if (m.bisection_floor && !m.bisection.exact)
        out += fmt::format("bisection lower bound: {}\n", m.bisection_floor->method);
    return out;
}

nlohmann::ordered_json topo_json(const TopoSource& source, const TopologyMetrics& m) {
    return {
        {"name", source.name},
        {"config", source.config},
        {"seed", source.seed},
        {"kind", m.kind},
        {"chips", m.chips},
        {"switches", m.switches},
        {"cpus", m.cpus},
        {"cables", m.cables},
        {"optical_cables", m.optical_cables},
        {"cables_per_chip", spread_json(m.chip_degree)},
        {"injection_bandwidth_Bps", spread_json(m.injection_bytes_per_s)},
        {"total_bandwidth_Bps", m.total_bytes_per_s},
        {"switch_ports", m.switch_ports},
        {"max_switch_ports", m.max_switch_ports},
        {"diameter_hops", m.hops.diameter},
        {"mean_hops", m.hops.mean},
        {"hops_method", to_string(m.hops.method)},
        {"hops_how", m.hops.how},
        {"bisection_bandwidth_Bps", m.bisection.bytes_per_s},
        {"bisection_cables", m.bisection.cables},
        {"bisection_exact", m.bisection.exact},
        {"bisection_method", m.bisection.method},
        {"bisection_floor_Bps", m.bisection_floor ? nlohmann::ordered_json(m.bisection_floor->bytes_per_s) : nullptr},
        {"bisection_floor_cables", m.bisection_floor ? nlohmann::ordered_json(m.bisection_floor->cables) : nullptr},
        {"cluster", cluster_json(m)},
        {"faults", faults_json(source.faults)},
    };
}

} // namespace snsim::report
