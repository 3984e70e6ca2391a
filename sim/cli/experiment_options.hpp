#pragma once
// What `snsim run` and `snsim compare` share: the experiment a config describes, with the command line's
// overrides of collective, algorithm, sizes and SimGrid settings.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "sim/config/config.hpp"
#include "sim/experiment/experiment.hpp"

namespace snsim::cli {

struct ExperimentFlags {
    std::string collective, algorithm, sizes; // empty: the config's
    std::string size_per;                     // rank or pair (alltoall); empty: the config's
    std::string engine;                       // simgrid (default), analytic or both
    std::vector<std::string> simgrid_cfg;
    bool no_coalesce = false;
};

// Registers --collective, --algorithm, --sizes, --size-per, --engine, --cfg and --no-coalesce on `cmd`; `also_algorithm` is
// appended to the list of algorithm names in --algorithm's help (compare's "best").
void add_experiment_options(CLI::App& cmd, ExperimentFlags& flags, const std::string& also_algorithm = "");

// Throws InputError naming the flag, or the config key at its line, when a choice is not valid. An algorithm
// given in `flags` drops the config's dims and channels when it does not take them.
Experiment experiment_of(const config::Config& config, const ExperimentFlags& flags);

// The error a refused collective parameter (sim/collectives/collective.hpp) becomes: at the flag that gave it
// (--algorithm), else at its config key collective.<key> and line.
InputError located_param(const config::Config& config, const ExperimentFlags& flags, const CollectiveParamError& e);

// Runs `work` (which simulates the experiment of `config`), placing a CollectiveParamError with located_param.
template <class Work>
auto with_params_located(const config::Config& config, const ExperimentFlags& flags, Work&& work) {
    try {
        return work();
    } catch (const CollectiveParamError& e) {
        throw located_param(config, flags, e);
    }
}

} // namespace snsim::cli
