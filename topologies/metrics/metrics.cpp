#include "topologies/metrics/metrics.hpp"

#include <algorithm>
#include <vector>

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
    return m;
}

} // namespace snsim
