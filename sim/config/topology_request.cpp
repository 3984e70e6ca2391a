#include "sim/config/topology_request.hpp"

#include <climits>
#include <filesystem>
#include <mutex>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sim/config/fault_request.hpp"

namespace snsim::config {
namespace {

// Generator parameters are ints; a config integer beyond that range is refused here with its key.
int to_int(const Config& c, const std::string& key) {
    const long long v = c.integer(key);
    if (v > INT_MAX) throw c.error(key, fmt::format("must be at most {}", INT_MAX));
    return static_cast<int>(v);
}

std::vector<int> to_ints(const Config& c, const std::string& key) {
    std::vector<int> out;
    for (long long v : c.integers(key)) {
        if (v > INT_MAX || v < INT_MIN) throw c.error(key, fmt::format("entries must be within +-{}", INT_MAX));
        out.push_back(static_cast<int>(v));
    }
    return out;
}

LinkSpec link(const Config& c, const std::string& section) {
    return LinkSpec{c.real(section + ".bandwidth"), c.real(section + ".latency"),
                    *link_kind_from(c.string(section + ".kind"))};
}

// topology.supernode: a file relative to the config that names it, or a preset's name (no extension, no
// directory): NAME.yaml beside that config, else in snsim's configs/presets.
std::string supernode_file(const Config& c) {
    const std::string key = "topology.supernode";
    const std::string& value = c.string(key);
    if (value.empty()) throw c.error(key, "", "is required for topology.kind cluster");
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(c.file_of(key)).parent_path();
    const fs::path given(value);
    if (given.has_extension() || given.has_parent_path()) {
        const fs::path path = (dir / given).lexically_normal();
        std::error_code ec;
        if (!fs::is_regular_file(path, ec))
            throw c.error(key, fmt::format("{} is not a config file (no such file, or not a regular file)",
                                           path.string()));
        return path.string();
    }
    for (const fs::path& candidate : {dir / (value + ".yaml"), fs::path(SNSIM_PRESETS_DIR) / (value + ".yaml")}) {
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec)) return candidate.lexically_normal().string();
    }
    throw c.error(key, fmt::format("is neither a file nor a preset (looked for {}.yaml beside this config and in {})",
                                   value, SNSIM_PRESETS_DIR));
}

ClusterParams cluster_params(const Config& c) {
    const std::string t = "topology.";
    const Config one = Config::load(supernode_file(c));
    if (one.kind() == "cluster")
        throw c.error(t + "supernode", fmt::format("{} is itself a cluster; a cluster's supernode must be one "
                                                  "scale-up domain", one.file()));
    const LinkSpec nic = link(c, "topology.nic");
    // The scale-out network's other cables take what their sections do not give from the NIC's (the global
    // cables keep their own default kind, optical).
    const auto like_nic = [&](const std::string& section, bool kind) {
        LinkSpec out = link(c, section);
        if (!c.given(section + ".bandwidth")) out.bytes_per_s = nic.bytes_per_s;
        if (!c.given(section + ".latency")) out.latency_s = nic.latency_s;
        if (kind && !c.given(section + ".kind")) out.kind = nic.kind;
        return out;
    };
    const LinkSpec uplink = like_nic("topology.uplink", true), global = like_nic("topology.global_link", false);
    const std::string& network = c.string(t + "network");
    return ClusterParams{std::make_shared<const Topology>(build_topology(one)),
                         to_int(c, t + "supernodes"),
                         network == "fat_tree"    ? ScaleOutNetwork::FatTree
                         : network == "dragonfly" ? ScaleOutNetwork::Dragonfly
                                                  : ScaleOutNetwork::Rail,
                         to_int(c, t + "nics_per_chip"),
                         to_int(c, t + "rails"),
                         to_int(c, t + "leaf_ports"),
                         to_int(c, t + "spines"),
                         c.real(t + "oversubscription"),
                         nic,
                         uplink,
                         to_int(c, t + "global_links_per_pair"),
                         global};
}

} // namespace

TopologyParams topology_params(const Config& c) {
    const std::string kind = c.kind();
    const std::string t = "topology.";
    const LinkSpec base = link(c, "topology.link");
    if (kind == "full_mesh") return FullMeshParams{to_int(c, t + "chips"), to_int(c, t + "links_per_pair"), base};
    if (kind == "switched")
        return SwitchedParams{to_int(c, t + "chips"), to_int(c, t + "planes"), to_int(c, t + "switches_per_plane"),
                              to_int(c, t + "links_per_chip_per_plane"), base};
    if (kind == "clos")
        return ClosParams{to_int(c, t + "nodes"),
                          to_int(c, t + "chips_per_node"),
                          to_int(c, t + "cpus_per_node"),
                          to_int(c, t + "planes"),
                          to_int(c, t + "leaves_per_node"),
                          to_int(c, t + "links_per_chip_per_plane"),
                          to_int(c, t + "spines_per_plane"),
                          c.real(t + "oversubscription"),
                          base,
                          link(c, "topology.uplink")};
    if (kind == "torus" || kind == "mesh")
        return TorusParams{to_ints(c, t + "dims"), kind == "torus", to_ints(c, t + "twist"),
                           to_int(c, t + "links_per_neighbor"), base};
    if (kind == "nd_fullmesh")
        return NdFullMeshParams{
            to_ints(c, t + "dims"),    to_ints(c, t + "links_per_pair_by_dim"), base,
            to_int(c, t + "switches"), to_int(c, t + "switch_links_per_chip"),  link(c, "topology.switch_link")};
    if (kind == "dragonfly")
        return DragonflyParams{to_int(c, t + "groups"),
                               to_int(c, t + "routers_per_group"),
                               to_int(c, t + "chips_per_router"),
                               to_int(c, t + "global_links_per_router"),
                               base,
                               link(c, "topology.global_link")};
    if (kind == "cluster") return cluster_params(c);
    // custom: the graph file is relative to the directory of the config (or included file) that names it.
    const std::string& file = c.string(t + "file");
    if (file.empty()) throw c.error(t + "file", "", "is required for topology.kind custom");
    const auto path = std::filesystem::path(c.file_of(t + "file")).parent_path() / file;
    return CustomParams{path.lexically_normal().string(), base, c.real("limits.graph_memory") / kBytesPerCable};
}

Topology build_topology(const Config& c) {
    try {
        const TopologyParams params = topology_params(c);
        check_fits(params, c.real("limits.graph_memory"));
        Topology topology = with_faults(c, generate(params));
        // What a graph reader tolerated, on stderr (the "config" logger of sim/cli/main.cpp), once per process:
        // compare, sweeps and calibrate build the same graph many times.
        static std::mutex mutex;
        static std::set<std::string> said;
        if (const auto log = spdlog::get("config")) {
            const std::lock_guard lock(mutex);
            for (const auto& note : topology.notes())
                if (said.insert(note).second) log->warn("{}", note);
        }
        return topology;
    } catch (const ParamError& e) {
        const std::string key = "topology." + e.key();
        throw c.given(key) ? c.error(key, e.reason()) : c.error(key, e.value(), e.reason());
    }
}

HopOptions hop_options(const Config& c) {
    return HopOptions{c.real("metrics.work_budget"), static_cast<std::size_t>(c.integer("metrics.samples")),
                      static_cast<std::uint64_t>(c.integer("seed"))};
}

} // namespace snsim::config
