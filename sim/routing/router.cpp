#include "sim/routing/router.hpp"

#include <unordered_map>

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "topologies/errors.hpp"

namespace snsim {
namespace {

constexpr std::uint32_t kNoMeeting = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint16_t kUnreachedClass = std::numeric_limits<std::uint16_t>::max();

// The hash a switch applies to a flow's addresses to pick one of n equal-cost cables (splitmix64's finaliser over
// source, destination and the vertex, so each vertex picks independently, as switches seeded differently do).
std::uint64_t flow_hash(std::uint64_t from, std::uint64_t to, std::uint64_t at) {
    std::uint64_t z = (from << 42) ^ (to << 21) ^ at;
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

bool grid_kind(const std::string& kind) {
    return kind == "torus" || kind == "mesh" || kind == "nd_fullmesh";
}

} // namespace

std::string_view to_string(RouteStrategy strategy) {
    switch (strategy) {
    case RouteStrategy::Shortest: return "shortest";
    case RouteStrategy::Ecmp: return "ecmp";
    case RouteStrategy::Spray: return "spray";
    case RouteStrategy::Ucmp: return "ucmp";
    case RouteStrategy::DimensionOrder: return "dimension_order";
    }
    return "";
}

std::string_view to_string(ScaleOut scale_out) {
    return scale_out == ScaleOut::Pxn ? "pxn" : "direct";
}

Router::Router(const Topology& topology, RoutingOptions options) : t_(topology), options_(options) {
    if (t_.has_supernodes()) {
        supernode_.resize(t_.num_nodes());
        for (Vertex v = 0; v < t_.num_nodes(); ++v)
            supernode_[v] = t_.node(v).place.supernode;
    }
    if (options_.strategy != RouteStrategy::DimensionOrder) return;
    if (!grid_kind(t_.kind()))
        throw InputError(
            fmt::format("routing.strategy dimension_order needs a torus, mesh or nd_fullmesh, not {}", t_.kind()));
    for (auto c : t_.nodes_of(NodeKind::Chip)) {
        const auto& coords = t_.node(c).place.coords;
        by_coords_.emplace(coords, c);
        extent_.resize(coords.size());
        for (std::size_t d = 0; d < coords.size(); ++d)
            extent_[d] = std::max(extent_[d], coords[d] + 1);
    }
}

void Router::Ball::reset(Vertex root, std::size_t nodes) {
    if (stamp.size() != nodes) {
        dist.assign(nodes, 0);
        stamp.assign(nodes, 0);
        current = 0;
    }
    if (++current == 0) { // wrapped after 2^32 pairs: forget every old label
        std::fill(stamp.begin(), stamp.end(), 0);
        current = 1;
    }
    order.clear();
    starts.assign({0});
    add(root, 0);
    starts.push_back(order.size());
}

void Router::Ball::add(Vertex v, std::uint16_t d) {
    dist[v] = d;
    stamp[v] = current;
    order.push_back(v);
}

std::uint32_t Router::grow(Ball& ball, const Ball& other) {
    const auto& g = t_.graph();
    const auto next = static_cast<std::uint16_t>(ball.radius() + 1);
    std::uint32_t meet = kNoMeeting;
    for (std::size_t i = ball.starts[ball.radius()]; i < ball.starts.back(); ++i)
        for (auto [e, end] = boost::out_edges(ball.order[i], g); e != end; ++e) {
            const Vertex w = boost::target(*e, g);
            if (ball.has(w) || !in_zone(w)) continue;
            ball.add(w, next);
            if (other.has(w)) meet = std::min<std::uint32_t>(meet, other.dist[w]);
        }
    ball.starts.push_back(ball.order.size());
    return meet;
}

void Router::find_dag(Vertex from, Vertex to) {
    const auto& g = t_.graph();
    from_ball_.reset(from, t_.num_nodes());
    to_ball_.reset(to, t_.num_nodes());
    const auto frontier_edges = [&](const Ball& b) {
        std::size_t edges = 0;
        for (std::size_t i = b.starts[b.radius()]; i < b.starts.back(); ++i)
            edges += boost::out_degree(b.order[i], g);
        return edges;
    };
    // Grow the side whose next layer costs fewer edge visits until the balls meet; then the source's layer
    // `meet_layer` holds the DAG's vertices that both balls label.
    std::size_t distance = 0, meet_layer = 0;
    for (;;) {
        const bool grow_from = frontier_edges(from_ball_) <= frontier_edges(to_ball_);
        Ball& ball = grow_from ? from_ball_ : to_ball_;
        if (ball.starts[ball.radius()] == ball.starts.back())
            throw InputError(fmt::format("chip {} cannot reach chip {}", t_.node(from).name, t_.node(to).name));
        const std::uint32_t meet = grow(ball, grow_from ? to_ball_ : from_ball_);
        if (meet == kNoMeeting) continue;
        distance = ball.radius() + meet;
        meet_layer = grow_from ? ball.radius() : meet;
        break;
    }
    if (++dag_ == 0 || dag_stamp_.size() != t_.num_nodes()) {
        dag_stamp_.assign(t_.num_nodes(), 0);
        layer_.assign(t_.num_nodes(), 0);
        dag_ = 1;
    }
    for (auto& vertices : dag_layers_)
        vertices.clear();
    dag_layers_.resize(distance + 1);
    const auto mark = [&](Vertex v, std::size_t layer) {
        dag_stamp_[v] = dag_;
        layer_[v] = static_cast<std::uint16_t>(layer);
        dag_layers_[layer].push_back(v);
    };
    const auto in_dag = [&](Vertex v, std::size_t layer) { return dag_stamp_[v] == dag_ && layer_[v] == layer; };
    const auto leads_to = [&](Vertex v, std::size_t layer) {
        for (auto [e, end] = boost::out_edges(v, g); e != end; ++e)
            if (in_dag(boost::target(*e, g), layer)) return true;
        return false;
    };
    for (std::size_t i = from_ball_.starts[meet_layer]; i < from_ball_.starts[meet_layer + 1]; ++i) {
        const Vertex v = from_ball_.order[i];
        if (to_ball_.has(v) && to_ball_.dist[v] == distance - meet_layer) mark(v, meet_layer);
    }
    // Towards the source: a vertex of layer k is on a shortest path when it has a cable into the DAG's layer
    // k + 1; towards the destination likewise from the other ball (its layer j is the source's d - j).
    for (std::size_t k = meet_layer; k-- > 0;)
        for (std::size_t i = from_ball_.starts[k]; i < from_ball_.starts[k + 1]; ++i)
            if (leads_to(from_ball_.order[i], k + 1)) mark(from_ball_.order[i], k);
    for (std::size_t j = distance - meet_layer; j-- > 0;)
        for (std::size_t i = to_ball_.starts[j]; i < to_ball_.starts[j + 1]; ++i)
            if (leads_to(to_ball_.order[i], distance - j - 1)) mark(to_ball_.order[i], distance - j);
}

std::vector<Router::Step> Router::shortest_steps(Vertex at) {
    const auto& g = t_.graph();
    std::vector<Step> steps;
    for (auto [e, end] = boost::out_edges(at, g); e != end; ++e) {
        const Vertex w = boost::target(*e, g);
        if (dag_stamp_[w] != dag_ || layer_[w] != layer_[at] + 1) continue;
        steps.push_back({make_hop(g[*e].id, at, w), w, g[*e].latency_s, g[*e].bytes_per_s});
    }
    std::sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) { return a.hop < b.hop; });
    return steps;
}

