#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>

#include <spdlog/spdlog.h>

#include "sim/cli/commands.hpp"
#include "sim/config/fault_request.hpp"
#include "sim/config/topology_request.hpp"
#include "sim/report/output_file.hpp"
#include "sim/report/topo_report.hpp"
#include "topologies/io/graph_file.hpp"

namespace snsim::cli {
namespace {

struct TopoOptions {
    std::string config = SNSIM_DEFAULT_CONFIG;
    std::string json, dot, graphml;
    std::vector<std::string> given; // output options on the command line, even with an empty value
};

bool wanted(const TopoOptions& o, const std::string& option) {
    return std::find(o.given.begin(), o.given.end(), option) != o.given.end();
}

// The output options given on the command line, with their paths.
std::vector<std::pair<std::string, std::string>> outputs(const TopoOptions& o) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [option, path] : {std::pair{"--json", o.json}, {"--dot", o.dot}, {"--graphml", o.graphml}})
        if (wanted(o, option)) out.emplace_back(option, path);
    return out;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int run_topo(const TopoOptions& o) {
    const auto log = spdlog::get("cli");
    report::OutputSet files(outputs(o), {}, {o.config});

    auto start = std::chrono::steady_clock::now();
    const auto config = config::Config::load(o.config);
    const Topology topology = config::build_topology(config);
    log->debug("built {} topology: {} vertices, {} cables in {:.3f} s", topology.kind(), topology.num_nodes(),
               topology.num_links(), seconds_since(start));
    config::check_connected(config, topology, topology.nodes_of(NodeKind::Chip));
    start = std::chrono::steady_clock::now();
    const TopologyMetrics metrics = measure(topology, config::hop_options(config));
    log->debug("metrics in {:.3f} s ({} BFS runs)", seconds_since(start), metrics.hops.sources);

    const report::TopoSource source{config.name(), o.config, static_cast<std::uint64_t>(config.integer("seed")),
                                    topology.faults()};
    std::cout << report::topo_table(source, metrics) << std::flush;
    if (wanted(o, "--json")) files.write_json(o.json, report::topo_json(source, metrics));
    if (wanted(o, "--dot")) files.write(o.dot, [&](std::ostream& out) { write_dot(out, topology); });
    if (wanted(o, "--graphml")) files.write(o.graphml, [&](std::ostream& out) { write_graphml(out, topology); });
    files.commit();
    return 0;
}

} // namespace

Action add_topo_command(CLI::App& app) {
    auto options = std::make_shared<TopoOptions>();
    auto* cmd = app.add_subcommand("topo", "Build a supernode topology from a config and print its metrics: counts, "
                                           "cables and injection bandwidth per chip, diameter and mean hops, "
                                           "bisection bandwidth, switch ports");
    cmd->add_option("config", options->config,
                    "YAML config (default: the 128-chip Panjiu AL128 preset, configs/presets/al128.yaml); "
                    "`snsim keys` lists every key");
    cmd->add_option("--json", options->json, "also write the metrics as JSON to FILE (bandwidths in bytes/s)")
        ->type_name("FILE");
    cmd->add_option("--dot", options->dot, "also write the graph as GraphViz DOT to FILE (render: dot -Tsvg)")
        ->type_name("FILE");
    cmd->add_option("--graphml", options->graphml,
                    "also write the graph as GraphML to FILE (reads back as a custom topology)")
        ->type_name("FILE");
    cmd->footer("Bandwidths are per direction (cables are full duplex); hops count cables, so chip-switch-chip is 2.\n"
                "Exit code 2 on bad input, with a one-line error naming file, line, key and value.");
    return [cmd, options] {
        if (!*cmd) return -1;
        for (const char* option : {"--json", "--dot", "--graphml"})
            if (cmd->count(option) > 0) options->given.push_back(option);
        return run_topo(*options);
    };
}

} // namespace snsim::cli
