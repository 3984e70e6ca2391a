#pragma once
// An experiment file (configs/experiments/), the input of `snsim compare FILE`: a map with the key `compare`
// holding `configs` (paths relative to the file) and optionally collective, algorithm, sizes, vary, out, and `set`
// (config keys and values applied to every config, e.g. communicator.count: 128). A file without the key
// `compare` is a config, which the config loader reads.
#include <optional>
#include <string>
#include <vector>

#include "sim/config/config.hpp"

namespace snsim::config {

struct ExperimentFile {
    std::vector<std::string> configs; // resolved against the file's directory
    std::string collective, algorithm, sizes, vary, out;
    Config::Overrides set;
};

// Throws InputError "file:line: compare.key: reason" for an experiment file of the wrong shape; nullopt when the
// text is not one (not YAML within the bounds, or no `compare` key: the config loader then reports it).
std::optional<ExperimentFile> parse_experiment_file(const std::string& text, const std::string& file);
// parse_experiment_file of the file's text; nullopt also when the file cannot be read.
std::optional<ExperimentFile> read_experiment_file(const std::string& file);

} // namespace snsim::config