std::vector<Router::Step> Router::dimension_steps(Vertex at, Vertex to) {
    const auto& here = t_.node(at).place.coords;
    const auto& goal = t_.node(to).place.coords;
    std::size_t d = 0;
    while (here[d] == goal[d])
        ++d;
    std::vector<int> next = here;
    if (t_.kind() == "nd_fullmesh") {
        next[d] = goal[d];
    } else {
        const int n = extent_[d];
        const int ahead = ((goal[d] - here[d]) % n + n) % n;
        const bool wraps = t_.kind() == "torus";
        const int step = !wraps ? (goal[d] > here[d] ? 1 : -1) : (ahead <= n - ahead ? 1 : -1);
        next[d] = ((here[d] + step) % n + n) % n;
    }
    const Vertex w = by_coords_.at(next);
    std::vector<Step> steps;
    const auto& g = t_.graph();
    for (auto [e, end] = boost::out_edges(at, g); e != end; ++e)
        if (boost::target(*e, g) == w) steps.push_back({make_hop(g[*e].id, at, w), w, g[*e].latency_s, g[*e].bytes_per_s});
    if (steps.empty())
        throw InputError(fmt::format("dimension_order routing found no cable from {} to {} (twisted torus?)",
                                     t_.node(at).name, t_.node(w).name));
    std::sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) { return a.hop < b.hop; });
    return steps;
}

double Router::switch_latency(Vertex v) const {
    return t_.node(v).kind == NodeKind::Switch ? options_.switch_latency_s : 0.0;
}

std::vector<Router::Step> Router::next_steps(Vertex at, Vertex to) {
    return options_.strategy == RouteStrategy::DimensionOrder ? dimension_steps(at, to) : shortest_steps(at);
}

