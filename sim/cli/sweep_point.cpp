#include "sim/cli/sweep_point.hpp"

#include <fmt/format.h>

#include "sim/cli/experiment_options.hpp"
#include "sim/config/run_request.hpp"
#include "sim/config/topology_request.hpp"
#include "topologies/errors.hpp"

namespace snsim::cli {
namespace {

PreparedPoint prepare(const sweep::SweepSpec& spec, const sweep::Point& p) {
    auto config = config::Config::load(spec.config_paths[p.config], spec.overrides(p));
    Topology topology = config::build_topology(config);
    auto chips = config::communicator(config, topology);
    ExperimentFlags flags;
    flags.collective = spec.collective;
    flags.algorithm = spec.value_of(p, "collective.algorithm");
    if (!flags.algorithm.empty() && !algorithm_from(flags.algorithm)) // said as the config key it is in the spec
        throw InputError(located(spec.config_paths[p.config], 0, "collective.algorithm", flags.algorithm,
                                 "unknown algorithm (snsim run --help lists them)"));
    flags.sizes = spec.sizes;
    flags.engine = spec.engine;
    // Sizes as the rows show them (per-rank totals), so that the journal's rows match the point's sizes.
    Experiment x = per_rank_sizes(experiment_of(config, flags), static_cast<Rank>(chips.size()));
    return {std::move(config), std::move(topology), std::move(chips), std::move(x)};
}

// An error from loading a point, placed in the spec. Errors about an overridden key come as
// "config: key: reason" (overrides have no line of their own).
InputError placed(const sweep::SweepSpec& spec, const sweep::Point& p, const std::string& message) {
    const std::string& config = spec.config_paths[p.config];
    const auto about = [&](const std::string& key) { return message.rfind(config + ": " + key + ": ", 0) == 0; };
    const auto at = [&](int line) {
        return InputError(fmt::format("{}:{}: {}", spec.file, line, message.substr(config.size() + 2)));
    };
    for (std::size_t k = 0; k < spec.grid.size(); ++k)
        if (about(spec.grid[k].key)) return at(spec.grid[k].lines[p.choice[k]]);
    for (std::size_t k = 0; k < spec.set.size(); ++k)
        if (about(spec.set[k].first)) return at(spec.set_lines[k]);
    std::string values;
    for (std::size_t k = 0; k < spec.grid.size(); ++k)
        values += fmt::format("{}{}={}", k == 0 ? "" : ", ", spec.grid[k].key, spec.grid[k].values[p.choice[k]]);
    return InputError(fmt::format("{}:{}: point {} ({}{}{}): {}", spec.file, spec.config_lines[p.config], p.index,
                                  spec.configs[p.config], values.empty() ? "" : ", ", values, message));
}

} // namespace

PreparedPoint prepare_point(const sweep::SweepSpec& spec, std::size_t index) {
    const sweep::Point p = spec.point(index);
    try {
        return prepare(spec, p);
    } catch (const InputError& e) {
        throw placed(spec, p, e.what());
    }
}

sweep::PointInfo info_of(const Experiment& x) {
    return {std::string(to_string(x.collective)), std::string(to_string(x.algorithm)), x.sizes, x.seed};
}

sweep::Record run_point(const sweep::SweepSpec& spec, std::size_t index) {
    sweep::Record r;
    r.point = index;
    try {
        const PreparedPoint p = prepare(spec, spec.point(index));
        r.rows = run_experiment(p.topology, p.chips, p.experiment, [](const report::RunRow&) {}).rows;
    } catch (const InputError& e) {
        r.status = fmt::format("error: {}", e.what());
    } catch (const std::exception& e) {
        r.status = fmt::format("error: internal: {}", e.what());
    }
    if (!r.ok()) r.rows.clear();
    return r;
}

} // namespace snsim::cli
