#pragma once
// Routing: the paths a message between two chips takes, computed on demand and cached per pair, so memory is
// the graph plus the pairs actually used. Pure: no SimGrid.
//
// A message is striped over `stripes` paths (the planes or parallel ports a chip has); each carries an equal
// share. Strategies (docs/routing.md has the hardware each stands for):
//   shortest        one shortest path (fewest cables), ties broken by the lowest cable id at every hop;
//   ecmp            per-flow equal-cost multipath, as switches hash a flow's addresses: at every vertex, the stripes
//                   of a pair that reach it take in turn the n cables that lie on a shortest path from it (ordered
//                   by cable id, parallel cables included), starting at a hash of (source, destination, vertex)
//                   mod n. Pairs thus land on cables as a hash puts them, collisions included, and one pair's
//                   stripes at a vertex use different cables;
//   spray           packet spraying (NVLink, UB, adaptive routing): one stripe spread as a fluid over the whole
//                   shortest-path DAG, split evenly at every vertex over its next cables (Path::layers);
//   ucmp            weighted spraying: as spray, but a vertex splits over its next cables in proportion to the
//                   bandwidth each leads on to the destination: min(cable, what its far end passes on), summed
//                   backwards from the destination over the DAG. On a healthy uniform fabric it is spray; around a
//                   degraded cable it sends less where less can go (failed cables are not in the graph at all);
//   dimension_order torus, mesh and nD full mesh: correct the lowest differing coordinate first (shorter way
//                   round on a torus, ties go up); parallel cables are striped as in ecmp.
// With stripes = 0 (auto), a pair gets as many stripes as the source chip has cables that start a path of the
// chosen strategy; spray and ucmp always give one (sprayed) stripe.
//
// Clusters (Topology::cluster()): a route keeps to a tier. Between chips of one supernode it uses only that
// supernode's vertices, so it never leaves through a NIC, however short the way through the scale-out network.
// Between supernodes it goes, with ScaleOut::Direct, from the source's NIC through scale-out switches only to the
// destination's NIC (no chip relays); with ScaleOut::Pxn (NCCL's PXN), first inside the source's supernode to the
// chip with the destination's index there (on the destination's rail), then from that chip's NIC as Direct. The
// strategy applies to each part; a PXN stripe is the first part's stripe i mod its count followed by the second's.
// Around faults: a supernode split in two is rejoined through its NICs; a pair between supernodes with no route
// through the scale-out switches alone (an end's NICs failed, the spines between its rails gone) goes through one
// relay chip, on the source's side (the chip in the destination's place) or on the destination's, and only
// failing that by any way through the scale-out switches and the two ends' supernodes. No fault spreads a pair
// over more NICs than it had. Any topology whose vertices carry Place::supernode (a cluster, or a graph file
// written from one) is routed so.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/routing/path.hpp"
#include "topologies/topology.hpp"

namespace snsim {

enum class RouteStrategy { Shortest, Ecmp, Spray, Ucmp, DimensionOrder };
std::string_view to_string(RouteStrategy strategy);
enum class ScaleOut { Direct, Pxn }; // how a cluster's traffic between supernodes reaches a NIC
std::string_view to_string(ScaleOut scale_out);

struct RoutingOptions {
    RouteStrategy strategy = RouteStrategy::Ecmp;
    std::uint32_t stripes = 0;   // 0 = auto
    double switch_latency_s = 0; // added to a path's latency for every switch chip it crosses (cost.switch_latency)
    ScaleOut scale_out = ScaleOut::Direct;
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
    // (source, class) instead of once per pair. An OpenPath is a stripe of paths() without its last hop. Ecmp
    // hashes the destination itself, so its stripes to two chips of a class part before the last hop: it takes
    // classes of one chip (aim's `only`), where it walks as paths() does. Ucmp: not at all.
    struct OpenPath {
        Path path; // up to the class's neighbours, their switch latency included
        // Where the stripe's bytes reach the class: (neighbour, fraction, latency so far). Shortest and ecmp: one,
        // fraction 1, going down the neighbour's `cable`-th cable to the chip (by hop, as paths() takes it); spray:
        // every neighbour the DAG reaches, each spreading its fraction evenly over its cables to the chip.
        struct Arrival {
            Topology::Vertex at = 0;
            double fraction = 1;
            double latency_s = 0;
            std::uint32_t cable = 0;
        };
        std::vector<Arrival> arrivals;
    };
    // The class of the next open_paths calls: its chips' neighbours (sorted), and its chip when it has only one.
    void aim(const std::vector<Topology::Vertex>& neighbours, std::optional<Topology::Vertex> only = std::nullopt);
    // From any vertex that is not in the class, into `out` (reused: its paths keep their capacity).
    void open_paths(Topology::Vertex from, std::vector<OpenPath>& out);
    RouteStrategy strategy() const { return options_.strategy; }

