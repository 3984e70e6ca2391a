#include "topologies/generators/checks.hpp"

namespace snsim {

Topology full_mesh(const FullMeshParams& p) {
    detail::require_at_least("chips", p.chips, 2);
    detail::require_at_least("links_per_pair", p.links_per_pair, 1);
    detail::require_link("link", p.link);

    Topology t("full_mesh");
    t.reserve_nodes(p.chips);
    for (int i = 0; i < p.chips; ++i)
        t.add_node({fmt::format("c{}", i), NodeKind::Chip, {.coords = {i}}});
    for (int a = 0; a < p.chips; ++a)
        for (int b = a + 1; b < p.chips; ++b)
            for (int k = 0; k < p.links_per_pair; ++k)
                t.add_link(a, b, detail::make_link(p.link));

    // Every balanced split of a clique cuts floor(n/2) * ceil(n/2) pairs.
    t.set_bisection_hint({{detail::first_chips_on_side0(t, p.chips / 2)},
                          true,
                          "any balanced split of a full mesh cuts floor(n/2)*ceil(n/2) chip pairs"});
    t.set_chip_orbits({{0, static_cast<std::size_t>(p.chips)}}, "full mesh: every chip is equivalent");
    return t;
}

} // namespace snsim
