#pragma once
// Topology generators: pure functions from parameters to a Topology. Parameter names match the config keys
// below `topology.` (docs/config.md), and a ParamError names the offending one. Every generator also sets the
// structure hints metrics use: a bisection partition and, where the graph is symmetric, chip orbits.
#include <memory>
#include <string>
#include <vector>

#include "topologies/topology.hpp"

namespace snsim {

struct LinkSpec {
    double bytes_per_s = 0; // per direction
    double latency_s = 0;
    LinkKind kind = LinkKind::Electrical;
};

// n chips, every pair joined by `links_per_pair` cables.
struct FullMeshParams {
    static constexpr const char* size_key = "chips"; // the key the memory guard names
    int chips = 8;
    int links_per_pair = 1;
    LinkSpec link;
};

// One switch tier in P independent planes of S switch chips. Each chip has L cables into every plane, dealt
// round-robin over that plane's switch chips (L >= S, so every chip reaches every switch chip).
// GB200 NVL72: 72 chips, 18 planes, 1 switch chip per plane, 1 link per plane.
struct SwitchedParams {
    static constexpr const char* size_key = "chips"; // the key the memory guard names
    int chips = 128;
    int planes = 1;
    int switches_per_plane = 1;
    int links_per_chip_per_plane = 1;
    LinkSpec link;
};

// Two switch tiers (leaf / spine) in P parallel planes. Each node has `leaves_per_node` leaf switch chips per
// plane; each chip has L cables per plane dealt over its node's leaves of that plane. A leaf has
// down = chips_per_node * L / leaves_per_node downlinks and down / oversubscription uplinks, spread evenly
// over the plane's spine switch chips. CPUs (optional) have one cable to the first leaf of each plane.
// CloudMatrix384: 48 nodes x 8 chips, 7 planes, 1 leaf per node per plane, 2 links, 16 spines per plane.
struct ClosParams {
    static constexpr const char* size_key = "nodes"; // the key the memory guard names
    int nodes = 2;
    int chips_per_node = 8;
    int cpus_per_node = 0;
    int planes = 1;
    int leaves_per_node = 1;
    int links_per_chip_per_plane = 1;
    int spines_per_plane = 1;
    double oversubscription = 1.0;
    LinkSpec link;   // chip-leaf and cpu-leaf cables
    LinkSpec uplink; // leaf-spine cables
};

// k-dimensional torus (wrap = true) or mesh (wrap = false). A dimension of size 2 has one cable per
// neighbour pair even when wrapped (both directions reach the same chip). `twist[d]` (torus only) shifts the
// wrap-around cable of dimension d by that many positions along dimension (d+1) mod k; at most one dimension
// may be twisted, which keeps the graph vertex-transitive (every chip sees the same network).
struct TorusParams {
    static constexpr const char* size_key = "dims"; // the key the memory guard names
    std::vector<int> dims{4, 4, 4};
    bool wrap = true;
    std::vector<int> twist; // empty or one entry per dimension
    int links_per_neighbor = 1;
    LinkSpec link;
};

// UB-Mesh-style nD full mesh: chips on a grid, every dimension a clique (all chips that differ in exactly one
// coordinate are joined by links_per_pair_by_dim[d] cables). Optional switch tier above: `switches` switch chips,
// each chip with `switch_links_per_chip` cables dealt round-robin over them.
struct NdFullMeshParams {
    static constexpr const char* size_key = "dims"; // the key the memory guard names
    std::vector<int> dims{8, 8};
    std::vector<int> links_per_pair_by_dim; // empty = 1 in every dimension
    LinkSpec link;
    int switches = 0;
    int switch_links_per_chip = 0;
    LinkSpec switch_link;
};

// Dragonfly: `groups` groups of `routers_per_group` routers (switch chips), routers of a group all-to-all by
// local cables, `chips_per_router` chips per router, `global_links_per_router` optical cables per router joining
// groups, dealt round by round to every pair of groups so that each pair gets one before any gets two.
struct DragonflyParams {
    static constexpr const char* size_key = "groups"; // the key the memory guard names
    int groups = 9;
    int routers_per_group = 4;
    int chips_per_router = 2;
    int global_links_per_router = 2;
    LinkSpec link;        // chip-router and local cables
    LinkSpec global_link; // cables between groups
};

// A graph read from a file: GraphML (.graphml, .xml) or a YAML edge list (.yaml, .yml); see docs/graph-files.md.
// `link` is the default for cables whose attributes the file omits.
struct CustomParams {
    static constexpr const char* size_key = "file"; // the key the memory guard names
    std::string file;
    LinkSpec link;
    double max_cables = 1e8; // refuse edge lists that add up to more
};

// A cluster: `supernodes` copies of one supernode (any generator's Topology, built first) joined by a scale-out
// network. Every chip has `nics_per_chip` NICs, each one cable (`nic`) to a scale-out leaf switch; leaves of
// `leaf_ports` NIC cables each, and when there is more than one leaf, leaf_ports / oversubscription uplinks per
// leaf dealt round-robin over `spines` spine switches (0: one uplink to each spine). Networks:
//   rail      rail-optimized (NVIDIA DGX SuperPOD): NIC q of a supernode (chip q / nics_per_chip's NIC
//             q % nics_per_chip, q counted over the supernode's chips in order) is on rail q mod `rails`, and each
//             rail has its own leaves (0 rails: every NIC of a supernode its own rail); same-rail NICs of different
//             supernodes meet one switch away;
//   fat_tree  leaves take the NICs in order, supernode by supernode (leaf_ports 0: one leaf per supernode);
//   dragonfly a dragonfly of supernodes: each supernode's NICs on its own routers of leaf_ports (0: one router),
//             a supernode's routers joined all to all by `uplink` cables, and `global_links_per_pair` cables
//             (`global_link`) between every two supernodes, dealt over their routers. No spines.
// Vertex names: supernode k's vertices as in the supernode, prefixed "s<k>."; leaves "so.r<rail>.leaf<j>" (rail)
// or "so.leaf<j>", spines "so.spine<s>", dragonfly routers "so.g<k>.r<j>". Scale-out cables are LinkTier::ScaleOut, vertices in supernodes carry
// Place::supernode, and racks are renumbered so each is one rack of one supernode.
enum class ScaleOutNetwork { Rail, FatTree, Dragonfly };
struct ClusterParams {
    static constexpr const char* size_key = "supernodes"; // the key the memory guard names
    std::shared_ptr<const Topology> supernode;
    int supernodes = 2;
    ScaleOutNetwork network = ScaleOutNetwork::Rail;
    int nics_per_chip = 1;
    int rails = 0;
    int leaf_ports = 0;
    int spines = 0;
    double oversubscription = 1.0;
    LinkSpec nic;    // chip-leaf cables
    LinkSpec uplink; // leaf-spine cables; dragonfly: between the routers of one supernode
    int global_links_per_pair = 1; // dragonfly only
    LinkSpec global_link;          // dragonfly only: between supernodes
};
// Leaves and uplinks per leaf of a cluster's scale-out network; throws ParamError (rails, leaf_ports, spines,
// oversubscription) when they do not form one. The memory estimate asks it first.
struct ScaleOutShape {
    long long rails = 1, nics_per_rail = 0, leaves_per_rail = 0, leaf_ports = 0;
    long long uplinks_per_leaf = 0, spines = 0;
    long long local_cables = 0, global_cables = 0; // dragonfly
    long long leaves() const { return rails * leaves_per_rail; }
};
ScaleOutShape scale_out_shape(const ClusterParams& p);

Topology full_mesh(const FullMeshParams& p);
Topology switched(const SwitchedParams& p);
Topology clos(const ClosParams& p);
// Uplinks per leaf; throws ParamError (oversubscription, leaves_per_node, spines_per_plane) when they do not form a
// Clos. The memory estimate asks it first, so a bad ratio is blamed on itself, not on the size it would give.
int clos_leaf_uplinks(const ClosParams& p);
Topology torus(const TorusParams& p);
Topology nd_fullmesh(const NdFullMeshParams& p);
Topology dragonfly(const DragonflyParams& p);
Topology custom(const CustomParams& p);
Topology cluster(const ClusterParams& p);

} // namespace snsim
