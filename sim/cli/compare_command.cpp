// snsim compare: one experiment over several systems (configs), or over the values of one config key, as one
// side-by-side table, written as CSV and JSON into a directory that scripts/plot draws from.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/cli/commands.hpp"
#include "sim/cli/experiment_options.hpp"
#include "sim/config/run_request.hpp"
#include "sim/config/topology_request.hpp"
#include "sim/report/compare_report.hpp"
#include "sim/report/output_file.hpp"
#include "topologies/errors.hpp"

namespace snsim::cli {
namespace {

struct CompareOptions {
    std::vector<std::string> configs;
    ExperimentFlags flags; // flags.algorithm may be "best"
    std::string vary, out;
    config::Config::Overrides set; // applied to every config (an experiment file's `set`)
};

struct System {
    std::string config;
    config::Config::Overrides overrides;
    std::string vary; // "key=value" or empty
};

// Splits "v1,v2,[4, 4]" at the commas outside brackets.
std::vector<std::string> split_values(const std::string& text) {
    std::vector<std::string> out(1);
    int depth = 0;
    for (char c : text) {
        if (c == '[') ++depth;
        if (c == ']') --depth;
        if (c == ',' && depth == 0)
            out.emplace_back();
        else
            out.back() += c;
    }
    return out;
}

std::vector<System> systems_of(const CompareOptions& o) {
    if (o.configs.empty()) throw InputError("compare needs at least one config (or an experiment file)");
    std::vector<System> out;
    if (o.vary.empty()) {
        for (const auto& c : o.configs)
            out.push_back({c, o.set, ""});
        return out;
    }
    const auto eq = o.vary.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == o.vary.size())
        throw InputError(fmt::format("--vary \"{}\": expected KEY=VALUE1,VALUE2,...", o.vary));
    if (o.configs.size() != 1)
        throw InputError(fmt::format("--vary \"{}\": varies one config, got {}", o.vary, o.configs.size()));
    const std::string key = o.vary.substr(0, eq);
    for (const auto& value : split_values(o.vary.substr(eq + 1))) {
        if (value.empty()) throw InputError(fmt::format("--vary \"{}\": an empty value", o.vary));
        auto overrides = o.set;
        overrides.emplace_back(key, value);
        out.push_back({o.configs[0], std::move(overrides), key + "=" + value});
    }
    return out;
}

// An experiment file (configs/experiments/): a map with key `compare` holding configs (paths relative to the
// file), and optionally collective, algorithm, sizes, vary, out, and set (config keys and values applied to
// every config, e.g. communicator.count: 128). The command line's options win.
void read_experiment_file(CompareOptions& o) {
    if (o.configs.size() != 1) return;
    const std::string& file = o.configs[0];
    YAML::Node root;
    try {
        root = YAML::LoadFile(file);
    } catch (const YAML::Exception&) {
        return; // not YAML we can read: let the config loader report it
    }
    if (!root.IsMap() || !root["compare"]) return;
    const auto base = std::filesystem::path(file).parent_path();
    const auto bad = [&](const YAML::Node& n, const std::string& key, const std::string& reason) {
        return InputError(located(file, n.Mark().line + 1, "compare." + key, n.IsScalar() ? n.Scalar() : "", reason));
    };
    const YAML::Node c = root["compare"];
    if (!c.IsMap()) throw bad(c, "", "expected a map of keys");
    const auto scalar = [&](const char* key, std::string& into) {
        if (!c[key]) return;
        if (!c[key].IsScalar()) throw bad(c[key], key, "expected a text");
        if (into.empty()) into = c[key].Scalar();
    };
    for (const auto& entry : c) {
        const std::string key = entry.first.Scalar();
        static const std::vector<std::string> known = {"configs", "collective", "algorithm", "sizes",
                                                       "vary",    "out",        "set"};
        if (std::find(known.begin(), known.end(), key) == known.end())
            throw bad(entry.first, key,
                      "unknown key; expected configs, collective, algorithm, sizes, vary, out or set");
    }
    if (const YAML::Node set = c["set"]) {
        if (!set.IsMap()) throw bad(set, "set", "expected a map of config keys to values");
        for (const auto& entry : set)
            o.set.emplace_back(entry.first.Scalar(), YAML::Dump(entry.second));
    }
    if (!c["configs"] || !c["configs"].IsSequence() || c["configs"].size() == 0)
        throw bad(c["configs"] ? c["configs"] : c, "configs", "expected a list of config files");
    o.configs.clear();
    for (const auto& item : c["configs"]) {
        if (!item.IsScalar()) throw bad(item, "configs", "expected a file name");
        o.configs.push_back((base / item.Scalar()).lexically_normal().string());
    }
    scalar("collective", o.flags.collective);
    scalar("algorithm", o.flags.algorithm);
    scalar("sizes", o.flags.sizes);
    scalar("vary", o.vary);
    scalar("out", o.out);
}

// Runs x on one system; with best, every algorithm that implements the collective and accepts the system is
// tried, and each size keeps the fastest (ties: the first in kAlgorithms).
ExperimentResult run_system(const Topology& t, const std::vector<Topology::Vertex>& chips, const Experiment& x,
                            bool best, const std::string& label) {
    const auto quiet = [](const report::RunRow&) {};
    if (!best) return run_experiment(t, chips, x, quiet);
    ExperimentResult winner;
    for (Algorithm a : kAlgorithms) {
        if (!supports(a, x.collective) || (a == Algorithm::multi_ring && x.params.channels == 1)) continue;
        Experiment candidate = x;
        candidate.algorithm = a;
        if (a != Algorithm::hierarchical && a != Algorithm::multidim) candidate.params.dims.clear();
        if (a != Algorithm::multi_ring) candidate.params.channels = 1;
        ExperimentResult r;
        try {
            r = run_experiment(t, chips, candidate, quiet);
        } catch (const InputError& e) {
            std::cerr << fmt::format("# {}: {} skipped: {}\n", label, to_string(a), e.what());
            continue;
        }
        if (winner.rows.empty()) {
            winner = std::move(r);
            continue;
        }
        for (std::size_t i = 0; i < r.rows.size(); ++i)
            if (r.rows[i].time_s < winner.rows[i].time_s) winner.rows[i] = r.rows[i];
        const auto largest = std::max_element(x.sizes.begin(), x.sizes.end()) - x.sizes.begin();
        if (winner.rows[largest].algorithm == to_string(a)) {
            winner.cables = std::move(r.cables);
            winner.idle_cable_directions = r.idle_cable_directions;
        }
    }
    if (winner.rows.empty())
        throw InputError(fmt::format("{}: no algorithm implements {} on it", label, to_string(x.collective)));
    return winner;
}

int compare(CompareOptions o) {
    read_experiment_file(o);
    const bool best = o.flags.algorithm == "best";
    ExperimentFlags flags = o.flags;
    if (best) flags.algorithm.clear();
    const std::vector<System> systems = systems_of(o);
    if (!o.out.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(o.out, ec);
        if (ec) throw InputError(fmt::format("--out \"{}\": cannot create the directory: {}", o.out, ec.message()));
        report::check_outputs({{"--out", o.out + "/compare.csv"}, {"--out", o.out + "/compare.json"}});
    }

    // Every system is loaded and checked before any is simulated, so bad input stops with its one line.
    struct Prepared {
        config::Config config;
        Topology topology;
        std::vector<Topology::Vertex> chips;
        Experiment experiment;
        std::string label;
    };
    std::vector<Prepared> prepared;
    std::vector<double> sizes;
    for (const auto& s : systems) {
        auto config = config::Config::load(s.config, s.overrides);
        Topology topology = config::build_topology(config);
        auto chips = config::communicator(config, topology);
        ExperimentFlags system_flags = flags;
        if (s.vary.rfind("collective.algorithm=", 0) == 0) // as --algorithm: the config's dims etc. then adapt
            system_flags.algorithm = s.vary.substr(s.vary.find('=') + 1);
        Experiment x = experiment_of(config, system_flags);
        if (sizes.empty()) sizes = x.sizes; // every system runs the first one's sizes (or --sizes)
        x.sizes = sizes;
        // Labels name the varied key by its last part: "gb200_nvl72 algorithm=ring".
        std::string label = s.vary.empty()
                                ? config.name()
                                : config.name() + " " + s.vary.substr(s.vary.rfind('.', s.vary.find('=')) + 1);
        prepared.push_back({std::move(config), std::move(topology), std::move(chips), std::move(x), std::move(label)});
    }

    std::vector<report::SystemResult> results;
    for (std::size_t i = 0; i < prepared.size(); ++i) {
        const auto& p = prepared[i];
        const auto start = std::chrono::steady_clock::now();
        ExperimentResult r = run_system(p.topology, p.chips, p.experiment, best, p.label);
        std::cerr << fmt::format("# {}: {} chips, {} sizes in {:.1f} s\n", p.label, p.chips.size(), sizes.size(),
                                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        results.push_back({p.label, systems[i].config, systems[i].vary, p.chips.size(), std::move(r.rows),
                           std::move(r.cables), r.idle_cable_directions, r.cables_size_bytes});
    }

    const auto& first = results.front().rows.front();
    const bool one_algorithm = std::all_of(results.begin(), results.end(),
                                           [&](const auto& r) { return r.rows.front().algorithm == first.algorithm; });
    const std::string algorithm = best ? "best algorithm per size" : one_algorithm ? first.algorithm : "as labelled";
    std::cout << fmt::format("# {} ({}), {} systems; time in us, busbw in GB/s, %bound = that system's bound / time\n",
                             first.collective, algorithm, results.size())
              << report::compare_table(results, best) << std::flush;
    if (!o.out.empty()) {
        report::write_atomically("--out", o.out + "/compare.csv",
                                 [&](std::ostream& out) { report::write_compare_csv(out, results); });
        std::vector<report::StreamedJson> cables;
        const auto json = report::compare_json(results, cables);
        report::write_json("--out", o.out + "/compare.json", json, cables);
        std::cout << fmt::format("\nwrote {0}/compare.csv and {0}/compare.json; draw them with scripts/plot {0}\n",
                                 o.out);
    }
    return 0;
}

} // namespace

Action add_compare_command(CLI::App& app) {
    auto o = std::make_shared<CompareOptions>();
    auto* cmd = app.add_subcommand("compare", "Run one experiment on several supernodes (or on values of one config "
                                              "key) and print them side by side");
    cmd->add_option("configs", o->configs,
                    "YAML configs (e.g. configs/presets/*.yaml), or one experiment file from configs/experiments/")
        ->required();
    add_experiment_options(*cmd, o->flags,
                           ", or best (every algorithm that fits each system, the fastest kept per size)");
    cmd->add_option("--vary", o->vary,
                    "KEY=V1,V2,...: one config run with each value of KEY, e.g. topology.planes=7,4,1 or "
                    "collective.algorithm=ring,in_switch");
    cmd->add_option("--out", o->out, "write compare.csv and compare.json into DIR (created if missing)")
        ->type_name("DIR");
    cmd->footer("Every system runs the same sizes (--sizes, or the first config's). The CSV has one line per system "
                "and size (columns of snsim run's "
                "CSV after system,config,vary,chips);\nthe JSON adds each system's cable statistics. "
                "scripts/plot DIR draws busbw vs size and per-link utilization. Exit code 2 on bad input.");
    return [cmd, o] {
        if (!*cmd) return -1;
        return compare(*o);
    };
}

} // namespace snsim::cli
