#include "topologies/generators/checks.hpp"

namespace snsim {
namespace {

// Uplinks per leaf, which must be a whole multiple of the spines of a plane so every leaf reaches every spine
// equally.
int leaf_uplinks(const ClosParams& p) {
    detail::require_at_least("nodes", p.nodes, 1);
    detail::require_at_least("chips_per_node", p.chips_per_node, 1);
    detail::require_at_least("cpus_per_node", p.cpus_per_node, 0);
    detail::require_at_least("planes", p.planes, 1);
    detail::require_at_least("leaves_per_node", p.leaves_per_node, 1);
    detail::require_at_least("spines_per_plane", p.spines_per_plane, 1);
    detail::require_at_least("links_per_chip_per_plane", p.links_per_chip_per_plane, p.leaves_per_node,
                             "(leaves_per_node), so every chip reaches every leaf of its node");
    const long long down = static_cast<long long>(p.chips_per_node) * p.links_per_chip_per_plane;
    if (down % p.leaves_per_node != 0)
        throw ParamError("leaves_per_node", std::to_string(p.leaves_per_node),
                         fmt::format("must divide chips_per_node * links_per_chip_per_plane = {}", down));
    if (!(p.oversubscription > 0) || !std::isfinite(p.oversubscription))
        throw ParamError("oversubscription", fmt::format("{}", p.oversubscription), "must be positive and finite");
    const double per_leaf_down = static_cast<double>(down / p.leaves_per_node);
    const double up = per_leaf_down / p.oversubscription;
    if (up > 1e9)
        throw ParamError("oversubscription", fmt::format("{}", p.oversubscription),
                         fmt::format("gives {:.4g} uplinks per leaf, over 1e9", up));
    if (std::abs(up - std::round(up)) > 1e-9 || std::round(up) < 1)
        throw ParamError(
            "oversubscription", fmt::format("{}", p.oversubscription),
            fmt::format("{} downlinks per leaf / oversubscription must be a whole number >= 1", per_leaf_down));
    const auto uplinks = static_cast<int>(std::round(up));
    if (uplinks % p.spines_per_plane != 0)
        throw ParamError("spines_per_plane", std::to_string(p.spines_per_plane),
                         fmt::format("must divide the {} uplinks per leaf", uplinks));
    return uplinks;
}

} // namespace

int clos_leaf_uplinks(const ClosParams& p) {
    return leaf_uplinks(p);
}

Topology clos(const ClosParams& p) {
    const int uplinks = leaf_uplinks(p);
    if (static_cast<long long>(p.nodes) * p.chips_per_node < 2)
        throw ParamError("chips_per_node", std::to_string(p.chips_per_node), "nodes * chips_per_node must be >= 2");
    detail::require_link("link", p.link);
    detail::require_link("uplink", p.uplink);

    Topology t("clos");
    std::vector<std::vector<Topology::Vertex>> spines(p.planes);
    for (int plane = 0; plane < p.planes; ++plane)
        for (int s = 0; s < p.spines_per_plane; ++s)
            spines[plane].push_back(
                t.add_node({fmt::format("p{}.spine{}", plane, s), NodeKind::Switch, {.plane = plane, .tier = 2}}));

    for (int node = 0; node < p.nodes; ++node) {
        // leaves[plane][k]
        std::vector<std::vector<Topology::Vertex>> leaves(p.planes);
        for (int plane = 0; plane < p.planes; ++plane)
            for (int k = 0; k < p.leaves_per_node; ++k) {
                const auto leaf = t.add_node({fmt::format("n{}.p{}.leaf{}", node, plane, k),
                                              NodeKind::Switch,
                                              {.rack = node, .plane = plane, .tier = 1}});
                leaves[plane].push_back(leaf);
                for (int u = 0; u < uplinks; ++u)
                    t.add_link(leaf, spines[plane][u % p.spines_per_plane], detail::make_link(p.uplink, plane));
            }
        for (int c = 0; c < p.chips_per_node; ++c) {
            const auto chip = t.add_node({fmt::format("n{}.c{}", node, c), NodeKind::Chip, {.rack = node, .board = c}});
            for (int plane = 0; plane < p.planes; ++plane)
                for (int k = 0; k < p.links_per_chip_per_plane; ++k)
                    t.add_link(chip, leaves[plane][k % p.leaves_per_node], detail::make_link(p.link, plane));
        }
        for (int c = 0; c < p.cpus_per_node; ++c) {
            const auto cpu = t.add_node({fmt::format("n{}.cpu{}", node, c), NodeKind::Cpu, {.rack = node, .board = c}});
            for (int plane = 0; plane < p.planes; ++plane)
                t.add_link(cpu, leaves[plane][0], detail::make_link(p.link, plane));
        }
    }

    const long long chips = static_cast<long long>(p.nodes) * p.chips_per_node;
    // Candidates: half the chips alone (their cables cut), and half the nodes with their leaves (uplinks cut).
    // When every chip has as many cables to each leaf and every leaf as much uplink as downlink bandwidth, the
    // Clos is non-blocking: half the chips can send at full injection rate to the other half, so by max-flow =
    // min-cut the first candidate is minimal.
    BisectionHint hint{{detail::first_chips_on_side0(t, chips / 2)}, false, ""};
    if (p.nodes % 2 == 0) hint.candidates.push_back(detail::racks_on_side0(t, p.nodes / 2));
    const double per_leaf_down = 1.0 * p.chips_per_node * p.links_per_chip_per_plane / p.leaves_per_node;
    hint.exact = p.links_per_chip_per_plane % p.leaves_per_node == 0 &&
                 uplinks * p.uplink.bytes_per_s >= per_leaf_down * p.link.bytes_per_s;
    hint.method = hint.exact ? "non-blocking Clos: half the chips' injection bandwidth (max-flow = min-cut)"
                             : "least of half the chips alone and half the nodes with their leaves";
    t.set_bisection_hint(std::move(hint));
    t.set_chip_orbits({{t.nodes_of(NodeKind::Chip).front(), static_cast<std::size_t>(chips)}},
                      "Clos: every chip has the same cables to the same kind of leaves");
    return t;
}

} // namespace snsim
