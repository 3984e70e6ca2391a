#include <algorithm>

#include "topologies/generators/checks.hpp"
#include "topologies/generators/grid.hpp"

namespace snsim {
namespace {

void check(const TorusParams& p) {
    detail::require_dims(p.dims);
    if (!p.twist.empty()) {
        if (!p.wrap) throw ParamError("twist", "set", "applies to a torus only, not a mesh");
        if (p.twist.size() != p.dims.size())
            throw ParamError("twist", std::to_string(p.twist.size()) + " entries",
                             fmt::format("needs one entry per dimension ({})", p.dims.size()));
        if (std::count_if(p.twist.begin(), p.twist.end(), [](int t) { return t != 0; }) > 1)
            throw ParamError("twist", fmt::format("{}", fmt::join(p.twist, ", ")),
                             "only one dimension may be twisted (more would need carries between the twists to "
                             "stay a torus on which every chip looks alike)");
        for (std::size_t d = 0; d < p.dims.size(); ++d)
            if (p.twist[d] != 0 && (p.dims.size() < 2 || p.dims[d] <= 2))
                throw ParamError("twist", std::to_string(p.twist[d]),
                                 "a twist needs two or more dimensions and a wrapped dimension of size > 2");
    }
    detail::require_at_least("links_per_neighbor", p.links_per_neighbor, 1);
    detail::require_link("link", p.link);
}

// Reflection classes of a mesh: one representative per orbit of the per-dimension mirror symmetries.
std::vector<ChipOrbit> mesh_orbits(const detail::Grid& g) {
    std::vector<ChipOrbit> orbits;
    for (std::size_t i = 0; i < g.size; ++i) {
        std::size_t size = 1;
        bool representative = true;
        for (std::size_t d = 0; d < g.dims.size(); ++d) {
            const int c = g.coord(i, d), mirror = g.dims[d] - 1 - c;
            representative = representative && c <= mirror;
            size *= c == mirror ? 1 : 2;
        }
        if (representative) orbits.push_back({i, size});
    }
    return orbits;
}

} // namespace

Topology torus(const TorusParams& p) {
    check(p);
    const detail::Grid g(p.dims);
    if (g.size < 2) throw ParamError("dims", "1 chip", "needs at least 2 chips");
    const std::size_t k = p.dims.size();
    const bool twisted = std::any_of(p.twist.begin(), p.twist.end(), [](int t) { return t != 0; });

    Topology t(p.wrap ? "torus" : "mesh");
    t.reserve_nodes(g.size);
    for (std::size_t i = 0; i < g.size; ++i)
        t.add_node({g.name(i), NodeKind::Chip, {.coords = g.coords(i)}});
    for (std::size_t i = 0; i < g.size; ++i)
        for (std::size_t d = 0; d < k; ++d) {
            const int c = g.coord(i, d), n = p.dims[d];
            std::size_t j;
            if (c + 1 < n) {
                j = g.with(i, d, c + 1);
            } else if (p.wrap && n > 2) {
                j = g.with(i, d, 0);
                if (!p.twist.empty() && p.twist[d] != 0) {
                    const std::size_t e = (d + 1) % k;
                    const long long n_e = p.dims[e], shift = (p.twist[d] % n_e + n_e) % n_e;
                    const auto shifted = static_cast<int>((g.coord(j, e) + shift) % n_e);
                    j = g.with(j, e, shifted);
                }
            } else {
                continue;
            }
            for (int l = 0; l < p.links_per_neighbor; ++l)
                t.add_link(i, j, detail::make_link(p.link));
        }

    const auto major = static_cast<std::size_t>(std::max_element(p.dims.begin(), p.dims.end()) - p.dims.begin());
    const bool exact = p.dims[major] % 2 == 0 && !twisted;
    t.set_bisection_hint({{g.lexicographic_half(g.order_with_major(major), g.size)},
                          exact,
                          exact ? "cut across the longest dimension (k-ary n-cube bisection, Dally & Towles 1.3)"
                                : "cut across the longest dimension (odd length or twisted)"});
    if (p.wrap)
        t.set_chip_orbits({{0, g.size}}, twisted ? "twisted torus: translations are automorphisms"
                                                 : "torus: translations are automorphisms");
    else
        t.set_chip_orbits(mesh_orbits(g), "mesh: mirror images along each dimension are equivalent");
    return t;
}

} // namespace snsim
