#include "topologies/generators/checks.hpp"

namespace snsim {

Topology switched(const SwitchedParams& p) {
    detail::require_at_least("chips", p.chips, 2);
    detail::require_at_least("planes", p.planes, 1);
    detail::require_at_least("switches_per_plane", p.switches_per_plane, 1);
    detail::require_at_least("links_per_chip_per_plane", p.links_per_chip_per_plane, p.switches_per_plane,
                             "(switches_per_plane), so every chip reaches every switch chip of a plane");
    detail::require_link("link", p.link);

    Topology t("switched");
    t.reserve_nodes(static_cast<std::size_t>(p.chips) + static_cast<std::size_t>(p.planes) * p.switches_per_plane);
    for (int i = 0; i < p.chips; ++i)
        t.add_node({fmt::format("c{}", i), NodeKind::Chip, {.board = i}});
    std::vector<std::vector<Topology::Vertex>> switches(p.planes);
    for (int plane = 0; plane < p.planes; ++plane)
        for (int s = 0; s < p.switches_per_plane; ++s)
            switches[plane].push_back(
                t.add_node({fmt::format("p{}.sw{}", plane, s), NodeKind::Switch, {.plane = plane, .tier = 1}}));

    for (int chip = 0; chip < p.chips; ++chip)
        for (int plane = 0; plane < p.planes; ++plane)
            for (int k = 0; k < p.links_per_chip_per_plane; ++k)
                t.add_link(chip, switches[plane][k % p.switches_per_plane], detail::make_link(p.link, plane));

    // Chips of one half on one side, every switch chip on the other: the cut is one half's injection
    // bandwidth, and a single non-blocking switch tier carries that much between halves (max-flow = min-cut).
    t.set_bisection_hint({{detail::first_chips_on_side0(t, p.chips / 2)},
                          true,
                          "non-blocking switch tier: half the chips' injection bandwidth (max-flow = min-cut)"});
    t.set_chip_orbits({{0, static_cast<std::size_t>(p.chips)}}, "switched: every chip has the same cables");
    return t;
}

} // namespace snsim
