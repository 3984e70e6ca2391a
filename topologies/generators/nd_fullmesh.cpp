#include <algorithm>
#include <numeric>

#include "topologies/generators/checks.hpp"
#include "topologies/generators/grid.hpp"

namespace snsim {
namespace {

std::vector<int> links_per_dim(const NdFullMeshParams& p) {
    detail::require_dims(p.dims);
    if (p.links_per_pair_by_dim.empty()) return std::vector<int>(p.dims.size(), 1);
    if (p.links_per_pair_by_dim.size() != p.dims.size())
        throw ParamError("links_per_pair_by_dim", std::to_string(p.links_per_pair_by_dim.size()) + " entries",
                         fmt::format("needs one entry per dimension ({})", p.dims.size()));
    // 0: the dimension is a coordinate only, its chips joined through the switch tier (racks of a mesh).
    for (int l : p.links_per_pair_by_dim)
        detail::require_at_least("links_per_pair_by_dim", l, p.switches > 0 ? 0 : 1);
    return p.links_per_pair_by_dim;
}

} // namespace

Topology nd_fullmesh(const NdFullMeshParams& p) {
    const std::vector<int> links = links_per_dim(p);
    detail::require_link("link", p.link);
    detail::require_at_least("switches", p.switches, 0);
    if (p.switches > 0) {
        detail::require_at_least("switch_links_per_chip", p.switch_links_per_chip, p.switches);
        detail::require_link("switch_link", p.switch_link);
    }
    const detail::Grid g(p.dims);
    if (g.size < 2) throw ParamError("dims", "1 chip", "needs at least 2 chips");

    Topology t("nd_fullmesh");
    t.reserve_nodes(g.size + static_cast<std::size_t>(p.switches));
    for (std::size_t i = 0; i < g.size; ++i)
        t.add_node({g.name(i), NodeKind::Chip, {.coords = g.coords(i)}});
    for (std::size_t i = 0; i < g.size; ++i)
        for (std::size_t d = 0; d < p.dims.size(); ++d)
            for (int c = g.coord(i, d) + 1; c < p.dims[d]; ++c)
                for (int l = 0; l < links[d]; ++l)
                    t.add_link(i, g.with(i, d, c), detail::make_link(p.link));
    for (int s = 0; s < p.switches; ++s) {
        const auto sw = t.add_node({fmt::format("sw{}", s), NodeKind::Switch, {.tier = 1}});
        for (std::size_t i = 0; i < g.size; ++i)
            for (int l = s; l < p.switch_links_per_chip; l += p.switches)
                t.add_link(i, sw, detail::make_link(p.switch_link));
    }

    // Candidates: the lexicographic halves with each dimension most significant, and with the dimensions
    // ordered by length either way. For products of equal-multiplicity cliques (a regular graph), lexicographic
    // order gives sets of every size with the fewest cables leaving them (Lindsey 1964), so the least candidate is
    // minimal; a switch tier that gives every chip equally many cables to each switch chip adds the same amount
    // to every balanced split.
    BisectionHint hint;
    for (std::size_t d = 0; d < p.dims.size(); ++d)
        hint.candidates.push_back(g.lexicographic_half(g.order_with_major(d), t.num_nodes()));
    std::vector<std::size_t> by_length(p.dims.size());
    std::iota(by_length.begin(), by_length.end(), 0);
    std::stable_sort(by_length.begin(), by_length.end(), [&](auto a, auto b) { return p.dims[a] < p.dims[b]; });
    hint.candidates.push_back(g.lexicographic_half(by_length, t.num_nodes()));
    std::reverse(by_length.begin(), by_length.end());
    hint.candidates.push_back(g.lexicographic_half(by_length, t.num_nodes()));
    const bool uniform = std::all_of(links.begin(), links.end(), [&](int l) { return l == links[0]; });
    hint.exact = uniform && (p.switches == 0 || p.switch_links_per_chip % p.switches == 0);
    hint.method = hint.exact ? "least lexicographic half (edge-isoperimetry of clique products, Lindsey 1964)"
                             : "least lexicographic half (per-dimension cable counts differ)";
    t.set_bisection_hint(std::move(hint));
    t.set_chip_orbits({{0, g.size}}, "nD full mesh: translations are automorphisms");
    return t;
}

} // namespace snsim
