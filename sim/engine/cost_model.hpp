#pragma once
// The cost model: what a collective pays besides its cables' bandwidth and latency (docs/cost-model.md).
//
// One mechanism for every flow: a protocol's latency is added to the software latency every message pays
// (EngineOptions::alpha_s) and its payload fraction multiplies the bandwidth every flow achieves
// (EngineOptions::efficiency); reducing messages are capped at the reduction bandwidth (EngineOptions::
// reduction_Bps); switch chips add their latency to the paths through them (RoutingOptions::switch_latency_s).
// Per size, the experiment times the schedule with every protocol whose size range holds the size and keeps the
// fastest, as NCCL's tuner picks the protocol its model predicts fastest; cuts the size into chunks of
// chunk_size (at most pipeline_depth, pipelined); and takes at least launch_interval_s.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "sim/engine/engine.hpp"

namespace snsim {

// The protocols a config can list (cost.protocols), each with its cost.<name>.* keys.
inline constexpr std::array<std::string_view, 3> kProtocolNames{"LL", "LL128", "Simple"};

struct Protocol {
    std::string name;     // "" for the single protocol of a config without cost.protocols
    double latency_s = 0; // per message, on top of cost.alpha
    double efficiency = 1;
    double min_size = 0, max_size = 0; // bytes; max 0 = no limit
    bool covers(double size) const { return size >= min_size && (max_size == 0 || size <= max_size); }
};

struct CostModel {
    std::vector<Protocol> protocols{Protocol{}};
    double chunk_size = 0; // bytes of the collective's size per chunk (not of each step's message); 0 = its chunks
    std::uint32_t pipeline_depth = 8;
    double launch_interval_s = 0;

    std::uint32_t chunks_for(double size, std::uint32_t chunks) const {
        if (chunk_size <= 0) return chunks;
        return static_cast<std::uint32_t>(std::clamp(std::ceil(size / chunk_size), 1.0, double(pipeline_depth)));
    }
    // Why the sizes cannot be timed, when one of them has no protocol whose range holds it.
    std::optional<std::string> refusal(const std::vector<double>& sizes) const {
        for (double size : sizes)
            if (std::none_of(protocols.begin(), protocols.end(), [&](const Protocol& p) { return p.covers(size); }))
                return fmt::format("none of them is used for size {} B (their min_size and max_size leave it out)",
                                   size);
        return std::nullopt;
    }
    // The engine options of a message sent with `p`.
    EngineOptions options(EngineOptions base, const Protocol& p) const {
        base.alpha_s += p.latency_s;
        base.efficiency *= p.efficiency;
        return base;
    }
};

} // namespace snsim
