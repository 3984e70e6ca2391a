#include "sim/config/schema.hpp"

#include <algorithm>

namespace snsim::config {
namespace {

const std::vector<std::string> kSwitchedKinds = {"full_mesh", "switched"};
const std::vector<std::string> kGridKinds = {"torus", "mesh", "nd_fullmesh"};

std::vector<KeyDecl> link_keys(const std::string& section, const std::string& what,
                               const std::vector<std::string>& kinds, const std::string& default_kind = "") {
    const bool base = section == "topology.link";
    return {
        {section + ".bandwidth",
         KeyType::Bandwidth,
         base ? "50GB/s" : "",
         "bandwidth of " + what + ", per direction (full duplex)",
         kinds,
         0,
         true,
         {},
         base ? "" : "topology.link.bandwidth"},
        {section + ".latency",
         KeyType::Time,
         base ? "100ns" : "",
         "latency of " + what,
         kinds,
         0,
         false,
         {},
         base ? "" : "topology.link.latency"},
        {section + ".kind",
         KeyType::String,
         default_kind,
         "electrical or optical (" + what + ")",
         kinds,
         0,
         false,
         {"electrical", "optical"},
         default_kind.empty() ? "topology.link.kind" : ""},
    };
}

// The `faults` section (docs/faults.md): parts removed, or degraded, by name, pattern, plane or at random.
std::vector<KeyDecl> fault_keys() {
    const std::string degraded = "whose cables keep faults.degrade.bandwidth_fraction of their bandwidth";
    const auto list = [](std::string path, std::string doc) {
        return KeyDecl{std::move(path), KeyType::StringList, "[]", std::move(doc)};
    };
    const auto planes = [](std::string path, std::string doc) {
        return KeyDecl{std::move(path), KeyType::IntegerList, "[]", std::move(doc), {}, 0};
    };
    return {
        list("faults.chips", "chips that fail, by name or pattern (c5, \"n3.c*\"): removed with their cables; "
                             "communicators re-form around them, in their rank order"),
        list("faults.switches", "switch chips that fail, by name or pattern (p3.sw0): removed with their cables"),
        list("faults.links", "cables that fail, as \"A - B\" (names or patterns of the two ends; every parallel "
                             "cable between them)"),
        planes("faults.planes", "planes that fail, by number: every cable and switch chip in the plane"),
        list("faults.degrade.chips", "chips " + degraded),
        list("faults.degrade.switches", "switch chips " + degraded),
        list("faults.degrade.links", "cables (\"A - B\") that keep faults.degrade.bandwidth_fraction of their "
                                     "bandwidth"),
        planes("faults.degrade.planes", "planes " + degraded),
        {"faults.degrade.bandwidth_fraction",
         KeyType::Real,
         "0.5",
         "fraction of its bandwidth a degraded cable keeps (at most 1)",
         {},
         0,
         true},
        {"faults.random.kind",
         KeyType::String,
         "links",
         "what fails at random",
         {},
         0,
         false,
         {"links", "switches", "chips"}},
        {"faults.random.fraction",
         KeyType::Real,
         "0",
         "fraction of every part of faults.random.kind that fails, drawn with `seed` (rounded to whole parts; 0 = "
         "none)",
         {},
         0},
    };
}

// Keys of `snsim run`: what to simulate on the topology, and the cost-model parameters.
std::vector<KeyDecl> run_keys() {
    return {
        {"collective.name",
         KeyType::String,
         "allreduce",
         "collective to simulate",
         {},
         0,
         false,
         {"allreduce", "reduce_scatter", "allgather", "broadcast", "reduce", "alltoall", "permutation"}},
        {"collective.algorithm", KeyType::String, "ring",
         "algorithm (docs/collectives.md lists which fit which collective)"},
        {"collective.sizes", KeyType::String, "1K:8G:x2",
         "message sizes as nccl-tests' size column: FIRST:LAST:xFACTOR, FIRST:LAST:+STEP, SIZE or a comma list"},
        {"collective.size_per",
         KeyType::String,
         "rank",
         "alltoall: what a size is, `rank` (what each rank sends in all, nccl-tests' convention) or `pair` (what each "
         "rank sends to each other rank; rows then show the per-rank total, p x that)",
         {},
         0,
         false,
         {"rank", "pair"}},
        {"collective.root", KeyType::Integer, "0", "root rank of broadcast and reduce", {}, 0},
        {"collective.chunks",
         KeyType::Integer,
         "0",
         "pipeline chunks each message is cut into (0 = the algorithm's choice: 1, but in_switch pipelines its two "
         "steps with sqrt(S/(B alpha)) chunks (alpha 0: at most 8S/(BL)), at most 128 and 524288 flows; "
         "docs/collectives.md)",
         {},
         0},
        {"collective.channels", KeyType::Integer, "1", "parallel rings of multi_ring", {}, 1},
        {"collective.dims",
         KeyType::IntegerList,
         "[]",
         "hierarchical, multidim: ranks as a grid of these sizes, dimension 0 fastest (product = communicator "
         "size; multidim with []: the chips' coordinates)",
         {},
         1},
        {"communicator.order",
         KeyType::String,
         "chips",
         "the order ranks take the chips in, before first/stride/count: chips (vertex order), snake (grids: "
         "dimension 0 fastest, every other line backwards, one cable per hop; a ring on a torus whose last "
         "dimension is even closes too), hilbert (a square 2D grid of side 2^k: the Hilbert curve); "
         "docs/collectives.md",
         {},
         0,
         false,
         {"chips", "snake", "hilbert"}},
        {"communicator.dim_order", KeyType::IntegerList, "[]",
         "grid dimensions from the fastest-varying in rank order to the slowest, for every communicator.order (e.g. "
         "[1, 0]; [] = 0, 1, ...)",
         kGridKinds, 0},
        {"communicator.map",
         KeyType::String,
         "",
         "file naming the chip of each rank, one per line in rank order (# comments), relative to this config; "
         "replaces order, dim_order, first and stride",
         {}},
        {"communicator.first",
         KeyType::Integer,
         "0",
         "index (in communicator.order) of the communicator's first chip",
         {},
         0},
        {"communicator.stride", KeyType::Integer, "1", "take every stride-th chip from there", {}, 1},
        {"communicator.count",
         KeyType::Integer,
         "0",
         "number of chips in the communicator (0 = as many as there are; with communicator.map, must be the number "
         "of chips it lists)",
         {},
         0},
        {"cost.alpha", KeyType::Time, "0ns", "software latency of every message (per algorithm step)", {}, 0},
        {"cost.efficiency",
         KeyType::Real,
         "1",
         "fraction of cable bandwidth a flow achieves (protocol efficiency)",
         {},
         0,
         true},
        {"cost.protocols", KeyType::StringList, "[]",
         "protocols (LL, LL128, Simple), each with its cost.<protocol>.* keys; per size the fastest whose size "
         "range holds it is used ([]: one protocol, cost.alpha and cost.efficiency alone; docs/cost-model.md)"},
        {"cost.switch_latency", KeyType::Time, "0ns", "added for every switch chip a path crosses", {}, 0},
        {"cost.reduction_bandwidth",
         KeyType::Bandwidth,
         "0GB/s",
         "most a reducing message moves per second, striped or not (0 = the cables alone limit it)",
         {},
         0},
        {"cost.chunk_size",
         KeyType::Bytes,
         "0B",
         "cut each size into chunks of this many bytes, at most cost.pipeline_depth, pipelined (0 = "
         "collective.chunks)",
         {},
         0},
        {"cost.pipeline_depth", KeyType::Integer, "8", "most chunks cost.chunk_size cuts a size into", {}, 1},
        {"cost.launch_interval",
         KeyType::Time,
         "0ns",
         "least time of one collective: nccl-tests times back-to-back launches, so a measured collective takes at "
         "least the host's launch interval",
         {},
         0},
        {"routing.strategy",
         KeyType::String,
         "ecmp",
         "path choice: shortest (one path), ecmp (per-flow hash of source and destination over every equal-cost "
         "cable), spray (packet spraying: every equal-cost cable, split evenly at every switch), ucmp (spraying "
         "weighted by the bandwidth each cable leads on to the destination), dimension_order (grids); "
         "docs/routing.md",
         {},
         0,
         false,
         {"shortest", "ecmp", "spray", "ucmp", "dimension_order"}},
        {"routing.stripes",
         KeyType::Integer,
         "0",
         "paths each message is split over (0 = every equal-cost cable leaving the chip: its planes or ports)",
         {},
         0},
        {"routing.scale_out",
         KeyType::String,
         "direct",
         "cluster (or a graph file written from one): how traffic between supernodes reaches a NIC: direct (the "
         "source chip's own NIC) or pxn (NCCL's PXN: inside the supernode to the chip on the destination's rail, "
         "then its NIC); docs/clusters.md",
         {"cluster", "custom"},
         0,
         false,
         {"direct", "pxn"}},
        {"chip.peak_flops",
         KeyType::Flops,
         "0FLOPS",
         "one chip's peak dense compute rate, for workloads generated from a model (workload.model: compute = FLOPs / "
         "(peak x mfu)); 0 = not given (the workload must give model.peak_flops)",
         {},
         0},
        {"chip.memory_bandwidth",
         KeyType::Bandwidth,
         "0GB/s",
         "one chip's memory (HBM) bandwidth: a generated compute op takes at least the bytes it reads (weights, KV "
         "cache) / this; 0 = not given (compute is FLOPs alone)",
         {},
         0},
    };
}

// cost.<protocol>.*: NCCL-style protocols. Efficiency is the protocol's payload fraction (LL: 4 bytes of data in
// every 8-byte store; LL128: 120 of 128 bytes), on top of cost.efficiency; latency adds to cost.alpha per message.
// The default latencies are starting points for snsim calibrate, not measurements.
std::vector<KeyDecl> protocol_keys() {
    struct Default {
        const char* name;
        const char* latency;
        const char* efficiency;
    };
    std::vector<KeyDecl> keys;
    for (const Default& p :
         {Default{"LL", "1us", "0.5"}, Default{"LL128", "2us", "0.9375"}, Default{"Simple", "5us", "1"}}) {
        const std::string at = std::string("cost.") + p.name;
        keys.push_back({at + ".latency",
                        KeyType::Time,
                        p.latency,
                        std::string("latency of every message sent with ") + p.name + ", added to cost.alpha",
                        {},
                        0});
        keys.push_back({at + ".efficiency",
                        KeyType::Real,
                        p.efficiency,
                        std::string("fraction of cost.efficiency's bandwidth ") + p.name + " carries as payload",
                        {},
                        0,
                        true});
        keys.push_back(
            {at + ".min_size", KeyType::Bytes, "0B", std::string("smallest size ") + p.name + " is used for", {}, 0});
        keys.push_back({at + ".max_size",
                        KeyType::Bytes,
                        "0B",
                        std::string("largest size ") + p.name + " is used for (0 = no limit)",
                        {},
                        0});
    }
    return keys;
}

std::vector<KeyDecl> build() {
    std::vector<KeyDecl> keys = {
        {"name", KeyType::String, "", "label for reports (default: the config file's name without .yaml)"},
        {"include", KeyType::Files, "[]",
         "config fragments (such as snsim calibrate's fitted cost) whose keys apply where this config does not give "
         "them, relative to this config; a later file wins over an earlier one, overrides (--vary, sweeps) over "
         "everything; included files cannot include others"},
        {"seed",
         KeyType::Integer,
         "1",
         "seed of every random choice (sampled hop statistics, random faults); echoed in every output",
         {},
         0},
        {"topology.kind",
         KeyType::String,
         "",
         "generator",
         {},
         0,
         false,
         {"full_mesh", "switched", "clos", "torus", "mesh", "nd_fullmesh", "dragonfly", "custom", "cluster"},
         "",
         true},
        {"topology.chips", KeyType::Integer, "128", "number of chips", kSwitchedKinds, 2},
        {"topology.links_per_pair", KeyType::Integer, "1", "cables between every pair of chips", {"full_mesh"}, 1},
        {"topology.planes", KeyType::Integer, "1", "independent network planes", {"switched", "clos"}, 1},
        {"topology.switches_per_plane", KeyType::Integer, "1", "switch chips per plane", {"switched"}, 1},
        {"topology.links_per_chip_per_plane",
         KeyType::Integer,
         "1",
         "cables from each chip into each plane, dealt round-robin over the plane's switch chips (switched) or the "
         "node's leaves (clos)",
         {"switched", "clos"},
         1},
        {"topology.nodes",
         KeyType::Integer,
         "2",
         "nodes (racks or boards), each with its own leaf switch chips",
         {"clos"},
         1},
        {"topology.chips_per_node", KeyType::Integer, "8", "chips per node", {"clos"}, 1},
        {"topology.cpus_per_node",
         KeyType::Integer,
         "0",
         "CPUs per node, one cable to the first leaf of each plane",
         {"clos"},
         0},
        {"topology.leaves_per_node",
         KeyType::Integer,
         "1",
         "leaf (L1) switch chips per node in each plane",
         {"clos"},
         1},
        {"topology.spines_per_plane", KeyType::Integer, "1", "spine (L2) switch chips per plane", {"clos"}, 1},
        {"topology.oversubscription",
         KeyType::Real,
         "1",
         "leaf downlinks / uplinks (1 = non-blocking); cluster: of the scale-out leaves",
         {"clos", "cluster"},
         0,
         true},
        {"topology.dims", KeyType::IntegerList, "[4, 4, 4]", "size of each dimension", kGridKinds, 1},
        {"topology.twist",
         KeyType::IntegerList,
         "[]",
         "per dimension d: shift of its wrap-around cables along dimension d+1 (twisted torus)",
         {"torus"}},
        {"topology.links_per_neighbor",
         KeyType::Integer,
         "1",
         "cables between neighbouring chips",
         {"torus", "mesh"},
         1},
        {"topology.links_per_pair_by_dim",
         KeyType::IntegerList,
         "[]",
         "per dimension: cables between chips that differ only in that coordinate ([] = 1 each; 0 = none, the "
         "dimension's chips joined only through the switch tier)",
         {"nd_fullmesh"},
         0},
        {"topology.switches",
         KeyType::Integer,
         "0",
         "switch chips of an optional tier above the mesh",
         {"nd_fullmesh"},
         0},
        {"topology.switch_links_per_chip",
         KeyType::Integer,
         "0",
         "cables from each chip to the switch tier, dealt round-robin",
         {"nd_fullmesh"},
         0},
        {"topology.groups", KeyType::Integer, "9", "dragonfly groups", {"dragonfly"}, 1},
        {"topology.routers_per_group",
         KeyType::Integer,
         "4",
         "routers (switch chips) per group, all-to-all inside",
         {"dragonfly"},
         1},
        {"topology.chips_per_router", KeyType::Integer, "2", "chips on each router", {"dragonfly"}, 1},
        {"topology.global_links_per_router",
         KeyType::Integer,
         "2",
         "cables from each router to other groups",
         {"dragonfly"},
         0},
        {"topology.file",
         KeyType::String,
         "",
         "graph file: .graphml/.xml (GraphML) or .yaml/.yml (edge list), relative to this config; see "
         "docs/graph-files.md",
         {"custom"}},
        {"topology.supernode",
         KeyType::String,
         "",
         "cluster: the supernode, a config file relative to this one (gb200_nvl72.yaml) or a preset's name "
         "(gb200_nvl72: configs/presets/gb200_nvl72.yaml); its topology and faults sections are copied "
         "topology.supernodes times",
         {"cluster"}},
        {"topology.supernodes", KeyType::Integer, "2", "cluster: copies of the supernode", {"cluster"}, 1},
        {"topology.network",
         KeyType::String,
         "rail",
         "cluster: the scale-out network; rail (rail-optimized: NIC q of every supernode on rail q mod rails, each "
         "rail its own leaves), fat_tree (leaves take the NICs supernode by supernode) or dragonfly (each "
         "supernode's own routers, all to all inside, global_links_per_pair cables between every two supernodes)",
         {"cluster"},
         0,
         false,
         {"rail", "fat_tree", "dragonfly"}},
        {"topology.global_links_per_pair",
         KeyType::Integer,
         "1",
         "cluster, network dragonfly: cables (topology.global_link) between every two supernodes, dealt over their "
         "routers",
         {"cluster"},
         1},
        {"topology.nics_per_chip",
         KeyType::Integer,
         "1",
         "cluster: NICs per chip, each one topology.nic cable to a scale-out leaf",
         {"cluster"},
         1},
        {"topology.rails",
         KeyType::Integer,
         "0",
         "cluster, network rail: rails (must divide the NICs of a supernode; 0 = every NIC of a supernode its own "
         "rail)",
         {"cluster"},
         0},
        {"topology.leaf_ports",
         KeyType::Integer,
         "0",
         "cluster: NIC cables per scale-out leaf switch (0 = one leaf per rail, or per supernode for fat_tree); "
         "with more than one leaf, spines join them",
         {"cluster"},
         0},
        {"topology.spines",
         KeyType::Integer,
         "0",
         "cluster: scale-out spine switches, each leaf's uplinks dealt over them round-robin (0 = one uplink from "
         "each leaf to each spine)",
         {"cluster"},
         0},
        {"limits.graph_memory",
         KeyType::Bytes,
         "8GiB",
         "refuse topologies whose graph would need more memory than this (estimated before building)",
         {},
         0,
         true},
        {"metrics.samples", KeyType::Integer, "256", "BFS sources when hop statistics must be sampled", {}, 1},
        {"metrics.work_budget",
         KeyType::Real,
         "1e9",
         "BFS edge visits allowed for exact all-pairs hop statistics before sampling",
         {},
         0,
         true},
    };
    auto add = [&](std::vector<KeyDecl> more) { keys.insert(keys.end(), more.begin(), more.end()); };
    add(link_keys("topology.link", "every cable (the default for the other link sections)", {}, "electrical"));
    add(link_keys("topology.uplink",
                  "leaf-spine cables (cluster: of the scale-out network, or between a supernode's dragonfly routers; "
                  "default: topology.nic)",
                  {"clos", "cluster"}));
    add(link_keys("topology.nic", "a cluster's NIC cables, chip to scale-out leaf", {"cluster"}));
    add(link_keys("topology.switch_link", "chip-switch cables", {"nd_fullmesh"}));
    add(link_keys("topology.global_link",
                  "cables between groups (cluster, network dragonfly: between supernodes; default: topology.nic)",
                  {"dragonfly", "cluster"}, "optical"));
    add(fault_keys());
    add(run_keys());
    add(protocol_keys());
    return keys;
}

// Levenshtein distance, for suggestions.
std::size_t distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = up;
        }
    }
    return row[b.size()];
}

} // namespace

