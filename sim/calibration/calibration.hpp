#pragma once
// `snsim calibrate`: fit named config keys so that the model reproduces measured collective performance on a few
// training sizes, then report how well it predicts every size it was not fitted on (docs/cost-model.md).
//
// The model of a size is exactly what `snsim run` computes for the config with the fitted keys overridden
// (Config::load with overrides: a value is validated like a written one), so a fitted fragment included in the
// config reproduces the reported errors. The objective is the sum over training sizes of the squared log ratio of
// simulated to measured time (the same as of bus bandwidths), which weighs a 2x error the same at 1 KiB and at
// 8 GiB.
#include <functional>
#include <string>
#include <vector>

#include "sim/calibration/measured.hpp"
#include "sim/config/config.hpp"
#include "sim/experiment/experiment.hpp"

namespace snsim::calibration {

struct CalibrationRequest {
    std::string config_path;
    // The experiment the config describes (collective, algorithm, engine from the command line); sizes are set here.
    std::function<Experiment(const config::Config&)> experiment;
    std::vector<std::string> fit;    // config keys of type time, bandwidth or number; empty: default_fit()
    std::vector<double> train_sizes; // each one of the measured sizes; empty: default_train_sizes()
};

struct FittedKey {
    std::string key;
    config::KeyType type;
    double start = 0, value = 0;
};

struct SizeResult {
    double size_bytes = 0;
    double measured_busbw_Bps = 0, simulated_busbw_Bps = 0;
    double error = 0; // simulated / measured - 1
    bool trained = false;
    std::string protocol;
};

struct Calibration {
    std::vector<FittedKey> keys;
    // Keys of the measured config the fragment carries besides the fitted ones, as YAML values: a fitted
    // cost.<protocol>.* key needs cost.protocols and its protocol's other given keys, so that a config that does
    // not list the same protocols can include the fragment.
    std::vector<std::pair<std::string, std::string>> carried;
    std::vector<SizeResult> sizes; // every measured size, in order
    double mape = 0, worst = 0;    // over the sizes not trained on (absolute errors)
    double worst_size = 0;
    double objective = 0;
    std::size_t evaluations = 0;
    std::size_t trained() const; // how many of `sizes` were trained on
};

// The keys fitted when none are named: with cost.protocols, each protocol's latency, cost.efficiency and
// cost.launch_interval; without, cost.alpha and cost.efficiency (the plain alpha-beta model).
std::vector<std::string> default_fit(const config::Config& config);
// Four measured sizes at 1/8, 3/8, 5/8 and 7/8 of the measured range on a log scale.
std::vector<double> default_train_sizes(const Measured& measured);

// Throws InputError for a key that cannot be fitted, a training size that was not measured, no size left to test
// on, or a measured collective other than the experiment's.
Calibration calibrate(const Measured& measured, const CalibrationRequest& request);

// The fitted keys as a YAML fragment a config can include (values to the last digit, with their units).
std::string fragment(const Calibration& calibration, const std::string& comment);

} // namespace snsim::calibration
