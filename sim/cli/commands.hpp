#pragma once
// The CLI's subcommands. Each registers its options on the CLI11 app and returns the action to run after
// parsing; actions throw InputError for bad input and return the process exit code.
#include <cstddef>
#include <functional>

#include <CLI/CLI.hpp>

namespace snsim::cli {

using Action = std::function<int()>;

// --busiest N: a listing, not a limit on work; above this it is a typo (or 2^64, or -1 read as unsigned).
inline constexpr std::size_t kMostBusiest = 1'000'000;

Action add_topo_command(CLI::App& app);
Action add_run_command(CLI::App& app);
Action add_compare_command(CLI::App& app);
Action add_keys_command(CLI::App& app);
Action add_sweep_command(CLI::App& app);
Action add_calibrate_command(CLI::App& app);
Action add_workload_command(CLI::App& app);

} // namespace snsim::cli
