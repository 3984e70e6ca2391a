#include "sim/config/run_request.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/config/sizes.hpp"
#include "topologies/units.hpp"

namespace snsim::config {
namespace {

// Every message becomes this many flows at most: beyond, a schedule's memory grows without changing what a
// pipeline shows (1e8 chunks of a 1 GiB ring took 6 GB).
constexpr long long kMaxChunks = 4096;

RouteStrategy strategy(const std::string& name) {
    if (name == "shortest") return RouteStrategy::Shortest;
    if (name == "dimension_order") return RouteStrategy::DimensionOrder;
    if (name == "spray") return RouteStrategy::Spray;
    if (name == "ucmp") return RouteStrategy::Ucmp;
    return RouteStrategy::Ecmp;
}

// cost.protocols and each one's cost.<name>.* keys; chunking; launch interval.
CostModel cost_model(const Config& c) {
    CostModel cost;
    const auto& names = c.strings("cost.protocols");
    if (!names.empty()) cost.protocols.clear();
    for (const std::string& name : names) {
        if (std::find(kProtocolNames.begin(), kProtocolNames.end(), name) == kProtocolNames.end())
            throw c.error("cost.protocols", name,
                          fmt::format("expected protocols among {}", fmt::join(kProtocolNames, ", ")));
        for (const Protocol& earlier : cost.protocols)
            if (earlier.name == name) throw c.error("cost.protocols", name, "protocol listed twice");
        const std::string at = "cost." + name;
        Protocol p{name, c.real(at + ".latency"), c.real(at + ".efficiency"), c.real(at + ".min_size"),
                   c.real(at + ".max_size")};
        if (p.efficiency > 1 || p.efficiency < 1e-6) throw c.error(at + ".efficiency", "must be between 1e-6 and 1");
        if (p.max_size > 0 && p.max_size < p.min_size)
            throw c.error(at + ".max_size", fmt::format("is below {}.min_size", at));
        cost.protocols.push_back(p);
    }
    for (std::string_view name : kProtocolNames)
        for (const char* key : {".latency", ".efficiency", ".min_size", ".max_size"}) {
            const std::string k = fmt::format("cost.{}{}", name, key);
            if (c.given(k) && std::find(names.begin(), names.end(), name) == names.end())
                throw c.error(k, fmt::format("{} is not in cost.protocols", name));
        }
    cost.chunk_size = c.real("cost.chunk_size");
    if (c.integer("cost.pipeline_depth") > kMaxChunks)
        throw c.error("cost.pipeline_depth", fmt::format("at most {} chunks", kMaxChunks));
    cost.pipeline_depth = static_cast<std::uint32_t>(c.integer("cost.pipeline_depth"));
    if (cost.chunk_size > 0 && c.given("collective.chunks"))
        throw c.error("cost.chunk_size", "and collective.chunks both set the chunks; give one");
    if (c.given("cost.pipeline_depth") && cost.chunk_size == 0)
        throw c.error("cost.pipeline_depth", "is used with cost.chunk_size only");
    cost.launch_interval_s = c.real("cost.launch_interval");
    return cost;
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
    r.sizes_per_pair = c.string("collective.size_per") == "pair";
    r.root = static_cast<std::uint32_t>(c.integer("collective.root"));
    if (c.integer("collective.chunks") > kMaxChunks)
        throw c.error("collective.chunks", fmt::format("at most {} chunks", kMaxChunks));
    r.chunks = static_cast<std::uint32_t>(c.integer("collective.chunks"));
    r.channels = static_cast<std::uint32_t>(c.integer("collective.channels"));
    for (long long d : c.integers("collective.dims"))
        r.dims.push_back(static_cast<std::uint32_t>(d));
    r.routing = {strategy(c.string("routing.strategy")), static_cast<std::uint32_t>(c.integer("routing.stripes"))};
    if (r.routing.stripes != 0 &&
        (r.routing.strategy == RouteStrategy::Spray || r.routing.strategy == RouteStrategy::Ucmp))
        throw c.error("routing.stripes", std::to_string(r.routing.stripes),
                      fmt::format("applies to ecmp and dimension_order; {} spreads every message over every "
                                  "equal-cost cable",
                                  c.string("routing.strategy")));
    const double efficiency = c.real("cost.efficiency");
    if (efficiency > 1 || efficiency < 1e-6) throw c.error("cost.efficiency", "must be between 1e-6 and 1");
    r.engine.alpha_s = c.real("cost.alpha");
    r.engine.efficiency = efficiency;
    r.engine.reduction_Bps = c.real("cost.reduction_bandwidth");
    r.routing.switch_latency_s = c.real("cost.switch_latency");
    r.routing.scale_out = c.string("routing.scale_out") == "pxn" ? ScaleOut::Pxn : ScaleOut::Direct;
    r.peak_flops = c.real("chip.peak_flops");
    r.memory_bandwidth = c.real("chip.memory_bandwidth");
    r.cost = cost_model(c);
    return r;
}

} // namespace snsim::config
