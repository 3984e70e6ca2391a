#include "sim/config/communicator.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <numeric>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/config/fault_request.hpp"
#include "sim/config/rank_order.hpp"
#include "topologies/io/bounded_file.hpp"

namespace snsim::config {
namespace {

bool is_power_of_two(long long n) {
    return n > 0 && (n & (n - 1)) == 0;
}

// communicator.dim_order, checked against topology.dims ([] = 0, 1, 2, ...).
std::vector<int> dim_order(const Config& c, std::size_t rank) {
    std::vector<int> order;
    for (long long d : c.integers("communicator.dim_order"))
        order.push_back(static_cast<int>(std::min<long long>(d, 1 << 20)));
    if (order.empty()) {
        order.resize(rank);
        std::iota(order.begin(), order.end(), 0);
        return order;
    }
    std::vector<int> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    std::vector<int> want(rank);
    std::iota(want.begin(), want.end(), 0);
    if (sorted != want)
        throw c.error("communicator.dim_order",
                      fmt::format("expected each dimension of topology.dims once, 0 to {}", rank - 1));
    return order;
}

// The chips in the order communicator.order and communicator.dim_order give, before first/stride/count.
std::vector<Topology::Vertex> ordered_chips(const Config& c, const Topology& t) {
    auto chips = t.nodes_of(NodeKind::Chip);
    const std::string& order = c.string("communicator.order");
    if (order == "chips" && !c.given("communicator.dim_order")) return chips;
    if (c.kind() != "torus" && c.kind() != "mesh" && c.kind() != "nd_fullmesh")
        throw c.error("communicator.order", order,
                      fmt::format("needs chip coordinates: a torus, mesh or nd_fullmesh topology, not {}", c.kind()));
    const auto& given_dims = c.integers("topology.dims");
    const std::vector<int> dims(given_dims.begin(), given_dims.end());
    const std::vector<int> along = dim_order(c, dims.size());
    std::vector<std::uint64_t> key(t.num_nodes(), 0);
    if (order == "hilbert") {
        if (dims.size() != 2 || dims[0] != dims[1] || !is_power_of_two(dims[0]))
            throw c.error("communicator.order", order,
                          fmt::format("the Hilbert curve needs a square 2D grid whose side is a power of two; "
                                      "topology.dims is [{}]",
                                      fmt::join(dims, ", ")));
        const auto side = static_cast<std::uint32_t>(dims[0]);
        for (auto v : chips) {
            const auto& x = t.node(v).place.coords;
            key[v] = hilbert_index(side, static_cast<std::uint32_t>(x[static_cast<std::size_t>(along[0])]),
                                   static_cast<std::uint32_t>(x[static_cast<std::size_t>(along[1])]));
        }
    } else {
        // chips with a dim_order: the snake without turning back.
        for (auto v : chips) {
            const auto& x = t.node(v).place.coords;
            key[v] = order == "snake" ? snake_index(x, dims, along) : 0;
            if (order != "snake")
                for (auto d = along.rbegin(); d != along.rend(); ++d)
                    key[v] = key[v] * static_cast<std::uint64_t>(dims[static_cast<std::size_t>(*d)]) +
                             static_cast<std::uint64_t>(x[static_cast<std::size_t>(*d)]);
        }
    }
    std::stable_sort(chips.begin(), chips.end(), [&](auto a, auto b) { return key[a] < key[b]; });
    return chips;
}

// communicator.first, stride and count applied to `chips`.
std::vector<Topology::Vertex> pick(const Config& c, const std::vector<Topology::Vertex>& chips) {
    const auto first = static_cast<std::size_t>(c.integer("communicator.first"));
    const auto stride = static_cast<std::size_t>(c.integer("communicator.stride"));
    const auto count = static_cast<std::size_t>(c.integer("communicator.count"));
    // Faults may have taken the chips: then they are what to blame, not the communicator.
    if (chips.size() < 2 && c.given("faults.chips"))
        throw c.error("faults.chips", fmt::format("leaves {} working chip{}; a communicator needs at least 2",
                                                  chips.size(), chips.size() == 1 ? "" : "s"));
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
        throw c.error(
            count        ? "communicator.count"
            : stride > 1 ? "communicator.stride"
                         : "communicator.first",
            fmt::format("selects {} chip (from chip {} of {} with stride {}); a communicator needs at least 2",
                        out.size(), first, chips.size(), stride));
    return out;
}

std::string trimmed(const std::string& line) {
    const auto hash = line.find('#');
    const std::string text = line.substr(0, hash);
    const auto begin = text.find_first_not_of(" \t\r");
    if (begin == std::string::npos) return "";
    return text.substr(begin, text.find_last_not_of(" \t\r") - begin + 1);
}

// communicator.map: one chip name per line, in rank order; `#` starts a comment; blank lines are skipped. A chip
// that faults removed is skipped (the ranks after it move up), as in every other order.
std::vector<Topology::Vertex> mapped_chips(const Config& c, const Topology& t) {
    for (const char* key :
         {"communicator.order", "communicator.dim_order", "communicator.first", "communicator.stride"})
        if (c.given(key)) throw c.error(key, fmt::format("and communicator.map both set the rank order; give one"));
    const std::string& file = c.string("communicator.map");
    const std::string path =
        (std::filesystem::path(c.file_of("communicator.map")).parent_path() / file).lexically_normal().string();
    const std::string text = read_bounded(path, "communicator map", [&](const std::string& reason) {
        return c.error("communicator.map", file, path + ": " + reason);
    });
    const auto& failed = t.faults().failed_chips;
    std::vector<Topology::Vertex> out;
    std::map<Topology::Vertex, int> line_of;
    std::size_t listed = 0;
    std::istringstream in(text);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        const std::string name = trimmed(line);
        if (name.empty()) continue;
        ++listed;
        const auto fail = [&](const std::string& why) { return ConfigError(located(path, number, "", name, why)); };
        const auto v = t.find(name);
        if (!v) {
            if (std::find(failed.begin(), failed.end(), name) != failed.end()) continue;
            throw fail("no chip of that name in the topology");
        }
        if (t.node(*v).kind != NodeKind::Chip)
            throw fail(fmt::format("names a {}, not a chip", to_string(t.node(*v).kind)));
        if (const auto [at, fresh] = line_of.emplace(*v, number); !fresh)
            throw fail(fmt::format("chip listed twice (first at line {})", at->second));
        out.push_back(*v);
    }
    if (listed == 0) throw ConfigError(located(path, 0, "", "", "the communicator map lists no chips"));
    if (c.given("communicator.count") && static_cast<std::size_t>(c.integer("communicator.count")) != listed)
        throw c.error("communicator.count", fmt::format("the communicator map {} lists {} chips", file, listed));
    if (out.size() < 2)
        throw c.error("communicator.map", file,
                      fmt::format("leaves {} chip after faults; a communicator needs at least 2", out.size()));
    return out;
}

} // namespace

std::vector<Topology::Vertex> communicator(const Config& c, const Topology& t) {
    auto out = c.string("communicator.map").empty() ? pick(c, ordered_chips(c, t)) : mapped_chips(c, t);
    check_connected(c, t, out);
    return out;
}

} // namespace snsim::config