Path Router::walk(Vertex from, Vertex to, std::unordered_map<Vertex, std::uint32_t>& arrivals) {
    Path path;
    for (Vertex at = from; at != to;) {
        const auto steps = next_steps(at, to);
        const Step& s = options_.strategy == RouteStrategy::Shortest
                            ? steps.front()
                            : steps[(flow_hash(from, to, at) + arrivals[at]++) % steps.size()];
        path.hops.push_back(s.hop);
        path.latency_s += s.latency_s;
        at = s.next;
        if (at != to) path.latency_s += switch_latency(at);
    }
    return path;
}

const std::vector<Path>& Router::paths(Vertex from, Vertex to) {
    const std::uint64_t key = static_cast<std::uint64_t>(from) << 32 | to;
    if (const auto it = paths_.find(key); it != paths_.end()) return it->second;
    std::vector<Path> found;
    if (supernode_.empty()) {
        found = route(from, to, kAnyZone);
    } else if (supernode_[from] == supernode_[to]) {
        found = route_in(from, to);
    } else {
        const Vertex via = options_.scale_out == ScaleOut::Pxn ? relay(from, to) : from;
        try {
            if (via != from) found = join(route_in(from, via), route(via, to, kScaleOutZone));
        } catch (const InputError&) { // the relay's NICs, or the way from them, failed
        }
        if (found.empty()) found = route_out(from, to);
    }
    return paths_.emplace(key, std::move(found)).first->second;
}

std::vector<Path> Router::join(const std::vector<Path>& first, const std::vector<Path>& second) {
    std::vector<Path> out;
    for (std::size_t i = 0; i < std::max(first.size(), second.size()); ++i) {
        const Path& a = first[i % first.size()];
        const Path& b = second[i % second.size()];
        if (a.sprayed() != b.sprayed()) throw std::logic_error("a route's two parts: one sprayed, the other not");
        Path both = a;
        both.hops.insert(both.hops.end(), b.hops.begin(), b.hops.end());
        both.layers.insert(both.layers.end(), b.layers.begin(), b.layers.end());
        both.latency_s += b.latency_s;
        out.push_back(std::move(both));
    }
    return out;
}

Router::Vertex Router::relay(Vertex from, Vertex to) const {
    // Cluster vertices are named "s<supernode>.<name in the supernode>" (topologies/generators/generators.hpp).
    const std::string& name = t_.node(to).name;
    const auto via = t_.find(fmt::format("s{}.{}", supernode_[from], name.substr(name.find('.') + 1)));
    return via ? *via : from; // faults may have removed it: go direct
}

std::vector<Path> Router::route_in(Vertex from, Vertex to) {
    try {
        return route(from, to, supernode_[from]);
    } catch (const InputError&) { // faults split the supernode: out through a NIC and back in
        return route(from, to, kPairZone);
    }
}

std::vector<Path> Router::route_out(Vertex from, Vertex to) {
    try {
        return route(from, to, kScaleOutZone);
    } catch (const InputError&) {
    }
    // An end's NICs failed, or faults cut the scale-out network between them: through one relay chip, on the
    // source's side (the chip in the destination's place, as PXN) or on the destination's (the chip in the
    // source's place), so that a fault never spreads a pair over more NICs than it had.
    if (const Vertex via = relay(from, to); via != from) try {
            return join(route_in(from, via), route(via, to, kScaleOutZone));
        } catch (const InputError&) {
        }
    if (const Vertex via = relay(to, from); via != to) try {
            return join(route(from, via, kScaleOutZone), route_in(via, to));
        } catch (const InputError&) {
        }
    return route(from, to, kPairZone);
}

std::vector<Path> Router::route(Vertex from, Vertex to, int zone) {
    zone_ = zone;
    zone_ends_[0] = from;
    zone_ends_[1] = to;
    std::vector<Path> out;
    if (options_.strategy != RouteStrategy::DimensionOrder) find_dag(from, to);
    if (sprays()) {
        out.push_back(spray(pair_dag(), to));
        return out;
    }
    std::uint32_t stripes = options_.stripes;
    if (options_.strategy == RouteStrategy::Shortest) stripes = 1;
    if (stripes == 0) stripes = static_cast<std::uint32_t>(next_steps(from, to).size());
    std::unordered_map<Vertex, std::uint32_t> arrivals; // stripes of this pair that have left each vertex
    for (std::uint32_t s = 0; s < stripes; ++s)
        out.push_back(walk(from, to, arrivals));
    return out;
}

