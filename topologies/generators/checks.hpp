#pragma once
// Parameter checks shared by the generators; each throws ParamError naming the parameter.
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "topologies/errors.hpp"
#include "topologies/generators/generators.hpp"

namespace snsim::detail {

inline void require_at_least(const std::string& key, long long value, long long min, const std::string& why = "") {
    if (value < min)
        throw ParamError(key, std::to_string(value),
                         fmt::format("must be at least {}{}", min, why.empty() ? "" : " " + why));
}

inline void require_link(const std::string& key, const LinkSpec& link) {
    if (!(link.bytes_per_s > 0) || !std::isfinite(link.bytes_per_s))
        throw ParamError(key + ".bandwidth", fmt::format("{} B/s", link.bytes_per_s), "must be positive and finite");
    if (!(link.latency_s >= 0) || !std::isfinite(link.latency_s))
        throw ParamError(key + ".latency", fmt::format("{} s", link.latency_s), "must be >= 0 and finite");
}

inline Link make_link(const LinkSpec& spec, int plane = -1) {
    return Link{spec.bytes_per_s, spec.latency_s, plane, spec.kind};
}

// Every dimension of a grid generator must be at least 1 long.
inline void require_dims(const std::vector<int>& dims) {
    if (dims.empty()) throw ParamError("dims", "[]", "needs at least one dimension");
    for (int n : dims)
        require_at_least("dims", n, 1);
}

// Side vector for "every vertex whose place.rack is below `racks` on side 0, the rest on side 1".
inline std::vector<std::uint8_t> racks_on_side0(const Topology& t, int racks) {
    std::vector<std::uint8_t> side(t.num_nodes(), 1);
    for (std::size_t v = 0; v < t.num_nodes(); ++v)
        if (t.node(v).place.rack >= 0 && t.node(v).place.rack < racks) side[v] = 0;
    return side;
}

// Side vector for "the first `half` chips (in vertex order) on side 0, every other vertex on side 1".
inline std::vector<std::uint8_t> first_chips_on_side0(const Topology& t, std::size_t half) {
    std::vector<std::uint8_t> side(t.num_nodes(), 1);
    for (auto v : t.nodes_of(NodeKind::Chip)) {
        if (half == 0) break;
        side[v] = 0;
        --half;
    }
    return side;
}

} // namespace snsim::detail
