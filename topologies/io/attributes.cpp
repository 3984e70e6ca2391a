#include "topologies/io/attributes.hpp"

#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "topologies/errors.hpp"
#include "topologies/units.hpp"

namespace snsim::detail {
namespace {

[[noreturn]] void fail(const Origin& at, const std::string& key, const std::string& value, const std::string& why) {
    throw InputError(located(at.file, at.line, at.prefix + "." + key, value, why));
}

int to_int(const std::string& key, const std::string& value, const Origin& at) {
    return parse_int(key, value, at, -1, std::numeric_limits<int>::max());
}

double quantity(units::Quantity q, const std::string& key, const std::string& value, const Origin& at) {
    try {
        return units::parse(q, value);
    } catch (const units::UnitError& e) {
        fail(at, key, value, e.what());
    }
}

} // namespace

int parse_int(const std::string& key, const std::string& value, const Origin& at, int min, int max) {
    int out = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
    if (ec != std::errc() || end != value.data() + value.size() || out < min || out > max)
        fail(at, key, value, fmt::format("expected a whole number from {} to {}", min, max));
    return out;
}

Attribute set_node_attribute(Node& node, const std::string& key, const std::string& value, const Origin& at) {
    if (key == "name") {
        if (value.empty()) fail(at, key, value, "must not be empty");
        node.name = value;
    } else if (key == "kind") {
        const auto kind = node_kind_from(value);
        if (!kind) fail(at, key, value, "expected chip, switch or cpu");
        node.kind = *kind;
    } else if (key == "rack") {
        node.place.rack = to_int(key, value, at);
    } else if (key == "board") {
        node.place.board = to_int(key, value, at);
    } else if (key == "plane") {
        node.place.plane = to_int(key, value, at);
    } else if (key == "tier") {
        node.place.tier = to_int(key, value, at);
    } else if (key == "supernode") {
        node.place.supernode = to_int(key, value, at);
    } else {
        return Attribute::Unknown;
    }
    return Attribute::Set;
}

Attribute set_link_attribute(Link& link, const std::string& key, const std::string& value, const Origin& at) {
    if (key == "bandwidth") {
        link.bytes_per_s = quantity(units::Quantity::Bandwidth, key, value, at);
        if (!(link.bytes_per_s > 0)) fail(at, key, value, "must be positive");
    } else if (key == "latency") {
        link.latency_s = quantity(units::Quantity::Time, key, value, at);
        if (link.latency_s < 0) fail(at, key, value, "must be >= 0");
    } else if (key == "plane") {
        link.plane = to_int(key, value, at);
    } else if (key == "kind") {
        const auto kind = link_kind_from(value);
        if (!kind) fail(at, key, value, "expected electrical or optical");
        link.kind = *kind;
    } else if (key == "network") {
        const auto tier = link_tier_from(value);
        if (!tier) fail(at, key, value, "expected scale_up or scale_out");
        link.tier = *tier;
    } else {
        return Attribute::Unknown;
    }
    return Attribute::Set;
}

Link default_link(const LinkSpec& d) {
    return Link{d.bytes_per_s, d.latency_s, -1, d.kind};
}

} // namespace snsim::detail
