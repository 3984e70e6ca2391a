#include "sim/config/fault_request.hpp"

#include <fmt/format.h>

namespace snsim::config {
namespace {

FaultSelection selection(const Config& c, const std::string& section) {
    return {c.strings(section + ".chips"), c.strings(section + ".switches"), c.strings(section + ".links"),
            c.integers(section + ".planes")};
}

FaultKind kind_of(const std::string& name) {
    if (name == "switches") return FaultKind::Switches;
    if (name == "chips") return FaultKind::Chips;
    return FaultKind::Links;
}

// The faults key an error about the whole section points at: the first one written.
std::string first_given(const Config& c) {
    for (const auto& key : schema())
        if (key.path.starts_with("faults.") && c.given(key.path)) return key.path;
    return "faults.chips";
}

} // namespace

FaultSpec fault_spec(const Config& c) {
    FaultSpec spec;
    spec.failed = selection(c, "faults");
    spec.degraded = selection(c, "faults.degrade");
    spec.bandwidth_fraction = c.real("faults.degrade.bandwidth_fraction");
    if (spec.bandwidth_fraction > 1 || spec.bandwidth_fraction < 1e-6)
        throw c.error("faults.degrade.bandwidth_fraction", "must be between 1e-6 and 1");
    spec.random = {kind_of(c.string("faults.random.kind")), c.real("faults.random.fraction"),
                   static_cast<std::uint64_t>(c.integer("seed"))};
    return spec;
}

Topology with_faults(const Config& c, Topology healthy) {
    const FaultSpec spec = fault_spec(c);
    if (spec.empty()) return healthy;
    try {
        return apply_faults(healthy, spec);
    } catch (const ParamError& e) {
        throw c.error("faults." + e.key(), e.value(), e.reason());
    }
}

void check_connected(const Config& c, const Topology& t, const std::vector<Topology::Vertex>& chips) {
    if (!t.faults().removed_any()) return;
    const auto lost = unreachable(t, chips);
    if (lost.empty()) return;
    std::vector<std::string> names;
    for (std::size_t i = 0; i < std::min<std::size_t>(lost.size(), 5); ++i)
        names.push_back(t.node(lost[i]).name);
    throw c.error(
        first_given(c), "",
        fmt::format("the faults leave the communicator disconnected: {} of its {} chips cannot reach {}: "
                    "{}{}",
                    lost.size(), chips.size(), t.node(chips.front()).name, fmt::join(names, ", "),
                    lost.size() > names.size() ? fmt::format(" and {} more", lost.size() - names.size()) : ""));
}

} // namespace snsim::config
