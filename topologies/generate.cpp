#include "topologies/generate.hpp"

#include <numeric>

#include <fmt/format.h>

#include "topologies/errors.hpp"
#include "topologies/units.hpp"

namespace snsim {
namespace {

template <class... F> struct Overload : F... { using F::operator()...; };
template <class... F> Overload(F...) -> Overload<F...>;

double product(const std::vector<int>& dims) {
    return std::accumulate(dims.begin(), dims.end(), 1.0, [](double a, int b) { return a * b; });
}

} // namespace

GraphSize expected_size(const TopologyParams& params) {
    return std::visit(
        Overload{[](const FullMeshParams& p) {
                     const double n = p.chips;
                     return GraphSize{n, n * (n - 1) / 2 * p.links_per_pair};
                 },
                 [](const SwitchedParams& p) {
                     return GraphSize{p.chips + 1.0 * p.planes * p.switches_per_plane,
                                      1.0 * p.chips * p.planes * p.links_per_chip_per_plane};
                 },
                 [](const ClosParams& p) {
                     const double leaves = 1.0 * p.nodes * p.planes * p.leaves_per_node;
                     const double chip_cables = 1.0 * p.nodes * p.planes *
                                                (1.0 * p.chips_per_node * p.links_per_chip_per_plane + p.cpus_per_node);
                     const double uplinks = leaves * clos_leaf_uplinks(p);
                     return GraphSize{1.0 * p.nodes * (p.chips_per_node + p.cpus_per_node) + leaves +
                                          1.0 * p.planes * p.spines_per_plane,
                                      chip_cables + uplinks};
                 },
                 [](const TorusParams& p) {
                     const double n = product(p.dims);
                     double cables = 0;
                     for (int d : p.dims)
                         cables += n / d * (p.wrap && d > 2 ? d : d - 1);
                     return GraphSize{n, cables * p.links_per_neighbor};
                 },
                 [](const NdFullMeshParams& p) {
                     const double n = product(p.dims);
                     double cables = n * p.switch_links_per_chip * (p.switches > 0);
                     for (std::size_t d = 0; d < p.dims.size(); ++d)
                         cables += n * (p.dims[d] - 1) / 2 *
                                   (d < p.links_per_pair_by_dim.size() ? p.links_per_pair_by_dim[d] : 1);
                     return GraphSize{n + p.switches, cables};
                 },
                 [](const DragonflyParams& p) {
                     const double routers = 1.0 * p.groups * p.routers_per_group;
                     return GraphSize{routers * (1.0 + p.chips_per_router),
                                      routers * p.chips_per_router + routers * (p.routers_per_group - 1) / 2 +
                                          routers * p.global_links_per_router / 2};
                 },
                 [](const CustomParams&) { return GraphSize{}; },
                 [](const ClusterParams& p) {
                     const ScaleOutShape s = scale_out_shape(p);
                     const double n = p.supernodes;
                     const double nics = n * p.supernode->count(NodeKind::Chip) * p.nics_per_chip;
                     return GraphSize{n * p.supernode->num_nodes() + s.leaves() + s.spines,
                                      n * p.supernode->num_links() + nics + 1.0 * s.leaves() * s.uplinks_per_leaf +
                                          s.local_cables + s.global_cables};
                 }},
        params);
}

double estimated_bytes(const GraphSize& size) {
    return size.nodes * kBytesPerVertex + size.links * kBytesPerCable;
}

void check_fits(const TopologyParams& params, double memory_budget_bytes) {
    const GraphSize size = expected_size(params);
    const double bytes = estimated_bytes(size);
    if (bytes <= memory_budget_bytes) return;
    throw ParamError(std::visit([](const auto& p) { return std::string(p.size_key); }, params),
                     fmt::format("{:.4g} vertices, {:.4g} cables", size.nodes, size.links),
                     fmt::format("graph would need about {} of memory, over the limit of {} (limits.graph_memory)",
                                 units::format_bytes(bytes), units::format_bytes(memory_budget_bytes)));
}

Topology generate(const TopologyParams& params) {
    return std::visit(
        Overload{
            [](const FullMeshParams& p) { return full_mesh(p); }, [](const SwitchedParams& p) { return switched(p); },
            [](const ClosParams& p) { return clos(p); }, [](const TorusParams& p) { return torus(p); },
            [](const NdFullMeshParams& p) { return nd_fullmesh(p); },
            [](const DragonflyParams& p) { return dragonfly(p); }, [](const CustomParams& p) { return custom(p); },
            [](const ClusterParams& p) { return cluster(p); }},
        params);
}

} // namespace snsim
