#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <unistd.h>

#include "sim/cli/commands.hpp"
#include "sim/cli/experiment_options.hpp"
#include "sim/cli/progress_line.hpp"
#include "sim/config/communicator.hpp"
#include "sim/config/topology_request.hpp"
#include "sim/report/output_file.hpp"
#include "sim/report/topo_report.hpp"
#include "sim/workload/step_report.hpp"
#include "topologies/errors.hpp"

namespace snsim::cli {
namespace {

struct WorkloadOptions {
    std::string workload;
    std::string config = SNSIM_DEFAULT_CONFIG;
    std::string engine;
    std::vector<std::string> simgrid_cfg;
    std::size_t busiest = 5;
    std::vector<std::pair<std::string, std::string>> outputs; // given on the command line
    std::string csv, json, trace;
};

int run(const WorkloadOptions& o) {
    report::OutputSet files(o.outputs, {}, {o.workload, o.config});
    workload::Workload w = workload::read_workload(o.workload);
    const auto config = config::Config::load(o.config);
    const Topology topology = config::build_topology(config);
    const auto chips = config::communicator(config, topology);
    ExperimentFlags flags;
    flags.engine = o.engine == "both" ? "" : o.engine;
    flags.simgrid_cfg = o.simgrid_cfg;
    Experiment base = experiment_of(config, flags);
    workload::time_compute(w, base.peak_flops, base.memory_bandwidth);
    std::optional<ProgressLine> progress;
    progress.emplace(std::cerr, ::isatty(STDERR_FILENO) == 1, "workload", o.engine == "both" ? 2 : 1, "engines");
    progress->begin(fmt::format("one step of {} on the {} engine", w.name, to_string(base.engine.kind)));
    const workload::StepResult step = workload::run_step(w, topology, chips, base, o.busiest);
    std::optional<workload::StepResult> analytic;
    if (o.engine == "both") {
        progress->done();
        progress->begin("the analytic engine");
        base.engine.kind = EngineKind::analytic;
        analytic = workload::run_step(w, topology, chips, base, 0);
    }
    progress.reset(); // the line is cleared before the report
    std::cout << fmt::format("# {} on {}: {} ranks of {} chips ({}), tp {}, ep {}, dp {}, pp {}; engine {}{}; {} "
                             "flows\n",
                             w.name, config.name(), step.ranks, topology.count(NodeKind::Chip), topology.kind(),
                             step.size[0], step.size[1], step.size[2], step.size[3], to_string(step.engine),
                             step.engine == EngineKind::analytic ? (step.estimate ? " (estimate)" : " (exact)")
                             : step.approximate
                                 ? " (approximate: sprayed stripes share cables in different proportions with other "
                                   "flows, which SimGrid cannot be told exactly; docs/routing.md)"
                                 : "",
                             step.flows)
              << workload::step_table(w, step);
    if (analytic)
        std::cout << fmt::format("\nanalytic engine: step time {:.2f} us ({}), {:+.2f}% against the discrete-event "
                                 "engine{}\n",
                                 analytic->step_s * 1e6, analytic->estimate ? "estimate" : "exact",
                                 100 * (analytic->step_s / step.step_s - 1),
                                 std::abs(analytic->step_s / step.step_s - 1) > 0.01 ? " (the engines disagree)" : "");
    std::cout << std::flush;
    for (const auto& [option, path] : o.outputs) {
        if (option == "--csv")
            files.write(path, [&](std::ostream& out) { workload::write_ops_csv(out, w, step); });
        else if (option == "--trace") {
            std::vector<std::string> names;
            for (Rank r = 0; r < step.ranks; ++r)
                names.push_back(topology.node(chips[r]).name);
            files.write(path, [&, names](std::ostream& out) { workload::write_trace(out, w, step, names); });
        } else {
            auto json = workload::step_json(w, step);
            json["config"] = o.config;
            if (analytic) json["analytic_step_s"] = analytic->step_s;
            files.write_json(path, json);
        }
    }
    files.commit();
    return 0;
}

} // namespace

Action add_workload_command(CLI::App& app) {
    auto o = std::make_shared<WorkloadOptions>();
    auto* cmd = app.add_subcommand("workload", "Simulate one step of a hybrid-parallel workload (tp/ep/dp/pp groups, "
                                               "compute, collectives, pipeline sends) on a supernode");
    cmd->add_option("workload", o->workload, "workload file (docs/workloads.md; examples in configs/workloads/)")
        ->required();
    cmd->add_option("--config", o->config,
                    "supernode config (default: the 128-chip Panjiu AL128 preset); its communicator, routing, "
                    "algorithm and cost model apply");
    cmd->add_option("--engine", o->engine,
                    "simgrid (discrete events, default), analytic (an estimate unless it says exact) or both (the "
                    "discrete-event step, then the analytic step time and their difference)");
    cmd->add_option("--cfg", o->simgrid_cfg, "SimGrid setting KEY:VALUE, applied after snsim's defaults (repeatable)")
        ->type_name("KEY:VALUE");
    cmd->add_option("--busiest", o->busiest, "how many of the busiest cable directions to list (default 5)")
        ->check(CLI::Range(std::size_t{0}, kMostBusiest));
    cmd->add_option("--csv", o->csv, "also write one row per op as CSV to FILE")->type_name("FILE");
    cmd->add_option("--json", o->json, "also write the whole report as JSON to FILE")->type_name("FILE");
    cmd->add_option("--trace", o->trace,
                    fmt::format("also write a Chrome trace (JSON; Perfetto, chrome://tracing) to FILE: a track per "
                                "rank, at most the first {}, a slice per op run",
                                workload::kTraceRanks))
        ->type_name("FILE");
    cmd->footer("Times in microseconds; comm = how long a group kind's ops ran on a rank, exposed = the part of it no "
                "compute of that rank overlapped, both averaged over ranks. Exit code 2 on bad input.");
    return [cmd, o] {
        if (!*cmd) return -1;
        if (!o->engine.empty() && o->engine != "simgrid" && o->engine != "analytic" && o->engine != "both")
            throw InputError(fmt::format("--engine \"{}\": expected simgrid, analytic or both", o->engine));
        for (const auto& [option, path] : {std::pair{"--csv", &o->csv}, {"--json", &o->json}, {"--trace", &o->trace}})
            if (cmd->count(option) > 0) o->outputs.emplace_back(option, *path);
        return run(*o);
    };
}

} // namespace snsim::cli