void Router::aim(const std::vector<Vertex>& neighbours, std::optional<Vertex> only) {
    aim_only_ = only;
    const std::size_t n = t_.num_nodes();
    const auto& g = t_.graph();
    if (class_stamp_.size() != n) {
        class_stamp_.assign(n, 0);
        class_steps_.assign(n, {});
        multiplicity_.assign(n, 0);
        aim_ = 0;
        arc_start_.assign(n + 1, 0);
        arcs_.clear();
        arcs_.reserve(2 * t_.num_links());
        for (Vertex v = 0; v < n; ++v) {
            for (auto [e, end] = boost::out_edges(v, g); e != end; ++e)
                arcs_.push_back({static_cast<std::uint32_t>(boost::target(*e, g)), g[*e].id});
            arc_start_[v + 1] = arcs_.size();
        }
        cables_ = t_.cables();
    }
    ++aim_;
    class_dist_.assign(n, kUnreachedClass);
    std::fill(multiplicity_.begin(), multiplicity_.end(), 0);
    frontier_.clear();
    for (Vertex v : neighbours) {
        if (multiplicity_[v]++ == 0) frontier_.push_back(v);
        class_dist_[v] = 0;
    }
    for (std::uint16_t d = 1; !frontier_.empty(); ++d) {
        next_frontier_.clear();
        for (Vertex v : frontier_)
            for (std::size_t a = arc_start_[v]; a < arc_start_[v + 1]; ++a) {
                const Vertex w = arcs_[a].to;
                if (class_dist_[w] != kUnreachedClass) continue;
                class_dist_[w] = d;
                next_frontier_.push_back(w);
            }
        std::swap(frontier_, next_frontier_);
    }
}

const std::vector<Router::Step>& Router::class_steps(Vertex at) {
    auto& steps = class_steps_[at];
    if (class_stamp_[at] == aim_) return steps;
    class_stamp_[at] = aim_;
    steps.clear();
    const std::uint16_t want = class_dist_[at] - 1;
    for (std::size_t a = arc_start_[at]; a < arc_start_[at + 1]; ++a) {
        const Vertex w = arcs_[a].to;
        if (class_dist_[w] != want) continue;
        const Link& cable = *cables_[arcs_[a].cable];
        steps.push_back({make_hop(arcs_[a].cable, at, w), w, cable.latency_s, cable.bytes_per_s});
    }
    std::sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) { return a.hop < b.hop; });
    return steps;
}

void Router::open_paths(Vertex from, std::vector<OpenPath>& out) {
    const bool ecmp = options_.strategy == RouteStrategy::Ecmp;
    if (options_.strategy == RouteStrategy::Ucmp || options_.strategy == RouteStrategy::DimensionOrder ||
        (ecmp && !aim_only_))
        throw std::logic_error("open_paths: this strategy does not route every chip of a class alike");
    if (class_dist_[from] == kUnreachedClass)
        throw InputError(fmt::format("chip {} cannot reach every chip of the communicator", t_.node(from).name));
    if (options_.strategy == RouteStrategy::Spray) {
        constexpr Vertex kNowhere = std::numeric_limits<Vertex>::max(); // the neighbours add their switch latency
        out.resize(1);
        out.front().arrivals.clear();
        out.front().path = spray(class_dag(from), kNowhere, &out.front().arrivals);
        return;
    }
    // As paths(): shortest takes the first of the next steps at every vertex and the neighbour's first cable
    // down; ecmp deals its stripes from the hash of (source, the class's chip, vertex), down cables included.
    std::uint32_t stripes = 1;
    if (ecmp) {
        stripes = options_.stripes;
        if (stripes == 0)
            stripes = static_cast<std::uint32_t>(class_dist_[from] == 0 ? multiplicity_[from] : class_steps(from).size());
    }
    const Vertex to = ecmp ? *aim_only_ : 0;
    turns_.clear(); // stripes that have left each vertex (few vertices)
    const auto turn = [&](Vertex v, std::size_t choices) -> std::uint32_t {
        if (!ecmp) return 0;
        std::uint32_t left = 0;
        auto found = std::find_if(turns_.begin(), turns_.end(), [&](const auto& a) { return a.first == v; });
        if (found == turns_.end()) turns_.emplace_back(v, 1);
        else left = found->second++;
        return static_cast<std::uint32_t>((flow_hash(from, to, v) + left) % choices);
    };
    out.resize(stripes);
    for (OpenPath& open : out) {
        open.path.hops.clear();
        open.path.layers.clear();
        open.path.latency_s = 0;
        open.arrivals.clear();
        Vertex at = from;
        while (class_dist_[at] > 0) {
            const auto& steps = class_steps(at);
            const Step& s = steps[turn(at, steps.size())];
            open.path.hops.push_back(s.hop);
            open.path.latency_s += s.latency_s;
            at = s.next;
            open.path.latency_s += switch_latency(at); // `at` too: the chip is one hop further
        }
        open.arrivals.push_back({at, 1.0, open.path.latency_s, turn(at, multiplicity_[at])});
    }
}

} // namespace snsim
