#pragma once
// Routing: the paths a message between two chips takes, computed on demand and cached per pair, so memory is
// the graph plus the pairs actually used. Pure: no SimGrid.
//
// A message is striped over `stripes` paths (the planes or parallel ports a chip has); each path carries an
// equal share. Strategies:
//   shortest        one shortest path (fewest cables), ties broken by the lowest cable id at every hop;
//   ecmp            equal-cost multipath: at every vertex, the stripes of a pair that reach it take in turn the
//                   n cables that lie on a shortest path from it (ordered by cable id), so stripes spread evenly
//                   over planes, switches and parallel cables (at a switch reached by 4 of 18 stripes, those 4
//                   use 4 different cables down). The turn starts at the cable numbered (source chip's vertex
//                   index mod n), as a source hash would: the 64 chips of a Clos node sending to another node
//                   go up through 64 different spines instead of all through the first;
//   dimension_order torus, mesh and nD full mesh: correct the lowest differing coordinate first (shorter way
//                   round on a torus, ties go up); parallel cables are striped as in ecmp.
// With stripes = 0 (auto), a pair gets as many stripes as the source chip has cables that start a path of the
// chosen strategy.
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "topologies/topology.hpp"

namespace snsim {

// One direction of one cable: cable id * 2, plus 1 when crossed from the higher-numbered vertex to the lower.
using Hop = std::uint32_t;
inline std::uint32_t cable_of(Hop hop) {
    return hop / 2;
}
inline Hop make_hop(std::uint32_t cable, Topology::Vertex from, Topology::Vertex to) {
    return cable * 2 + (from < to ? 0u : 1u);
}
// The (from, to) vertices of a hop.
inline std::pair<Topology::Vertex, Topology::Vertex> hop_ends(const Topology& t, Hop hop) {
    auto [a, b] = t.ends(cable_of(hop));
    if (a > b) std::swap(a, b);
    return hop % 2 ? std::pair{b, a} : std::pair{a, b};
}

struct Path {
    std::vector<Hop> hops;
    double latency_s = 0;
};

enum class RouteStrategy { Shortest, Ecmp, DimensionOrder };
std::string_view to_string(RouteStrategy strategy);

struct RoutingOptions {
    RouteStrategy strategy = RouteStrategy::Ecmp;
    std::uint32_t stripes = 0;   // 0 = auto
    double switch_latency_s = 0; // added to a path's latency for every switch chip it crosses (cost.switch_latency)
};

class Router {
  public:
    // Throws InputError when the strategy does not fit the topology (dimension_order on a graph without grid
    // coordinates, or on a twisted torus).
    Router(const Topology& topology, RoutingOptions options);

    // The stripes of a message from chip `from` to chip `to` (distinct chips), deterministic.
    const std::vector<Path>& paths(Topology::Vertex from, Topology::Vertex to);
    std::size_t cached_pairs() const { return paths_.size(); }

    // Routing towards a destination class: the chips whose neighbours are exactly the multiset `neighbours`
    // (the chips under the same leaf switches, say). Every stripe from one source to any chip of the class
    // crosses the same cables but the last, because a chip's distance from any vertex but itself is one more than
    // the vertex's distance from the chip's neighbours; so the analytic engine routes direct alltoall once per
    // (source, class) instead of once per pair. An OpenPath is a stripe of paths() without its last hop: it
    // reaches `last`, one of the neighbours, and goes down the `arrival`-th (modulo their number, the source's offset
    // included) of the cables from there to the chip, as paths() deals them. Shortest and ecmp only.
    struct OpenPath {
        std::vector<Hop> hops;
        double latency_s = 0; // of `hops`
        Topology::Vertex last = 0;
        std::uint32_t arrival = 0;
    };
    void aim(const std::vector<Topology::Vertex>& neighbours); // sorted; the class of the next open_paths calls
    // From any vertex that is not in the class, into `out` (reused: its paths keep their capacity).
    void open_paths(Topology::Vertex from, std::vector<OpenPath>& out);

  private:
    using Vertex = Topology::Vertex;
    struct Step {
        Hop hop;
        Vertex next;
        double latency_s;
    };
    // The shortest-path DAG of one pair, found by a bidirectional BFS (balls of radius about d/2 around both
    // ends, so a pair costs the edges near its ends, not the whole graph): `layer_` holds each DAG vertex's
    // distance from the source, stamped with `dag_stamp_`.
    void find_dag(Vertex from, Vertex to);
    std::vector<Step> next_steps(Vertex at, Vertex to); // candidate cables, by cable id
    double switch_latency(Vertex v) const;              // options_.switch_latency_s if v is a switch chip, else 0
    std::vector<Step> shortest_steps(Vertex at);        // in the DAG of the last find_dag
    std::vector<Step> dimension_steps(Vertex at, Vertex to);
    // One stripe; `arrivals` counts the pair's stripes that have left each vertex so far.
    Path walk(Vertex from, Vertex to, std::unordered_map<Vertex, std::uint32_t>& arrivals);

    // One side of the bidirectional BFS: distance labels (valid where stamp == current) and the vertices found,
    // in layers: layer k is order[starts[k], starts[k+1]).
    struct Ball {
        std::vector<std::uint16_t> dist;
        std::vector<std::uint32_t> stamp;
        std::vector<Vertex> order;
        std::vector<std::size_t> starts;
        std::uint32_t current = 0;
        bool has(Vertex v) const { return stamp[v] == current; }
        std::size_t radius() const { return starts.size() - 2; }
        void reset(Vertex root, std::size_t nodes);
        void add(Vertex v, std::uint16_t d);
    };
    // Expands `ball` by one layer; returns the least `other` distance among the new vertices both balls reach.
    std::uint32_t grow(Ball& ball, const Ball& other);

    const std::vector<Step>& class_steps(Vertex at); // towards the aimed class, from a vertex not next to it

    const Topology& t_;
    RoutingOptions options_;
    std::map<std::vector<int>, Vertex> by_coords_; // chips of grid topologies
    std::vector<int> extent_;                      // grid length of each dimension
    Ball from_ball_, to_ball_;
    std::vector<std::uint16_t> layer_;
    std::vector<std::uint32_t> dag_stamp_;
    std::uint32_t dag_ = 0;
    std::unordered_map<std::uint64_t, std::vector<Path>> paths_; // lookup only, never iterated
    // The aimed class: each vertex's distance from its nearest neighbour of the class, how many of the class's
    // neighbour slots each vertex fills, and next steps found so far (valid where class_stamp_ == aim_).
    std::vector<std::uint16_t> class_dist_;
    std::vector<std::uint32_t> multiplicity_;
    std::vector<std::vector<Step>> class_steps_;
    std::vector<std::uint32_t> class_stamp_;
    std::uint32_t aim_ = 0;
};

} // namespace snsim
