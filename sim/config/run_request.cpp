#include "sim/config/run_request.hpp"

#include <fmt/format.h>

#include "sim/config/fault_request.hpp"
#include "sim/config/sizes.hpp"
#include "topologies/units.hpp"

namespace snsim::config {
namespace {

RouteStrategy strategy(const std::string& name) {
    if (name == "shortest") return RouteStrategy::Shortest;
    if (name == "dimension_order") return RouteStrategy::DimensionOrder;
    return RouteStrategy::Ecmp;
}

} // namespace

RunRequest run_request(const Config& c) {
    RunRequest r;
    r.collective = c.string("collective.name");
    r.algorithm = c.string("collective.algorithm");
    try {
        r.sizes = parse_sizes(c.string("collective.sizes"));
    } catch (const units::UnitError& e) {
        throw c.error("collective.sizes", e.what());
    }
    r.root = static_cast<std::uint32_t>(c.integer("collective.root"));
    r.chunks = static_cast<std::uint32_t>(std::min<long long>(c.integer("collective.chunks"), 1 << 20));
    r.channels = static_cast<std::uint32_t>(std::min<long long>(c.integer("collective.channels"), 1 << 20));
    for (long long d : c.integers("collective.dims"))
        r.dims.push_back(static_cast<std::uint32_t>(d));
    r.routing = {strategy(c.string("routing.strategy")),
                 static_cast<std::uint32_t>(std::min<long long>(c.integer("routing.stripes"), 1 << 16))};
    const double efficiency = c.real("cost.efficiency");
    if (efficiency > 1 || efficiency < 1e-6) throw c.error("cost.efficiency", "must be between 1e-6 and 1");
    r.engine.alpha_s = c.real("cost.alpha");
    r.engine.efficiency = efficiency;
    return r;
}

std::vector<Topology::Vertex> communicator(const Config& c, const Topology& t) {
    const auto chips = t.nodes_of(NodeKind::Chip);
    const auto first = static_cast<std::size_t>(c.integer("communicator.first"));
    const auto stride = static_cast<std::size_t>(c.integer("communicator.stride"));
    const auto count = static_cast<std::size_t>(c.integer("communicator.count"));
    if (first >= chips.size())
        throw c.error("communicator.first", fmt::format("the topology has only {} chips", chips.size()));
    const std::size_t available = (chips.size() - first + stride - 1) / stride;
    if (count > available)
        throw c.error("communicator.count",
                      fmt::format("only {} chips fit from chip {} with stride {}", available, first, stride));
    std::vector<Topology::Vertex> out;
    for (std::size_t i = 0; i < (count ? count : available); ++i)
        out.push_back(chips[first + i * stride]);
    if (out.size() < 2)
        throw c.error(count ? "communicator.count" : "communicator.first",
                      fmt::format("selects {} chip; a communicator needs at least 2", out.size()));
    check_connected(c, t, out);
    return out;
}

} // namespace snsim::config
