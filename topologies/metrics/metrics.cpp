#include "topologies/metrics/metrics.hpp"

#include <algorithm>
#include <limits>
#include <vector>

#include "topologies/metrics/rack_cuts.hpp"

namespace snsim {
namespace {

Spread spread(const std::vector<double>& values) {
    if (values.empty()) return {};
    Spread s{values.front(), 0, values.front()};
    for (double v : values) {
        s.min = std::min(s.min, v);
        s.max = std::max(s.max, v);
        s.mean += v;
    }
    s.mean /= static_cast<double>(values.size());
    return s;
}

ClusterMetrics cluster_metrics(const Topology& t) {
    const ClusterShape& shape = *t.cluster();
    ClusterMetrics c{shape.supernodes, shape.chips_per_supernode, shape.network};
    const auto& g = t.graph();
    std::vector<double> up, out;
    for (auto chip : t.nodes_of(NodeKind::Chip)) {
        double tier[2] = {0, 0};
        for (auto [e, end] = boost::out_edges(chip, g); e != end; ++e)
            tier[g[*e].tier == LinkTier::ScaleOut] += g[*e].bytes_per_s;
        up.push_back(tier[0]);
        out.push_back(tier[1]);
    }
    c.scale_up_injection_bytes_per_s = spread(up);
    c.scale_out_injection_bytes_per_s = spread(out);
    for (auto [e, end] = boost::edges(g); e != end; ++e)
        c.scale_out_cables += g[*e].tier == LinkTier::ScaleOut;
    for (auto v : t.nodes_of(NodeKind::Switch))
        c.scale_out_switches += t.node(v).place.supernode < 0;
    c.supernode_bisection = bisection(*shape.supernode);
    c.supernode_out_bytes_per_s = std::numeric_limits<double>::infinity();
    for (const RackCut& cut : supernode_cuts(t))
        c.supernode_out_bytes_per_s = std::min(c.supernode_out_bytes_per_s, cut.bytes_per_s);
    return c;
}

} // namespace

TopologyMetrics measure(const Topology& t, const HopOptions& hop_options) {
    TopologyMetrics m;
    m.kind = t.kind();
    m.cables = t.num_links();
    std::vector<double> degree, injection;
    for (Topology::Vertex v = 0; v < t.num_nodes(); ++v) {
        switch (t.node(v).kind) {
        case NodeKind::Chip:
            ++m.chips;
            degree.push_back(static_cast<double>(t.degree(v)));
            injection.push_back(t.injection_bytes_per_s(v));
            break;
        case NodeKind::Switch:
            ++m.switches;
            m.switch_ports += t.degree(v);
            m.max_switch_ports = std::max(m.max_switch_ports, t.degree(v));
            break;
        case NodeKind::Cpu: ++m.cpus; break;
        }
    }
    const auto& g = t.graph();
    for (auto [e, end] = boost::edges(g); e != end; ++e) {
        m.total_bytes_per_s += g[*e].bytes_per_s;
        m.optical_cables += g[*e].kind == LinkKind::Optical;
    }
    m.chip_degree = spread(degree);
    m.injection_bytes_per_s = spread(injection);
    m.hops = chip_hops(t, hop_options);
    m.bisection = bisection(t);
    if (!m.bisection.exact) m.bisection_floor = bisection_floor(t, hop_options.work_budget);
    // A floor that meets the split found proves that split minimal.
    if (m.bisection_floor && m.bisection_floor->bytes_per_s >= m.bisection.bytes_per_s * (1 - 1e-9)) {
        m.bisection.exact = true;
        m.bisection.method += "; minimal: the flow lower bound meets it";
    }
    if (t.cluster()) m.cluster = cluster_metrics(t);
    return m;
}

} // namespace snsim
