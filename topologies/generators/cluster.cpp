#include <array>
#include <limits>

#include "topologies/generators/checks.hpp"

namespace snsim {
namespace {

constexpr double kMaxClusterCount = std::numeric_limits<std::uint32_t>::max(); // cable ids are 32-bit

long long nics_per_supernode(const ClusterParams& p) {
    return static_cast<long long>(p.supernode->count(NodeKind::Chip)) * p.nics_per_chip;
}

// The leaf switch that NIC q of supernode k plugs into, as (rail, leaf within the rail).
std::pair<long long, long long> leaf_of(const ClusterParams& p, const ScaleOutShape& s, long long k, long long q) {
    const long long per_supernode = nics_per_supernode(p) / s.rails; // NICs a supernode puts on each rail
    const long long rail = q % s.rails;
    const long long index = k * per_supernode + q / s.rails; // position among the rail's NICs
    return {rail, index / s.leaf_ports};
}

// A supernode's other vertices join the side most of its chips are on; then every scale-out switch the side more
// of its cable bandwidth leads to (twice over, so spines follow their leaves).
void place_rest(const Topology& t, std::vector<std::uint8_t>& side) {
    std::vector<std::array<std::size_t, 2>> chips;
    for (auto c : t.nodes_of(NodeKind::Chip)) {
        const auto k = static_cast<std::size_t>(t.node(c).place.supernode);
        if (k >= chips.size()) chips.resize(k + 1);
        ++chips[k][side[c]];
    }
    for (std::size_t v = 0; v < t.num_nodes(); ++v)
        if (const int k = t.node(v).place.supernode; k >= 0 && t.node(v).kind != NodeKind::Chip)
            side[v] = chips[k][0] > chips[k][1] ? 0 : 1;
    const auto& g = t.graph();
    for (int pass = 0; pass < 2; ++pass)
        for (std::size_t v = 0; v < t.num_nodes(); ++v) {
            if (t.node(v).place.supernode >= 0) continue;
            double pull[2] = {0, 0};
            for (auto [e, end] = boost::out_edges(v, g); e != end; ++e)
                pull[side[boost::target(*e, g)]] += g[*e].bytes_per_s;
            side[v] = pull[0] > pull[1] ? 0 : 1;
        }
}

} // namespace

ScaleOutShape scale_out_shape(const ClusterParams& p) {
    if (!p.supernode || p.supernode->count(NodeKind::Chip) == 0)
        throw ParamError("supernode", "", "must be a topology with chips");
    if (p.supernode->has_supernodes())
        throw ParamError("supernode", p.supernode->kind(), "must not itself be a cluster (its vertices have supernodes)");
    detail::require_at_least("supernodes", p.supernodes, 1);
    detail::require_at_least("nics_per_chip", p.nics_per_chip, 1);
    detail::require_at_least("rails", p.rails, 0);
    detail::require_at_least("leaf_ports", p.leaf_ports, 0);
    detail::require_at_least("spines", p.spines, 0);
    const double chips = 1.0 * p.supernodes * p.supernode->count(NodeKind::Chip), nics = chips * p.nics_per_chip;
    if (nics > kMaxClusterCount) {
        const bool many = chips > kMaxClusterCount / 2; // blame the supernodes when they alone are most of it
        throw ParamError(many ? "supernodes" : "nics_per_chip",
                         std::to_string(many ? p.supernodes : p.nics_per_chip),
                         fmt::format("gives {:.4g} NICs in the cluster, over {:.0f}", nics, kMaxClusterCount));
    }
    ScaleOutShape s;
    const long long per_supernode = nics_per_supernode(p);
    if (p.network == ScaleOutNetwork::Rail) {
        s.rails = p.rails == 0 ? per_supernode : p.rails;
        if (per_supernode % s.rails != 0)
            throw ParamError("rails", std::to_string(p.rails),
                             fmt::format("must divide the {} NICs of a supernode", per_supernode));
        s.nics_per_rail = per_supernode / s.rails * p.supernodes;
        s.leaf_ports = p.leaf_ports == 0 ? s.nics_per_rail : p.leaf_ports;
    } else {
        if (p.rails != 0) throw ParamError("rails", std::to_string(p.rails), "applies to topology.network rail only");
        s.nics_per_rail = per_supernode * p.supernodes;
        s.leaf_ports = p.leaf_ports == 0 ? per_supernode : p.leaf_ports;
    }
    if (p.network == ScaleOutNetwork::Dragonfly) {
        if (per_supernode % s.leaf_ports != 0)
            throw ParamError("leaf_ports", std::to_string(p.leaf_ports),
                             fmt::format("must divide the {} NICs of a supernode (a router serves one)", per_supernode));
        if (p.spines != 0) throw ParamError("spines", std::to_string(p.spines), "a dragonfly has no spines");
        if (p.oversubscription != 1)
            throw ParamError("oversubscription", fmt::format("{}", p.oversubscription),
                             "applies to rail and fat_tree; a dragonfly's global cables are global_links_per_pair");
        detail::require_at_least("global_links_per_pair", p.global_links_per_pair, 1);
        const long long routers = per_supernode / s.leaf_ports;
        s.leaves_per_rail = routers * p.supernodes;
        s.local_cables = p.supernodes * routers * (routers - 1) / 2;
        s.global_cables = 1LL * p.supernodes * (p.supernodes - 1) / 2 * p.global_links_per_pair;
        if (1.0 * s.local_cables + 1.0 * s.global_cables + nics > kMaxClusterCount)
            throw ParamError("global_links_per_pair", std::to_string(p.global_links_per_pair),
                             "gives more scale-out cables than 2^32");
        return s;
    }
    if (s.nics_per_rail % s.leaf_ports != 0)
        throw ParamError("leaf_ports", std::to_string(p.leaf_ports),
                         fmt::format("must divide the {} NICs of {}", s.nics_per_rail,
                                     p.network == ScaleOutNetwork::Rail ? "a rail" : "the cluster"));
    s.leaves_per_rail = s.nics_per_rail / s.leaf_ports;
    if (s.leaves() == 1) return s; // one switch holds every NIC: no spines
    if (!(p.oversubscription > 0) || !std::isfinite(p.oversubscription))
        throw ParamError("oversubscription", fmt::format("{}", p.oversubscription), "must be positive and finite");
    const double up = s.leaf_ports / p.oversubscription;
    if (std::abs(up - std::round(up)) > 1e-9 || std::round(up) < 1 || up > kMaxClusterCount)
        throw ParamError("oversubscription", fmt::format("{}", p.oversubscription),
                         fmt::format("{} NIC ports per leaf / oversubscription must be a whole number >= 1",
                                     s.leaf_ports));
    s.uplinks_per_leaf = static_cast<long long>(std::round(up));
    s.spines = p.spines == 0 ? s.uplinks_per_leaf : p.spines;
    if (s.uplinks_per_leaf % s.spines != 0)
        throw ParamError("spines", std::to_string(p.spines),
                         fmt::format("must divide the {} uplinks per leaf", s.uplinks_per_leaf));
    if (1.0 * s.leaves() * s.uplinks_per_leaf + nics > kMaxClusterCount)
        throw ParamError("supernodes", std::to_string(p.supernodes), "gives more scale-out cables than 2^32");
    return s;
}

Topology cluster(const ClusterParams& p) {
    const ScaleOutShape s = scale_out_shape(p);
    detail::require_link("nic", p.nic);
    // A chip's NICs above its own fabric's bandwidth are refused: in every system modelled the scale-up tier is
    // the faster one, and snsim does not model the host path (PCIe) that would cap a NIC, so such a value is
    // most likely a unit slip (GB/s for Gb/s).
    // (Against the best-cabled chip, so that a supernode's own faults do not trip it.)
    double most_up = 0;
    for (auto c : p.supernode->nodes_of(NodeKind::Chip))
        most_up = std::max(most_up, p.supernode->injection_bytes_per_s(c));
    if (p.nics_per_chip * p.nic.bytes_per_s > most_up)
        throw ParamError("nic.bandwidth", fmt::format("{:.4g} GB/s", p.nic.bytes_per_s / 1e9),
                         fmt::format("{} NIC{} per chip at this bandwidth give more than a chip's scale-up bandwidth "
                                     "({:.4g} GB/s per direction): the scale-out tier must be the slower (Gbps, not "
                                     "GB/s?)",
                                     p.nics_per_chip, p.nics_per_chip == 1 ? "" : "s", most_up / 1e9));
    if (s.leaves() > 1) detail::require_link("uplink", p.uplink);
    if (p.network == ScaleOutNetwork::Dragonfly && p.supernodes > 1) detail::require_link("global_link", p.global_link);
    const Topology& one = *p.supernode;
    const std::size_t per = one.num_nodes(), chips = one.count(NodeKind::Chip);
    if (1.0 * p.supernodes * (per + one.num_links()) > kMaxClusterCount)
        throw ParamError("supernodes", std::to_string(p.supernodes), "gives more than 2^32 vertices or cables");

    Topology t("cluster");
    t.reserve_nodes(p.supernodes * per + static_cast<std::size_t>(s.leaves() + s.spines));
    int racks = 0; // racks of one supernode, renumbered per copy
    for (std::size_t v = 0; v < per; ++v)
        racks = std::max(racks, one.node(v).place.rack + 1);
    const auto cables = one.cables();
    for (int k = 0; k < p.supernodes; ++k) {
        for (std::size_t v = 0; v < per; ++v) {
            Node node = one.node(v);
            node.name = fmt::format("s{}.{}", k, node.name);
            node.place.supernode = k;
            if (node.place.rack >= 0) node.place.rack += k * racks;
            t.add_node(std::move(node));
        }
        const std::size_t base = k * per;
        for (std::uint32_t c = 0; c < cables.size(); ++c) {
            const auto [a, b] = one.ends(c);
            Link link = *cables[c];
            link.tier = LinkTier::ScaleUp;
            t.add_link(base + a, base + b, link);
        }
    }

    const bool rail = p.network == ScaleOutNetwork::Rail, dragonfly = p.network == ScaleOutNetwork::Dragonfly;
    const long long routers = s.leaves_per_rail / p.supernodes; // dragonfly: per supernode
    const auto leaf_name = [&](long long r, long long j) {
        if (rail) return fmt::format("so.r{}.leaf{}", r, j);
        if (dragonfly) return fmt::format("so.g{}.r{}", j / routers, j % routers);
        return fmt::format("so.leaf{}", j);
    };
    std::vector<Topology::Vertex> leaves; // by rail, then leaf within the rail (dragonfly: by supernode)
    for (long long r = 0; r < s.rails; ++r)
        for (long long j = 0; j < s.leaves_per_rail; ++j)
            leaves.push_back(t.add_node({leaf_name(r, j), NodeKind::Switch, {.tier = 1}}));
    Link nic = detail::make_link(p.nic);
    nic.tier = LinkTier::ScaleOut;
    const auto chip_of = one.nodes_of(NodeKind::Chip);
    for (int k = 0; k < p.supernodes; ++k)
        for (std::size_t c = 0; c < chips; ++c)
            for (int i = 0; i < p.nics_per_chip; ++i) {
                const auto [r, j] = leaf_of(p, s, k, static_cast<long long>(c) * p.nics_per_chip + i);
                t.add_link(k * per + chip_of[c], leaves[r * s.leaves_per_rail + j], nic);
            }
    Link up = detail::make_link(p.uplink);
    up.tier = LinkTier::ScaleOut;
    if (dragonfly) {
        for (int k = 0; k < p.supernodes; ++k)
            for (long long a = 0; a < routers; ++a)
                for (long long b = a + 1; b < routers; ++b)
                    t.add_link(leaves[k * routers + a], leaves[k * routers + b], up);
        // Cable m between supernodes a and b leaves a's router (b + m) mod R and b's router (a + m) mod R, so every
        // router of a supernode carries global cables to a share of the others.
        Link global = detail::make_link(p.global_link);
        global.tier = LinkTier::ScaleOut;
        for (int a = 0; a < p.supernodes; ++a)
            for (int b = a + 1; b < p.supernodes; ++b)
                for (int m = 0; m < p.global_links_per_pair; ++m)
                    t.add_link(leaves[a * routers + (b + m) % routers], leaves[b * routers + (a + m) % routers],
                               global);
    }
    std::vector<Topology::Vertex> spines;
    for (long long sp = 0; sp < s.spines; ++sp)
        spines.push_back(t.add_node({fmt::format("so.spine{}", sp), NodeKind::Switch, {.tier = 2}}));
    for (auto leaf : leaves)
        for (long long u = 0; u < s.uplinks_per_leaf; ++u)
            t.add_link(leaf, spines[u % s.spines], up);

    // One candidate: the first half of the chips (whole supernodes, when their count is even), every switch on the
    // side its bandwidth leads to. An upper bound on the least cut, not proven minimal.
    auto side = detail::first_chips_on_side0(t, t.count(NodeKind::Chip) / 2);
    place_rest(t, side);
    t.set_bisection_hint({{std::move(side)},
                          false,
                          "the first half of the chips (whole supernodes where they divide evenly), each "
                          "supernode's switches with most of its chips, scale-out switches on the side most of their "
                          "bandwidth leads to"});
    t.set_cluster({static_cast<std::size_t>(p.supernodes), chips, static_cast<std::size_t>(p.nics_per_chip),
                   rail ? "rail" : dragonfly ? "dragonfly" : "fat_tree", p.supernode});
    return t;
}

} // namespace snsim
