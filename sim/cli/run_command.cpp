#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "sim/cli/commands.hpp"
#include "sim/cli/experiment_options.hpp"
#include "sim/cli/progress_line.hpp"
#include "sim/cli/stop_signal.hpp"
#include "sim/config/run_request.hpp"
#include "sim/config/sizes.hpp"
#include "sim/config/topology_request.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/report/output_file.hpp"
#include "sim/report/topo_report.hpp"
#include "topologies/errors.hpp"
#include "topologies/units.hpp"

namespace snsim::cli {
namespace {

struct RunOptions {
    std::string config = SNSIM_DEFAULT_CONFIG;
    ExperimentFlags flags;
    std::string csv, json;
    std::size_t busiest = 5;
    std::vector<std::pair<std::string, std::string>> outputs; // given on the command line
};

// The cost model beyond alpha and efficiency, for the heading: ", protocols LL, Simple, launch interval 40 us".
std::string cost_text(const CostModel& cost) {
    std::string out;
    if (cost.protocols.size() > 1 || !cost.protocols.front().name.empty()) {
        out += ", protocols ";
        for (std::size_t i = 0; i < cost.protocols.size(); ++i)
            out += (i ? ", " : "") + cost.protocols[i].name;
    }
    if (cost.launch_interval_s > 0) out += ", launch interval " + units::format_time(cost.launch_interval_s);
    return out;
}

// Thrown from a row's callback to stop between sizes on SIGINT or SIGTERM.
struct StopRequested {};

int run(const RunOptions& o) {
    report::OutputSet files(o.outputs, {}, {o.config});
    const auto config = config::Config::load(o.config);
    const Topology topology = config::build_topology(config);
    const auto chips = config::communicator(config, topology);
    const Experiment x = experiment_of(config, o.flags);

    // Each row is printed as its size finishes, and the CSV rewritten (whole, so a reader never sees half a file) at
    // most once a second, so a stopped or killed run keeps them. A target that is not a regular file (a pipe,
    // /dev/stderr) gets the CSV once, at the end: rewriting would append it again each time.
    std::vector<report::RunRow> rows;
    const bool rewritable = !o.csv.empty() && (!std::filesystem::exists(o.csv) ||
                                               std::filesystem::is_regular_file(o.csv));
    std::chrono::steady_clock::time_point written{};
    const auto write_csv = [&](bool last) {
        if (o.csv.empty() || (!last && !rewritable)) return;
        const auto now = std::chrono::steady_clock::now();
        if (!last && now - written < std::chrono::seconds(1)) return;
        written = now;
        report::OutputSet csv({{"--csv", o.csv}}, {}, {o.config});
        csv.write(o.csv, [&](std::ostream& out) {
            report::write_run_csv(out, config.name(), o.config, chips.size(), rows);
        });
        csv.commit();
    };
    const StopSignal stop;
    ProgressLine progress(std::cerr, ::isatty(STDERR_FILENO) == 1, "run", x.sizes.size(), "sizes");
    const auto size_text = [&](std::size_t i) {
        return i < x.sizes.size() ? units::format_bytes(x.sizes[i]) + (x.sizes_per_pair ? " per pair" : "")
                                  : std::string();
    };
    progress.begin(size_text(0));
    // The heading waits for the first row, so that input refused by the engine (such as a --cfg setting) gives
    // only the one-line error.
    bool headed = false;
    ExperimentResult result;
    try {
        result = with_params_located(config, o.flags, [&] {
            return run_experiment(topology, chips, x, [&](const report::RunRow& row) {
                progress.print([&] {
                    if (!headed)
                        std::cout << fmt::format(
                                         "# {}: {} {} on {} of {} chips ({}), routing {}, alpha {}, efficiency {}{}, "
                                         "engine {}{}{}\n",
                                         config.name(), to_string(x.collective), to_string(x.algorithm), chips.size(),
                                         topology.count(NodeKind::Chip), topology.kind(),
                                         to_string(x.routing.strategy), units::format_time(x.engine.alpha_s),
                                         x.engine.efficiency, cost_text(x.cost),
                                         x.both_engines ? "both (time: discrete-event)" : to_string(x.engine.kind),
                                         topology.faults().any()
                                             ? "; faults " + report::faults_text(topology.faults())
                                             : "",
                                         x.sizes_per_pair ? fmt::format("; sizes given per pair: each row's size is "
                                                                        "the per-rank total, {} x that",
                                                                        chips.size())
                                                          : "")
                                  << report::run_header(row.engine);
                    headed = true;
                    std::cout << report::run_line(row) << std::flush;
                });
                rows.push_back(row);
                write_csv(false);
                progress.done();
                if (stop.received()) throw StopRequested{};
                progress.begin(size_text(rows.size()));
            });
        });
    } catch (const StopRequested&) {
    } catch (const std::exception&) {
        if (!stop.received()) throw; // else the simulation was stopped by the same signal
    }
    if (const int signal = stop.received()) {
        write_csv(true);
        progress.print([&] {
            std::cerr << fmt::format("snsim: stopped by signal {}: kept the {} of {} sizes finished{}\n", signal,
                                     rows.size(), x.sizes.size(), o.csv.empty() ? "" : " in " + o.csv);
        });
        return 128 + signal;
    }
    progress.print([&] {
        std::cout << "\nbound: least time physics allows (injection, bisection, latency; sim/report/bounds.hpp)\n"
                  << (x.engine.kind == EngineKind::analytic || x.both_engines
                          ? "model: exact where the analytic engine's model provably holds, estimate otherwise "
                            "(sim/engine/analytic.hpp)\n"
                          : "")
                  << report::coalesced_note(result.rows) << "\n"
                  << report::busiest_table(result.cables, o.busiest) << std::flush;
    });

    for (const auto& [option, path] : o.outputs) {
        if (option == "--csv")
            files.write(path, [&](std::ostream& out) {
                report::write_run_csv(out, config.name(), o.config, chips.size(), result.rows);
            });
        else
            files.write_json(path,
                             {{"name", config.name()},
                              {"config", o.config},
                              {"topology", topology.kind()},
                              {"chips", chips.size()},
                              {"seed", x.seed},
                              {"faults", report::faults_json(topology.faults())},
                              {"rows", report::rows_json(result.rows)},
                              {"cables_size_bytes", result.cables_size_bytes},
                              {"cables", report::cables_placeholder(0)},
                              {"idle_cable_directions", result.idle_cable_directions}},
                             {report::cables_json(result.cables, report::cables_placeholder(0))});
    }
    files.commit();
    return 0;
}

} // namespace

Action add_run_command(CLI::App& app) {
    auto o = std::make_shared<RunOptions>();
    auto* cmd = app.add_subcommand("run", "Simulate a collective over a sweep of message sizes on a supernode and "
                                          "print nccl-tests-style results next to the lower bound");
    cmd->add_option("config", o->config,
                    "YAML config (default: the 128-chip Panjiu AL128 preset, configs/presets/al128.yaml)");
    add_experiment_options(*cmd, o->flags);
    cmd->add_option("--csv", o->csv, "also write the rows as CSV to FILE")->type_name("FILE");
    cmd->add_option("--json", o->json,
                    "also write the rows, and every cable direction's bytes and utilization at the largest size, as "
                    "JSON to FILE")
        ->type_name("FILE");
    cmd->add_option("--busiest", o->busiest, "how many of the busiest cable directions to list (default 5)")
        ->check(CLI::Range(std::size_t{0}, kMostBusiest));
    cmd->footer("Columns: size and count (float32) as nccl-tests; time in microseconds; algbw = size / time and "
                "busbw = algbw x the bus factor, in GB/s (1e9 B/s);\nbound = least time the topology allows and "
                "%bound = bound / time. Each row is printed (and the CSV rewritten) as its size finishes; on a "
                "terminal,\na progress line on stderr shows the size running and the engine's flows done. Ctrl-C or "
                "SIGTERM stops between sizes and keeps\nthe rows finished (exit code 128 + the signal). Exit code 2 on "
                "bad input.");
    return [cmd, o] {
        if (!*cmd) return -1;
        for (const auto& [option, path] : {std::pair{"--csv", &o->csv}, {"--json", &o->json}})
            if (cmd->count(option) > 0) o->outputs.emplace_back(option, *path);
        return run(*o);
    };
}

} // namespace snsim::cli