std::string_view describe(KeyType type) {
    switch (type) {
    case KeyType::Integer: return "a whole number";
    case KeyType::Real: return "a number";
    case KeyType::String: return "a text";
    case KeyType::Bandwidth: return "a bandwidth such as 392GB/s, 224Gbps, 28 GBps";
    case KeyType::Time: return "a time such as 1.2us, 200ns";
    case KeyType::Bytes: return "a size such as 8GiB, 64KB, 4096";
    case KeyType::Flops: return "a compute rate such as 989TFLOPS, 2.5PFLOPS";
    case KeyType::IntegerList: return "a list of whole numbers such as [4, 4, 4]";
    case KeyType::StringList: return "a list of texts such as [c5, \"p3.*\"]";
    case KeyType::Files: return "a file name or a list of them such as [base.yaml, fitted.yaml]";
    }
    return "";
}

// Upper bounds, where a larger value would be cut to fit (ranks and chip indices are 32-bit) or would only cost
// memory: refused at the key rather than truncated or clamped in silence.
std::vector<KeyDecl> bounded(std::vector<KeyDecl> keys) {
    constexpr double kRanks = 4294967295.0; // 2^32 - 1: rank and chip indices are 32-bit
    const std::pair<const char*, double> most[] = {
        {"collective.root", kRanks - 1}, {"collective.dims", kRanks},     {"collective.channels", 4096},
        {"communicator.first", kRanks},  {"communicator.stride", kRanks}, {"communicator.count", kRanks},
        {"routing.stripes", 65536},      {"communicator.dim_order", 64},
    };
    for (const auto& [path, max] : most)
        for (auto& k : keys)
            if (k.path == path) k.max = max;
    return keys;
}

const std::vector<KeyDecl>& schema() {
    static const std::vector<KeyDecl> keys = bounded(build());
    return keys;
}

const KeyDecl* find_key(const std::string& path) {
    for (const auto& k : schema())
        if (k.path == path) return &k;
    return nullptr;
}

bool is_section(const std::string& path) {
    return std::any_of(schema().begin(), schema().end(),
                       [&](const KeyDecl& k) { return k.path.size() > path.size() && k.path.starts_with(path + "."); });
}

std::string closest_key(const std::string& path) {
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(3, path.size() / 4) + 1;
    for (const auto& k : schema()) {
        const std::size_t d = distance(path, k.path);
        if (d < best_distance) {
            best_distance = d;
            best = k.path;
        }
    }
    return best;
}

} // namespace snsim::config
