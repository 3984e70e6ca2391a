// snsim compare: one experiment over several systems (configs), or over the values of one config key, as one
// side-by-side table, written as CSV and JSON into a directory that scripts/plot draws from.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>

#include <unistd.h>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/cli/commands.hpp"
#include "sim/cli/experiment_options.hpp"
#include "sim/cli/progress_line.hpp"
#include "sim/cli/stop_signal.hpp"
#include "sim/config/experiment_file.hpp"
#include "sim/config/run_request.hpp"
#include "sim/config/topology_request.hpp"
#include "sim/experiment/best.hpp"
#include "sim/report/compare_report.hpp"
#include "sim/report/output_file.hpp"
#include "sim/workload/placement.hpp"
#include "sim/workload/step.hpp"
#include "sim/workload/step_report.hpp"
#include "topologies/errors.hpp"
#include "topologies/units.hpp"

namespace snsim::cli {
namespace {

struct CompareOptions {
    std::vector<std::string> configs;
    ExperimentFlags flags; // flags.algorithm may be "best"
    std::string vary, out;
    config::Config::Overrides set; // applied to every config (an experiment file's `set`)
    std::string workload;          // --workload: a step of this workload on each system instead of a collective
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

// A system's label names the varied key by its last part: "gb200_nvl72 algorithm=ring".
std::string label_of(const config::Config& config, const System& s) {
    return s.vary.empty() ? config.name()
                          : config.name() + " " + s.vary.substr(s.vary.rfind('.', s.vary.find('=')) + 1);
}

// An experiment file (sim/config/experiment_file.hpp) in place of configs: the command line's options win.
void read_experiment_file(CompareOptions& o) {
    if (o.configs.size() != 1) return;
    const auto file = config::read_experiment_file(o.configs[0]);
    if (!file) return;
    o.configs = file->configs;
    o.set.insert(o.set.end(), file->set.begin(), file->set.end());
    for (auto [from, into] : {std::pair{&file->collective, &o.flags.collective},
                              {&file->algorithm, &o.flags.algorithm},
                              {&file->sizes, &o.flags.sizes},
                              {&file->vary, &o.vary},
                              {&file->out, &o.out}})
        if (into->empty()) *into = *from;
}

// One line per row as it is decided, so a long comparison shows (and, with its files, keeps) its progress.
std::string row_line(const std::string& label, const report::RunRow& row) {
    return fmt::format("# {}: {} B: {} {:.2f} us, {:.2f} GB/s busbw, {:.1f}% of bound\n", label, row.size_bytes,
                       row.algorithm, row.time_s * 1e6, report::busbw_Bps(row) / 1e9, 100 * report::fraction(row));
}

// Runs x on one system, handing each decided row to `decided` (the fastest per size with best: sim/experiment/
// best.hpp, candidates and skips on stderr). Stops between runs once `stop` says so; the result then holds the
// rows decided before.
ExperimentResult run_system(const Topology& t, const std::vector<Topology::Vertex>& chips, const Experiment& x,
                            bool best, const std::string& label,
                            const std::function<void(const report::RunRow&)>& decided, const StopSignal& stop,
                            ProgressLine& progress) {
    if (!best) return run_experiment(t, chips, x, decided);
    BestEvents events;
    events.timed = [&](const report::RunRow& row) {
        progress.print([&] {
            std::cerr << fmt::format("#   {}: {} at {} B: {:.2f} us, {:.1f}% of bound\n", label, row.algorithm,
                                     row.size_bytes, row.time_s * 1e6, 100 * report::fraction(row));
        });
    };
    events.skipped = [&](Algorithm a, double size, const std::string& why) {
        progress.print([&] {
            if (size == 0)
                std::cerr << fmt::format("# {}: {} skipped: {}\n", label, to_string(a), why);
            else
                std::cerr << fmt::format("#   {}: {} skipped at {} B: {}\n", label, to_string(a), size, why);
        });
    };
    events.decided = decided;
    events.stop = [&] { return stop.received() != 0; };
    try {
        return run_best(t, chips, x, events).result;
    } catch (const InputError& e) {
        throw InputError(fmt::format("{}: {}", label, e.what()));
    }
}

// One workload's step on every system: a line per system as it finishes, and compare_workload.csv and .json in
// --out rewritten after each, so a stopped comparison keeps the systems done.
int compare_workload(const CompareOptions& o) {
    if (o.flags.algorithm == "best")
        throw InputError("--algorithm \"best\": with --workload each op takes its own algorithm, else the config's");
    if (o.flags.engine == "both")
        throw InputError("--engine \"both\": with --workload give simgrid or analytic (snsim workload --engine both "
                         "compares the engines on one system)");
    if (!o.flags.sizes.empty() || !o.flags.collective.empty())
        throw InputError("--sizes and --collective do not apply with --workload: its ops give their bytes");
    const workload::Workload w = workload::read_workload(o.workload);
    const std::vector<System> systems = systems_of(o);
    std::vector<std::string> inputs = o.configs;
    inputs.push_back(o.workload);
    const std::vector<std::pair<std::string, std::string>> outputs = {{"--out", o.out + "/compare_workload.csv"},
                                                                      {"--out", o.out + "/compare_workload.json"}};
    if (!o.out.empty()) report::OutputSet check(outputs, o.out, inputs);

    struct Prepared {
        config::Config config;
        Topology topology;
        std::vector<Topology::Vertex> chips;
        Experiment base;
        workload::Workload work; // the workload, its generated compute timed on this system's chip
        workload::SystemStep result;
    };
    std::vector<Prepared> prepared; // every system loaded and checked before any runs
    for (const auto& s : systems) {
        auto config = config::Config::load(s.config, s.overrides);
        Topology topology = config::build_topology(config);
        auto chips = config::communicator(config, topology);
        Experiment base = experiment_of(config, o.flags);
        workload::Workload work = w;
        try { // the workload's grid and compute must fit every system before any runs
            workload::time_compute(work, base.peak_flops, base.memory_bandwidth);
            workload::check_strict(w, workload::Placement(w, chips.size()), topology, chips);
        } catch (const InputError& e) {
            throw InputError(fmt::format("{}: {}", config.name(), e.what()));
        }
        workload::SystemStep result;
        result.label = label_of(config, s);
        result.config = s.config;
        result.vary = s.vary;
        result.chips = chips.size();
        prepared.push_back(
            {std::move(config), std::move(topology), std::move(chips), std::move(base), std::move(work), result});
    }
    std::cout << fmt::format("# {} on {} systems, engine {}\n", w.name, prepared.size(),
                             to_string(prepared.front().base.engine.kind))
              << workload::compare_header() << std::flush;
    const StopSignal stop;
    std::vector<workload::SystemStep> done;
    std::optional<ProgressLine> line;
    line.emplace(std::cerr, ::isatty(STDERR_FILENO) == 1, "compare", prepared.size(), "systems");
    for (auto& p : prepared) {
        if (stop.received()) break;
        const auto start = std::chrono::steady_clock::now();
        line->begin(p.result.label);
        try {
            p.result.step = workload::run_step(p.work, p.topology, p.chips, p.base, 1);
        } catch (const InputError& e) {
            throw InputError(fmt::format("{}: {}", p.result.label, e.what()));
        } catch (const std::exception&) {
            if (!stop.received()) throw;
            break;
        }
        done.push_back(p.result);
        line->print([&] {
            std::cout << workload::compare_line(w, p.result) << std::flush;
            std::cerr << fmt::format("# {}: {} ranks in {:.1f} s\n", p.result.label, p.result.step.ranks,
                                     std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        });
        line->done();
        if (o.out.empty()) continue;
        report::OutputSet files(outputs, o.out, inputs);
        files.write(o.out + "/compare_workload.csv",
                    [&](std::ostream& out) { workload::write_compare_csv(out, w, done); });
        files.write_json(o.out + "/compare_workload.json", workload::compare_json(w, done));
        files.commit();
    }
    line.reset();
    if (const int signal = stop.received()) {
        std::cerr << fmt::format("snsim: stopped by signal {}: kept the {} systems done of {}\n", signal, done.size(),
                                 prepared.size());
        return 128 + signal;
    }
    return 0;
}

int compare(CompareOptions o) {
    read_experiment_file(o);
    if (!o.workload.empty()) return compare_workload(o);
    const bool best = o.flags.algorithm == "best";
    ExperimentFlags flags = o.flags;
    if (best) flags.algorithm.clear();
    const std::vector<System> systems = systems_of(o);
    // Checked now; the directory is made with the first row, so bad input leaves none behind.
    const std::vector<std::pair<std::string, std::string>> outputs = {{"--out", o.out + "/compare.csv"},
                                                                      {"--out", o.out + "/compare.json"}};
    if (!o.out.empty()) report::OutputSet check(outputs, o.out, o.configs);

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
        std::string label = label_of(config, s);
        prepared.push_back({std::move(config), std::move(topology), std::move(chips), std::move(x), std::move(label)});
    }

    // Sizes per pair become per-rank totals, p x the size, which differ between systems of different sizes: the
    // table would set unequal sizes side by side.
    for (const auto& p : prepared) {
        if (p.experiment.sizes_per_pair != prepared.front().experiment.sizes_per_pair)
            throw InputError(fmt::format("collective.size_per: {} gives sizes per {} and {} per {}; compare them with "
                                         "one convention",
                                         prepared.front().label,
                                         prepared.front().experiment.sizes_per_pair ? "pair" : "rank", p.label,
                                         p.experiment.sizes_per_pair ? "pair" : "rank"));
        if (p.experiment.sizes_per_pair && p.chips.size() != prepared.front().chips.size())
            throw InputError(fmt::format("--size-per pair (collective.size_per): {} has {} ranks and {} has {}, so "
                                         "their per-rank sizes differ; compare them with sizes per rank",
                                         prepared.front().label, prepared.front().chips.size(), p.label,
                                         p.chips.size()));
    }
    // Rows are kept as they are decided and the CSV rewritten with each (the JSON, which holds every cable
    // direction, with each system), so a stopped or killed comparison keeps what finished (the table, printed at
    // the end, shows the systems that finished every size).
    const StopSignal stop;
    // Cleared (reset) once the runs are done, before the table.
    std::optional<ProgressLine> line;
    line.emplace(std::cerr, ::isatty(STDERR_FILENO) == 1, "compare", prepared.size() * sizes.size(),
                 "runs (systems x sizes)");
    ProgressLine& progress = *line;
    std::vector<report::SystemResult> results;
    // The CSV and the JSON are one transaction: both of one update, or neither.
    const auto write_files = [&](bool json_too) {
        if (o.out.empty()) return;
        report::OutputSet files(outputs, o.out, o.configs);
        files.write(o.out + "/compare.csv", [&](std::ostream& out) { report::write_compare_csv(out, results); });
        if (json_too) {
            std::vector<report::StreamedJson> cables;
            const auto json = report::compare_json(results, cables);
            files.write_json(o.out + "/compare.json", json, cables);
        }
        files.commit();
    };
    for (std::size_t i = 0; i < prepared.size() && !stop.received(); ++i) {
        const auto& p = prepared[i];
        const auto start = std::chrono::steady_clock::now();
        results.push_back({p.label, systems[i].config, systems[i].vary, p.chips.size(), {}, {}, 0, 0});
        const auto now = [&](std::size_t size) {
            return size < sizes.size() ? fmt::format("{}: {}", p.label, units::format_bytes(sizes[size])) : "";
        };
        progress.begin(now(0));
        const auto decided = [&](const report::RunRow& row) {
            progress.print([&] { std::cout << row_line(p.label, row) << std::flush; });
            results.back().rows.push_back(row);
            write_files(false);
            progress.done();
            progress.begin(now(results.back().rows.size()));
        };
        ExperimentResult r;
        try {
            r = with_params_located(p.config, flags, [&] {
                return run_system(p.topology, p.chips, p.experiment, best, p.label, decided, stop, progress);
            });
        } catch (const std::exception&) {
            if (!stop.received()) throw; // else the run was stopped by the same signal
        }
        if (results.back().rows.size() < sizes.size()) break;
        results.back().cables = std::move(r.cables);
        results.back().idle_cable_directions = r.idle_cable_directions;
        results.back().cables_size_bytes = r.cables_size_bytes;
        write_files(true);
        progress.print([&] {
            std::cerr << fmt::format("# {}: {} chips, {} sizes in {:.1f} s\n", p.label, p.chips.size(), sizes.size(),
                                     std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        });
    }

    line.reset();
    std::vector<report::SystemResult> complete;
    for (const auto& r : results)
        if (r.rows.size() == sizes.size()) complete.push_back(r);
    if (!complete.empty()) {
        const auto& first = complete.front().rows.front();
        const bool one_algorithm = std::all_of(complete.begin(), complete.end(), [&](const auto& r) {
            return r.rows.front().algorithm == first.algorithm;
        });
        const std::string algorithm = best            ? "best algorithm per size"
                                      : one_algorithm ? first.algorithm
                                                      : "as labelled";
        std::cout << fmt::format(
                         "# {} ({}), {} systems; time in us, busbw in GB/s, %bound = that system's bound / time\n",
                         first.collective, algorithm, complete.size())
                  << report::compare_table(complete, best) << std::flush;
    }
    if (!o.out.empty() && !results.empty()) {
        write_files(true);
        std::cout << fmt::format("\nwrote {0}/compare.csv and {0}/compare.json; draw them with scripts/plot {0}\n",
                                 o.out);
    }
    if (const int signal = stop.received()) {
        std::size_t rows = 0;
        for (const auto& r : results)
            rows += r.rows.size();
        std::cerr << fmt::format("snsim: stopped by signal {}: kept the {} rows decided ({} of {} systems complete)\n",
                                 signal, rows, complete.size(), prepared.size());
        return 128 + signal;
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
                           ", or best (every algorithm that fits each system, the fastest kept per size; those whose "
                           "lower bound is above the best time found are skipped)");
    cmd->add_option("--vary", o->vary,
                    "KEY=V1,V2,...: one config run with each value of KEY, e.g. topology.planes=7,4,1 or "
                    "collective.algorithm=ring,in_switch");
    cmd->add_option("--out", o->out,
                    "write compare.csv and compare.json (with --workload: compare_workload.csv and .json) into DIR "
                    "(created if missing)")
        ->type_name("DIR");
    cmd->add_option("--workload", o->workload,
                    "a step of this workload (snsim's YAML, SimAI text or a Chakra trace; docs/workloads.md) on each "
                    "system instead of a collective: step time, compute, exposed communication per group kind and "
                    "the busiest cable direction, a line per system")
        ->type_name("FILE");
    cmd->footer("Every system runs the same sizes (--sizes, or the first config's). The CSV has one line per system "
                "and size (columns of snsim run's "
                "CSV after system,config,vary,chips);\nthe JSON adds each system's cable statistics. "
                "scripts/plot DIR draws them (scripts/plot --help). Each row is printed (and the CSV "
                "rewritten) as it is decided;\non a terminal, a progress line on stderr shows the run in progress "
                "and the engine's flows done. Ctrl-C or SIGTERM stops between runs and keeps what was decided\n"
                "(exit code 128 + the signal). Exit code 2 on bad input.");
    return [cmd, o] {
        if (!*cmd) return -1;
        return compare(*o);
    };
}

} // namespace snsim::cli
