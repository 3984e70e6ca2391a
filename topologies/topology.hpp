#pragma once
// Topology: a supernode as a graph. Vertices are chips (accelerators), switch chips and CPUs; edges are cables.
// A cable is full duplex: `bytes_per_s` is the capacity of EACH direction, and each direction is its own
// capacity. Parallel cables are parallel edges. Boost.Graph stays behind this type: other modules use its
// methods; graph() is for graph algorithms inside topologies/ and sim/routing.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

namespace snsim {

enum class NodeKind : std::uint8_t { Chip, Switch, Cpu };
enum class LinkKind : std::uint8_t { Electrical, Optical };
// Which network a cable belongs to: the supernode's own fabric (NVLink, UB, ...) or the scale-out network that
// joins supernodes into a cluster (NICs, Ethernet or InfiniBand switches). Every topology but a cluster's scale-out
// tier is scale_up.
enum class LinkTier : std::uint8_t { ScaleUp, ScaleOut };

std::string_view to_string(NodeKind kind);
std::string_view to_string(LinkKind kind);
std::string_view to_string(LinkTier tier); // "scale_up", "scale_out"
std::optional<NodeKind> node_kind_from(std::string_view text);
std::optional<LinkKind> link_kind_from(std::string_view text);
std::optional<LinkTier> link_tier_from(std::string_view text);

// Where a vertex sits in the system's hierarchy; -1 means "not applicable".
struct Place {
    int rack = -1;           // rack, node or group
    int board = -1;          // board or router within the rack
    int plane = -1;          // network plane (switch chips)
    int tier = -1;           // switch tier: 1 = leaf / L1, 2 = spine / L2
    std::vector<int> coords; // position in a torus / mesh / nD full mesh
    int supernode = -1;      // the supernode of a cluster it belongs to; -1: the scale-out network, or no cluster
};

struct Node {
    std::string name;
    NodeKind kind = NodeKind::Chip;
    Place place;
};

struct Link {
    double bytes_per_s = 0; // per direction
    double latency_s = 0;
    int plane = -1;
    LinkKind kind = LinkKind::Electrical;
    LinkTier tier = LinkTier::ScaleUp;
    std::uint32_t id = 0; // dense cable index in order of addition, set by Topology::add_link
};

// Balanced splits of the chips (every other vertex placed on a side) that a generator proposes for its
// bisection. Metrics count each on the real graph and keep the least; `exact` says that least is proven minimal.
struct BisectionHint {
    using Side = std::vector<std::uint8_t>; // one entry per vertex: 0 or 1
    std::vector<Side> candidates;
    bool exact = false;
    std::string method; // how the splits were chosen and why the least is minimal, for the report
};

// Chips that a graph automorphism maps onto each other; BFS from one representative per orbit, weighted by the
// orbit size, gives exact all-pairs hop statistics.
struct ChipOrbit {
    std::size_t representative;
    std::size_t size;
};

// What faults removed or degraded (topologies/faults.hpp), for reports and for algorithms that cannot re-form
// around failed chips. All zero for a healthy topology.
struct FaultSummary {
    std::size_t chips = 0, switches = 0, cables = 0; // removed (cables: with their ends or alone)
    std::size_t degraded_cables = 0;
    std::vector<std::string> failed_chips; // names, in chip order
    bool any() const { return chips + switches + cables + degraded_cables > 0; }
    bool removed_any() const { return chips + switches + cables > 0; }
};

class Topology;

// A cluster (topologies/generators/cluster.cpp): `supernodes` copies of one supernode, numbered in vertex order
// (supernode k's chips are chips [k n, (k + 1) n) of the cluster, in the supernode's own chip order, until faults
// remove some: Place::supernode says where each vertex is), joined by a scale-out network of LinkTier::ScaleOut
// cables. The shape is as built, faults or not.
struct ClusterShape {
    std::size_t supernodes = 0;
    std::size_t chips_per_supernode = 0;
    std::size_t nics_per_chip = 0;
    std::string network;                       // rail or fat_tree
    std::shared_ptr<const Topology> supernode; // one supernode alone, as its generator built it
};

class Topology {
  public:
    using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, Node, Link>;
    using Vertex = Graph::vertex_descriptor;

    explicit Topology(std::string kind = "custom") : kind_(std::move(kind)) {}

    // Throws InputError on a duplicate name.
    Vertex add_node(Node node);
    // Throws InputError on a self-loop or a non-positive bandwidth. Assigns the cable's id.
    void add_link(Vertex a, Vertex b, const Link& link);
    void reserve_nodes(std::size_t n) { graph_.m_vertices.reserve(n); }

    const std::string& kind() const { return kind_; }
    std::size_t num_nodes() const { return boost::num_vertices(graph_); }
    std::size_t num_links() const { return boost::num_edges(graph_); }
    const Node& node(Vertex v) const { return graph_[v]; }
    std::optional<Vertex> find(std::string_view name) const;
    std::vector<Vertex> nodes_of(NodeKind kind) const; // in vertex order
    std::size_t count(NodeKind kind) const;
    std::size_t degree(Vertex v) const { return boost::out_degree(v, graph_); }
    double injection_bytes_per_s(Vertex v) const; // sum over the vertex's cables, one direction
    // A cable by its id (Link::id): its ends in the order they were given to add_link.
    const std::pair<Vertex, Vertex>& ends(std::uint32_t cable) const { return ends_.at(cable); }
    // Every cable, indexed by id, in one pass over the graph; valid while this Topology is not changed.
    std::vector<const Link*> cables() const;

    const Graph& graph() const { return graph_; }

    void set_bisection_hint(BisectionHint hint) { bisection_hint_ = std::move(hint); }
    const std::optional<BisectionHint>& bisection_hint() const { return bisection_hint_; }
    void set_chip_orbits(std::vector<ChipOrbit> orbits, std::string why);
    const std::vector<ChipOrbit>& chip_orbits() const { return chip_orbits_; }
    const std::string& symmetry() const { return symmetry_; }
    void set_faults(FaultSummary faults) { faults_ = std::move(faults); }
    const FaultSummary& faults() const { return faults_; }
    void set_cluster(ClusterShape shape) { cluster_ = std::move(shape); }
    const std::optional<ClusterShape>& cluster() const { return cluster_; } // set on clusters only
    // Some vertex carries Place::supernode: a cluster, or a graph file written from one. Routes then keep to their
    // tier (sim/routing/router.hpp) and bounds add each supernode's cut.
    bool has_supernodes() const { return has_supernodes_; }
    // What a reader tolerated rather than refused (a graph file's attributes snsim does not use), one line each,
    // for the caller to show as warnings: the topology layer does not log.
    void add_note(std::string note) { notes_.push_back(std::move(note)); }
    const std::vector<std::string>& notes() const { return notes_; }

  private:
    std::string kind_;
    Graph graph_;
    std::unordered_map<std::string, Vertex> by_name_; // lookup only; never iterated
    std::vector<std::pair<Vertex, Vertex>> ends_;     // by cable id
    std::optional<BisectionHint> bisection_hint_;
    std::vector<ChipOrbit> chip_orbits_;
    std::string symmetry_;
    FaultSummary faults_;
    std::optional<ClusterShape> cluster_;
    bool has_supernodes_ = false;
    std::vector<std::string> notes_;
};

} // namespace snsim