  private:
    using Vertex = Topology::Vertex;
    struct Step {
        Hop hop;
        Vertex next;
        double latency_s;
        double bytes_per_s;
    };
    // A cluster's tiers: each vertex's supernode (empty unless the topology is a cluster), and the zone the current
    // find_dag keeps to: kAnyZone, a supernode, or kScaleOutZone (scale-out switches and the pair's own ends).
    // kPairZone: the scale-out switches and both ends' supernodes, for a chip whose NICs have all failed.
    static constexpr int kAnyZone = -2, kScaleOutZone = -1, kPairZone = -3;
    std::vector<int> supernode_;
    int zone_ = kAnyZone;
    Vertex zone_ends_[2] = {0, 0};
    bool in_zone(Vertex v) const {
        if (zone_ == kAnyZone) return true;
        const int s = supernode_[v];
        if (zone_ == kPairZone) return s < 0 || s == supernode_[zone_ends_[0]] || s == supernode_[zone_ends_[1]];
        return s == zone_ || v == zone_ends_[0] || v == zone_ends_[1];
    }
    // Inside a supernode (by kPairZone when faults split it). Between supernodes by the scale-out zone; when that
    // finds no route, through one relay chip on either side, and only then by kPairZone.
    std::vector<Path> route_in(Vertex from, Vertex to);
    std::vector<Path> route_out(Vertex from, Vertex to);
    // Stripe i of a route in two parts: stripe i mod its count of each.
    static std::vector<Path> join(const std::vector<Path>& first, const std::vector<Path>& second);
    // The stripes of one pair within one zone (the whole graph outside clusters).
    std::vector<Path> route(Vertex from, Vertex to, int zone);
    // The chip of `from`'s supernode in `to`'s place in its own (PXN's relay); `from` when faults removed it.
    Vertex relay(Vertex from, Vertex to) const;

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
    bool sprays() const;
    // A DAG to spray over: its vertices by distance from the source (layer 0 is the source alone; each layer in
    // vertex order) and each one's next steps (by hop; empty at the sinks).
    struct Dag {
        std::vector<std::vector<Vertex>> layers;
        std::vector<std::vector<std::vector<Step>>> steps; // steps[k][i]: of layers[k][i]
    };
    // The DAG of the last find_dag. The cables between two layers are found from whichever layer has fewer
    // cables: a spine of the 15,488-chip Clos has 176 cables of which one leads on, its layer 1,760 spines.
    const Dag& pair_dag();
    const Dag& class_dag(Vertex from); // towards the aimed class, whose neighbours are the sinks
    // The sprayed stripe over `dag`, weighted by bandwidth for ucmp. Switch latency is added at every vertex
    // reached but `to`. When `sinks` is given, it receives each sink with the fraction and latency that reach it.
    // Defined in sim/routing/spray.cpp.
    Path spray(const Dag& dag, Vertex to, std::vector<OpenPath::Arrival>* sinks = nullptr);
    const SprayLayer* intern(SprayLayer layer);

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

    // The graph's cables as flat arrays, for the class walks that scan every cable once per class: each vertex's
    // cables are arcs_[arc_start_[v], arc_start_[v + 1]). Built at the first aim.
    struct Arc {
        std::uint32_t to;
        std::uint32_t cable;
    };
    std::vector<std::size_t> arc_start_;
    std::vector<Arc> arcs_;
    std::vector<const Link*> cables_; // by id
    std::vector<Vertex> frontier_, next_frontier_;
    std::vector<std::pair<Vertex, std::uint32_t>> turns_; // open_paths: stripes that have left each vertex

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
    std::optional<Vertex> aim_only_;
    std::vector<std::vector<Vertex>> dag_layers_; // the last find_dag's vertices by distance from its source
    // Spraying: the DAG being sprayed, each vertex's position in its layer (valid where spray_stamp_ ==
    // spray_), and the sprayed layers, shared by every pair that uses the same one (by a hash of their
    // contents; lookup only, never iterated).
    Dag spray_dag_;
    std::vector<std::uint32_t> position_, spray_stamp_;
    std::uint32_t spray_ = 0;
    std::unordered_map<std::uint64_t, std::vector<std::unique_ptr<SprayLayer>>> layers_;
    std::size_t interned_ = 0; // layers in layers_: the next one's id
    void number_layers(const Dag& dag); // fills position_ for dag's vertices
};

} // namespace snsim
