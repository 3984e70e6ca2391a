#include "topologies/generators/checks.hpp"

namespace snsim {

Topology dragonfly(const DragonflyParams& p) {
    detail::require_at_least("groups", p.groups, 1);
    detail::require_at_least("routers_per_group", p.routers_per_group, 1);
    detail::require_at_least("chips_per_router", p.chips_per_router, 1);
    detail::require_at_least("global_links_per_router", p.global_links_per_router, p.groups > 1 ? 1 : 0);
    detail::require_link("link", p.link);
    detail::require_link("global_link", p.global_link);
    const long long ports = static_cast<long long>(p.routers_per_group) * p.global_links_per_router;
    if (p.groups - 1 > ports)
        throw ParamError("groups", std::to_string(p.groups),
                         fmt::format("at most routers_per_group * global_links_per_router + 1 = {} groups can all "
                                     "be joined directly",
                                     ports + 1));
    if (static_cast<long long>(p.groups) * p.routers_per_group * p.chips_per_router < 2)
        throw ParamError("chips_per_router", std::to_string(p.chips_per_router), "needs at least 2 chips in all");

    Topology t("dragonfly");
    std::vector<std::vector<Topology::Vertex>> routers(p.groups);
    for (int grp = 0; grp < p.groups; ++grp) {
        for (int r = 0; r < p.routers_per_group; ++r) {
            const auto router =
                t.add_node({fmt::format("g{}.r{}", grp, r), NodeKind::Switch, {.rack = grp, .board = r, .tier = 1}});
            routers[grp].push_back(router);
            for (int c = 0; c < p.chips_per_router; ++c)
                t.add_link(
                    t.add_node({fmt::format("g{}.r{}.c{}", grp, r, c), NodeKind::Chip, {.rack = grp, .board = r}}),
                    router, detail::make_link(p.link));
        }
        for (int a = 0; a < p.routers_per_group; ++a)
            for (int b = a + 1; b < p.routers_per_group; ++b)
                t.add_link(routers[grp][a], routers[grp][b], detail::make_link(p.link));
    }

    // Global cables: round by round, every pair of groups that both still have a free global port gets one more
    // cable, taken from each group's routers in turn.
    std::vector<long long> used(p.groups, 0);
    for (bool added = true; added;) {
        added = false;
        for (int a = 0; a < p.groups; ++a)
            for (int b = a + 1; b < p.groups; ++b) {
                if (used[a] == ports || used[b] == ports) continue;
                t.add_link(routers[a][used[a]++ % p.routers_per_group], routers[b][used[b]++ % p.routers_per_group],
                           detail::make_link(p.global_link));
                added = true;
            }
    }

    // Candidates: half the chips in order (routers on the other side), and half the groups with their routers.
    BisectionHint hint{{detail::first_chips_on_side0(t, t.count(NodeKind::Chip) / 2)},
                       false,
                       "least of half the chips in order and half the groups with their routers"};
    if (p.groups % 2 == 0) hint.candidates.push_back(detail::racks_on_side0(t, p.groups / 2));
    t.set_bisection_hint(std::move(hint));
    return t;
}

} // namespace snsim
