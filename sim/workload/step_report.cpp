#include "sim/workload/step_report.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/report/csv.hpp"
#include "topologies/units.hpp"

namespace snsim::workload {
namespace {

std::string kind_of(const Op& op) {
    switch (op.kind) {
    case OpKind::compute: return op.occupies ? "compute" : "delay";
    case OpKind::send: return op.forward ? "send next" : "send prev";
    case OpKind::recv: return op.forward ? "recv prev" : "recv next";
    case OpKind::collective: return std::string(to_string(op.collective));
    }
    return "";
}

double us(double seconds) {
    return seconds * 1e6;
}

std::string kind_name(std::size_t index) {
    return to_string(GroupKind{static_cast<std::uint8_t>(index)});
}

// The group kinds a report lists: the four dimensions always, a kind of several (ep+dp) when the program uses it.
std::vector<std::size_t> kinds_listed(const StepResult& s) {
    std::vector<std::size_t> out;
    for (std::size_t k = 1; k < kGroupKinds; ++k)
        if ((k & (k - 1)) == 0 || s.kinds[k].ops > 0) out.push_back(k);
    return out;
}

} // namespace

std::string step_table(const Workload& w, const StepResult& s) {
    std::string out = fmt::format("step time                      {:>12.2f} us\n", us(s.step_s));
    out += fmt::format("compute, busiest chip          {:>12.2f} us\n", us(s.compute_s));
    out += fmt::format("communication exposed          {:>12.2f} us  (not overlapped by compute; mean over ranks)\n",
                       us(s.exposed_s));
    out += fmt::format("\n{:<6} {:>10} {:>10} {:>14} {:>14} {:>16}   {}\n", "group", "groups", "op runs", "comm(us)",
                       "exposed(us)", "cable dirs used", "first group's chips");
    for (std::size_t d = 0; d < kGroupKinds; ++d) {
        const KindTime& k = s.kinds[d];
        if (k.ops == 0) continue;
        const auto& g = s.groups[d];
        std::string chips;
        for (std::size_t i = 0; i < std::min<std::size_t>(g.first.size(), 8); ++i)
            chips += (i ? " " : "") + g.first[i];
        if (g.first.size() > 8) chips += fmt::format(" ... {}", g.first.back());
        out += fmt::format("{:<6} {:>10} {:>10} {:>14.2f} {:>14.2f} {:>16}   {}\n", kind_name(d),
                           g.count > 0 ? fmt::format("{} x {}", g.count, g.size) : std::string("-"), k.ops,
                           us(k.comm_s), us(k.exposed_s), s.directions[d], chips);
    }
    std::size_t width = 20; // the op column fits the longest name (SimAI's are layer-qualified)
    for (const OpTime& o : s.ops)
        width = std::max(width, w.ops[o.op].name.size());
    out += fmt::format("\n{:<{}} {:<15} {:<6} {:>12} {:>9} {:>14}\n", "op", width, "kind", "group", "bytes", "runs",
                       "mean time(us)");
    for (const OpTime& o : s.ops) {
        const Op& op = w.ops[o.op];
        out += fmt::format("{:<{}} {:<15} {:<6} {:>12} {:>9} {:>14.2f}\n", op.name, width, kind_of(op),
                           op.kind == OpKind::compute ? "-" : std::string(to_string(op.group)),
                           op.kind == OpKind::compute ? "-" : units::format_bytes(op.bytes), o.runs, us(o.mean_s));
    }
    out += fmt::format("\n{:<40} {:>12} {:>12}   {}\n", "busiest cable directions", "bytes", "utilization",
                       "bytes by group kind");
    for (const CableLoad& c : s.busiest) {
        std::string kinds;
        for (std::size_t d = 0; d < kGroupKinds; ++d) {
            const double b = c.bytes[d];
            if (b > 0)
                kinds += fmt::format("{}{} {:.0f}%", kinds.empty() ? "" : ", ", kind_name(d), 100 * b / c.use.bytes);
        }
        out += fmt::format("{:<40} {:>12} {:>11.1f}%   {}\n",
                           report::cable_label(c.use),
                           units::format_bytes(c.use.bytes), 100 * c.use.utilization, kinds);
    }
    return out;
}

nlohmann::ordered_json step_json(const Workload& w, const StepResult& s) {
    nlohmann::ordered_json kinds = nlohmann::ordered_json::object();
    for (std::size_t d : kinds_listed(s)) {
        const KindTime& k = s.kinds[d];
        kinds[kind_name(d)] = {{"op_runs", k.ops},
                               {"comm_s", k.comm_s},
                               {"exposed_s", k.exposed_s},
                               {"cable_directions", s.directions[d]},
                               {"groups", s.groups[d].count},
                               {"group_size", s.groups[d].size},
                               {"first_group_chips", s.groups[d].first}};
    }
    nlohmann::ordered_json ops = nlohmann::ordered_json::array();
    for (const OpTime& o : s.ops) {
        const Op& op = w.ops[o.op];
        ops.push_back({{"name", op.name},
                       {"kind", kind_of(op)},
                       {"group", op.kind == OpKind::compute ? "" : std::string(to_string(op.group))},
                       {"bytes", op.bytes},
                       {"seconds", s.op_seconds.empty() ? op.seconds : s.op_seconds[o.op]},
                       {"runs", o.runs},
                       {"mean_s", o.mean_s}});
    }
    nlohmann::ordered_json cables = nlohmann::ordered_json::array();
    for (const CableLoad& c : s.busiest) {
        nlohmann::ordered_json by_group = nlohmann::ordered_json::object();
        for (std::size_t d : kinds_listed(s))
            by_group[kind_name(d)] = c.bytes[d];
        cables.push_back({{"from", c.use.from},
                          {"to", c.use.to},
                          {"cable", c.use.cable},
                          {"bytes", c.use.bytes},
                          {"utilization", c.use.utilization},
                          {"network", c.use.scale_out ? "scale_out" : "scale_up"},
                          {"bytes_by_group", by_group}});
    }
    return {{"workload", w.name},
            {"file", w.file},
            {"engine", to_string(s.engine)},
            {"model", s.engine == EngineKind::analytic ? (s.estimate ? "estimate" : "exact")
                      : s.approximate                  ? "discrete-event, approximate"
                                                       : "discrete-event"},
            {"ranks", s.ranks},
            {"parallel", {{"tp", s.size[0]}, {"ep", s.size[1]}, {"dp", s.size[2]}, {"pp", s.size[3]}}},
            {"flows", s.flows},
            {"step_s", s.step_s},
            {"compute_s", s.compute_s},
            {"exposed_s", s.exposed_s},
            {"groups", kinds},
            {"ops", ops},
            {"busiest_cables", cables},
            {"idle_cable_directions", s.idle_cable_directions}};
}

void write_ops_csv(std::ostream& out, const Workload& w, const StepResult& s) {
    out << "op,kind,group,bytes,runs,mean_time_us,step_time_us,engine\n";
    for (const OpTime& o : s.ops) {
        const Op& op = w.ops[o.op];
        out << fmt::format("{},{},{},{},{},{:.6f},{:.6f},{}\n", op.name, kind_of(op),
                           op.kind == OpKind::compute ? "" : std::string(to_string(op.group)), op.bytes, o.runs,
                           us(o.mean_s), us(s.step_s), to_string(s.engine));
    }
}

void write_trace(std::ostream& out, const Workload& w, const StepResult& s, const std::vector<std::string>& names) {
    const std::size_t tracks = std::min<std::size_t>(s.ranks, kTraceRanks);
    out << "{\"displayTimeUnit\": \"ns\",\n \"otherData\": "
        << nlohmann::ordered_json{{"workload", w.name},
                                  {"step_us", us(s.step_s)},
                                  {"ranks", s.ranks},
                                  {"ranks_traced", tracks},
                                  {"engine", to_string(s.engine)}}
               .dump()
        << ",\n \"traceEvents\": [\n";
    bool first = true;
    const auto event = [&](const nlohmann::ordered_json& e) {
        out << (first ? "  " : ",\n  ") << e.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        first = false;
    };
    for (std::size_t r = 0; r < tracks; ++r)
        event({{"name", "thread_name"},
               {"ph", "M"},
               {"pid", 0},
               {"tid", r},
               {"args", {{"name", fmt::format("rank {} ({})", r, names.at(r))}}}});
    for (std::size_t i = 0; i < s.runs.size(); ++i) {
        const Op& op = w.ops[s.runs[i].op];
        for (std::size_t r = 0; r < tracks; ++r) {
            const RunTime& t = s.times[i * s.ranks + r];
            event({{"name", op.name},
                   {"cat", kind_of(op)},
                   {"ph", "X"},
                   {"pid", 0},
                   {"tid", r},
                   {"ts", us(t.start_s)},
                   {"dur", us(t.end_s - t.start_s)},
                   {"args",
                    {{"run", i},
                     {"rank", r},
                     {"group", op.kind == OpKind::compute ? "" : std::string(to_string(op.group))},
                     {"bytes", op.bytes}}}});
        }
    }
    out << "\n]}\n";
}

namespace {

// The group kinds the workload's collectives use, in index order.
std::vector<std::size_t> kinds_used(const Workload& w) {
    std::vector<bool> used(kGroupKinds, false);
    for (const Op& op : w.ops)
        if (op.kind != OpKind::compute) used[op.group.index()] = true;
    std::vector<std::size_t> out;
    for (std::size_t k = 1; k < kGroupKinds; ++k)
        if (used[k]) out.push_back(k);
    return out;
}

} // namespace

std::string compare_header() {
    return fmt::format("{:<28} {:>7} {:>13} {:>13} {:>13}   {:<48} {}\n", "system", "ranks", "step(us)", "compute(us)",
                       "exposed(us)", "exposed by group kind (us)", "busiest cable direction");
}

std::string compare_line(const Workload& w, const SystemStep& s) {
    std::string kinds;
    for (std::size_t k : kinds_used(w))
        kinds += fmt::format("{}{} {:.1f}", kinds.empty() ? "" : ", ", kind_name(k), us(s.step.kinds[k].exposed_s));
    std::string busiest = "-";
    if (!s.step.busiest.empty()) {
        const auto& c = s.step.busiest.front().use;
        busiest = fmt::format("{} -> {} {:.1f}%", c.from, c.to, 100 * c.utilization);
    }
    return fmt::format("{:<28} {:>7} {:>13.2f} {:>13.2f} {:>13.2f}   {:<48} {}{}\n", s.label, s.step.ranks,
                       us(s.step.step_s), us(s.step.compute_s), us(s.step.exposed_s), kinds, busiest,
                       s.step.estimate ? " (estimate)" : "");
}

void write_compare_csv(std::ostream& out, const Workload& w, const std::vector<SystemStep>& systems) {
    const auto kinds = kinds_used(w);
    out << "system,config,vary,chips,ranks,engine,estimate,flows,step_us,compute_us,exposed_us";
    for (std::size_t k : kinds)
        out << ",comm_us_" << kind_name(k) << ",exposed_us_" << kind_name(k);
    out << ",busiest_cable,busiest_utilization\n";
    for (const SystemStep& s : systems) {
        out << fmt::format("{},{},{},{},{},{},{},{},{:.6f},{:.6f},{:.6f}", report::csv_field(s.label),
                           report::csv_field(s.config), report::csv_field(s.vary), s.chips, s.step.ranks,
                           to_string(s.step.engine), s.step.estimate ? 1 : 0, s.step.flows, us(s.step.step_s),
                           us(s.step.compute_s), us(s.step.exposed_s));
        for (std::size_t k : kinds)
            out << fmt::format(",{:.6f},{:.6f}", us(s.step.kinds[k].comm_s), us(s.step.kinds[k].exposed_s));
        if (s.step.busiest.empty()) {
            out << ",,\n";
        } else {
            const auto& c = s.step.busiest.front().use;
            out << fmt::format(",{},{:.6f}\n", report::csv_field(c.from + " -> " + c.to), c.utilization);
        }
    }
}

nlohmann::ordered_json compare_json(const Workload& w, const std::vector<SystemStep>& systems) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const SystemStep& s : systems) {
        auto one = step_json(w, s.step);
        out.push_back({{"system", s.label}, {"config", s.config}, {"vary", s.vary}, {"chips", s.chips}, {"step", one}});
    }
    return {{"workload", w.name}, {"file", w.file}, {"systems", out}};
}

} // namespace snsim::workload
