// snsim calibrate MEASURED --config X: fit config keys to measured collective performance (sim/calibration).
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "sim/calibration/calibration.hpp"
#include "sim/calibration/plot.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/experiment_options.hpp"
#include "sim/config/sizes.hpp"
#include "sim/report/output_file.hpp"
#include "topologies/errors.hpp"
#include "topologies/text.hpp"
#include "topologies/units.hpp"

namespace snsim::cli {
namespace {

struct CalibrateOptions {
    std::string measured, config, fit, train_sizes, out;
    ExperimentFlags flags;
};

std::string value_text(const calibration::FittedKey& k, double v) {
    if (k.type == config::KeyType::Time) return units::format_time(v);
    if (k.type == config::KeyType::Bandwidth) return units::format_bandwidth(v);
    return fmt::format("{:.6g}", v);
}

void print(const calibration::Calibration& c, const calibration::Measured& m) {
    std::cout << fmt::format("# fitted on {} of {} measured sizes ({} model evaluations, objective {:.3e}: the sum "
                             "of squared log ratios of simulated to measured time)\n",
                             c.trained(), c.sizes.size(), c.evaluations, c.objective);
    for (const auto& k : c.keys)
        std::cout << fmt::format("{:<28} = {:>14}   (start {})\n", k.key, value_text(k, k.value),
                                 value_text(k, k.start));
    std::cout << fmt::format("\n{:>12}  {:>14}  {:>15}  {:>8}  {:<9} {}\n", "size(B)", "measured(GB/s)",
                             "simulated(GB/s)", "error", "protocol", "");
    for (const auto& s : c.sizes)
        std::cout << fmt::format("{:>12}  {:>14.2f}  {:>15.2f}  {:>+7.2f}%  {:<9} {}\n", s.size_bytes,
                                 s.measured_busbw_Bps / 1e9, s.simulated_busbw_Bps / 1e9, 100 * s.error,
                                 s.protocol.empty() ? "-" : s.protocol, s.trained ? "trained on" : "");
    std::cout << fmt::format("\nheld out ({} sizes): mean absolute percentage error {:.2f}%, worst {:.2f}% at {} B "
                             "({})\n",
                             c.sizes.size() - c.trained(), 100 * c.mape, 100 * c.worst, c.worst_size, m.file);
}

void write_outputs(const CalibrateOptions& o, const calibration::Calibration& c) {
    namespace fs = std::filesystem;
    report::OutputSet files({{"--out", o.out + "/fitted.yaml"},
                             {"--out", o.out + "/calibration.csv"},
                             {"--out", o.out + "/calibration.svg"}},
                            o.out, {o.measured, o.config});
    const std::string comment = fmt::format(
        "# Fitted by: snsim calibrate {} --config {}{}{}\n# on {} sizes; held-out mean absolute percentage error "
        "{:.2f}%, worst {:.2f}%. Include it from a config: `include: fitted.yaml`.\n",
        o.measured, o.config, o.fit.empty() ? "" : " --fit " + o.fit,
        o.train_sizes.empty() ? "" : " --train-sizes " + o.train_sizes, c.trained(), 100 * c.mape, 100 * c.worst);
    files.write(o.out + "/fitted.yaml", [&](std::ostream& out) { out << calibration::fragment(c, comment); });
    files.write(o.out + "/calibration.csv", [&](std::ostream& out) {
        out << "size_bytes,measured_busbw_gbps,simulated_busbw_gbps,error,trained,protocol\n";
        for (const auto& s : c.sizes)
            out << fmt::format("{},{:.9g},{:.9g},{:.9g},{},{}\n", s.size_bytes, s.measured_busbw_Bps / 1e9,
                               s.simulated_busbw_Bps / 1e9, s.error, s.trained ? 1 : 0, s.protocol);
    });
    files.write(o.out + "/calibration.svg", [&](std::ostream& out) {
        out << calibration::busbw_svg(c,
                                      fmt::format("{}: measured vs snsim", fs::path(o.measured).filename().string()));
    });
    files.commit();
    std::cout << fmt::format("wrote {0}/fitted.yaml, {0}/calibration.csv, {0}/calibration.svg\n", o.out);
}

int calibrate(const CalibrateOptions& o) {
    // Refuse an --out that cannot be made before any work (the directory itself is made at the end).
    if (!o.out.empty()) {
        const std::filesystem::path out(o.out);
        if (std::filesystem::exists(out) && !std::filesystem::is_directory(out))
            throw InputError(fmt::format("--out \"{}\": exists and is not a directory", o.out));
        // A file in it when it exists; else the directory's own path, whose parent must exist and be writable.
        report::check_writable("--out", std::filesystem::exists(out) ? (out / "fitted.yaml").string() : o.out);
    }
    const calibration::Measured measured = calibration::read_measured(o.measured);
    calibration::CalibrationRequest request;
    request.config_path = o.config;
    ExperimentFlags flags = o.flags;
    if (!flags.sizes.empty())
        throw InputError(fmt::format("--sizes \"{}\": calibrate simulates the measured sizes; choose the ones to fit "
                                     "on with --train-sizes",
                                     flags.sizes));
    // The file's collective when the command line names none (nccl-tests names its test).
    if (flags.collective.empty() && measured.collective)
        flags.collective = std::string(to_string(*measured.collective));
    if (flags.engine.empty()) flags.engine = "analytic";
    if (flags.engine == "both")
        throw InputError("--engine \"both\": calibrate fits one engine's times; choose simgrid or analytic");
    request.experiment = [flags](const config::Config& c) { return experiment_of(c, flags); };
    if (!o.fit.empty())
        for (auto key : split(o.fit, ','))
            request.fit.emplace_back(key);
    if (!o.train_sizes.empty()) {
        try {
            request.train_sizes = config::parse_sizes(o.train_sizes);
        } catch (const units::UnitError& e) {
            throw InputError(fmt::format("--train-sizes \"{}\": {}", o.train_sizes, e.what()));
        }
    }
    const auto result = calibration::calibrate(measured, request);
    print(result, measured);
    if (!o.out.empty()) write_outputs(o, result);
    return 0;
}

} // namespace

Action add_calibrate_command(CLI::App& app) {
    auto o = std::make_shared<CalibrateOptions>();
    auto* cmd = app.add_subcommand(
        "calibrate", "Fit cost-model keys of a config to measured collective performance (nccl-tests output or a "
                     "CSV size_bytes,busbw_gbps), then report the error on every size not fitted on");
    cmd->add_option("measured", o->measured, "nccl-tests / rccl-tests output, or a CSV size_bytes,busbw_gbps")
        ->required();
    cmd->add_option("--config", o->config, "the config of the measured system (its topology and cost model)")
        ->required();
    add_experiment_options(*cmd, o->flags);
    cmd->add_option("--fit", o->fit,
                    "config keys to fit, comma-separated (default: each of cost.protocols' latency, cost.efficiency "
                    "and cost.launch_interval; without protocols cost.alpha and cost.efficiency)")
        ->type_name("KEY,...");
    cmd->add_option("--train-sizes", o->train_sizes,
                    "measured sizes to fit on, e.g. 8K,2M,64M,2G (default: four spread over the measured range)")
        ->type_name("SIZES");
    cmd->add_option("--out", o->out, "write DIR/fitted.yaml (a fragment to include), calibration.csv and .svg")
        ->type_name("DIR");
    cmd->footer("The engine defaults to analytic here (exact where no cable is shared within a step; --engine "
                "simgrid to fit the discrete-event engine). Deterministic: the same inputs give the same values to "
                "the last digit. Exit code 2 on bad input. docs/cost-model.md, docs/validation.md.");
    return [cmd, o] {
        if (!*cmd) return -1;
        return calibrate(*o);
    };
}

} // namespace snsim::cli
