#include "sim/cli/experiment_options.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "sim/config/run_request.hpp"
#include "sim/config/sizes.hpp"
#include "sim/engine/simgrid_settings.hpp"
#include "topologies/errors.hpp"
#include "topologies/units.hpp"

namespace snsim::cli {
namespace {

// "a, b, c": the names of every collective or algorithm.
std::string names_of(const auto& all) {
    std::vector<std::string_view> names;
    for (const auto& item : all)
        names.push_back(to_string(item));
    return fmt::format("{}", fmt::join(names, ", "));
}

// A collective or algorithm by name: from the command line when given there, else from the config key (an error
// then points at the key's line).
template <class T, class Parse>
T choice(const config::Config& c, const std::string& key, const std::string& configured, const std::string& option,
         const std::string& given, Parse parse, const auto& all) {
    const std::string& value = given.empty() ? configured : given;
    if (const auto v = parse(value)) return *v;
    const std::string reason = "expected one of " + names_of(all);
    if (given.empty()) throw c.error(key, reason);
    throw InputError(fmt::format("{} \"{}\": {}", option, value, reason));
}

} // namespace

void add_experiment_options(CLI::App& cmd, ExperimentFlags& flags, const std::string& also_algorithm) {
    cmd.add_option("--collective", flags.collective,
                   fmt::format("{} (overrides collective.name)", names_of(kCollectives)));
    cmd.add_option("--algorithm", flags.algorithm,
                   fmt::format("{}{} (docs/collectives.md; overrides collective.algorithm)", names_of(kAlgorithms),
                               also_algorithm));
    cmd.add_option("--sizes", flags.sizes,
                   "message sizes, e.g. 1K:8G:x2, 1M:64M:+1M, 256M or 1M,4M (overrides collective.sizes)");
    cmd.add_option("--size-per", flags.size_per,
                   "alltoall: rank (a size is what each rank sends in all, as nccl-tests) or pair (what each rank "
                   "sends to each rank; rows show the per-rank total) (overrides collective.size_per)")
        ->check(CLI::IsMember({"rank", "pair"}));
    cmd.add_option(
        "--engine", flags.engine,
        "simgrid (discrete events, default), analytic (per wave, step + pipeline chunk, from cable loads; rows say "
        "exact or estimate, docs/architecture.md) or both (each size on both: the discrete-event time, the analytic "
        "time and their relative difference, marked * above 1%)");
    cmd.add_option("--cfg", flags.simgrid_cfg, "SimGrid setting KEY:VALUE, applied after snsim's defaults (repeatable)")
        ->type_name("KEY:VALUE");
    cmd.add_flag("--no-coalesce", flags.no_coalesce,
                 "simulate every step of ring phases, even those that provably run in lockstep (by default such a "
                 "phase is one flow per pair: the same time, far fewer flows; docs/architecture.md)");
}

Experiment experiment_of(const config::Config& c, const ExperimentFlags& o) {
    const config::RunRequest r = config::run_request(c);
    Experiment x;
    x.collective = choice<Collective>(c, "collective.name", r.collective, "--collective", o.collective, collective_from,
                                      kCollectives);
    // --collective alone, naming a collective the config's algorithm does not implement (alltoall on a ring
    // preset): the first algorithm that implements it (ring, else direct), said on stderr.
    const auto configured = algorithm_from(r.algorithm);
    const bool fallback = !o.collective.empty() && o.algorithm.empty() && configured &&
                          !supports(*configured, x.collective);
    x.algorithm = fallback ? *std::find_if(kAlgorithms.begin(), kAlgorithms.end(),
                                           [&](Algorithm a) { return supports(a, x.collective); })
                           : choice<Algorithm>(c, "collective.algorithm", r.algorithm, "--algorithm", o.algorithm,
                                               algorithm_from, kAlgorithms);
    if (const auto log = spdlog::get("cli"); fallback && log) // on stderr (sim/cli/main.cpp)
        log->warn("--collective {}: the config's algorithm {} does not implement it; using {} (--algorithm chooses "
                  "another)",
                  o.collective, r.algorithm, to_string(x.algorithm));
    x.sizes = r.sizes;
    x.sizes_per_pair = o.size_per.empty() ? r.sizes_per_pair : o.size_per == "pair";
    if (x.sizes_per_pair && x.collective != Collective::alltoall) {
        if (!o.size_per.empty())
            throw InputError(fmt::format("--size-per pair: applies to alltoall only, not {}", to_string(x.collective)));
        throw c.error("collective.size_per", fmt::format("pair applies to alltoall only, not {}",
                                                         to_string(x.collective)));
    }
    if (!o.sizes.empty()) {
        try {
            x.sizes = config::parse_sizes(o.sizes);
        } catch (const units::UnitError& e) {
            throw InputError(fmt::format("--sizes \"{}\": {}", o.sizes, e.what()));
        }
    }
    x.params.root = r.root;
    x.params.chunks = r.chunks;
    x.params.channels = r.channels;
    x.params.dims = r.dims;
    // An algorithm chosen on the command line drops the config's parameters it does not take (a preset's dims
    // for hierarchical, say); in the config itself they stay errors.
    const bool chosen_here = !o.algorithm.empty() || fallback;
    if (chosen_here && x.algorithm != Algorithm::hierarchical && x.algorithm != Algorithm::multidim)
        x.params.dims.clear();
    if (chosen_here && x.algorithm != Algorithm::multi_ring) x.params.channels = 1;
    x.routing = r.routing;
    x.seed = static_cast<std::uint64_t>(c.integer("seed"));
    x.engine = r.engine;
    x.cost = r.cost;
    x.peak_flops = r.peak_flops;
    x.memory_bandwidth = r.memory_bandwidth;
    // Every size must have a protocol before any is simulated.
    if (const auto why = x.cost.refusal(x.sizes)) throw c.error("cost.protocols", *why);
    // Here, in the parent: a bad value would kill the simulation child.
    x.engine.simgrid_cfg = check_simgrid_settings(o.simgrid_cfg);
    x.coalesce_steps = !o.no_coalesce;
    x.both_engines = o.engine == "both";
    if (!o.engine.empty() && !x.both_engines) {
        const auto kind = engine_from(o.engine);
        if (!kind) throw InputError(fmt::format("--engine \"{}\": expected simgrid, analytic or both", o.engine));
        x.engine.kind = *kind;
    }
    // The analytic engine has no SimGrid: settings for it would be silently ignored.
    if (x.engine.kind == EngineKind::analytic && !x.both_engines && !o.simgrid_cfg.empty())
        throw InputError(fmt::format("--cfg \"{}\": SimGrid settings apply to the discrete-event engine only, and "
                                     "this run uses the analytic engine (--engine simgrid or both to use them)",
                                     o.simgrid_cfg.front()));
    return x;
}

InputError located_param(const config::Config& config, const ExperimentFlags& flags, const CollectiveParamError& e) {
    const std::string reason = e.what();
    if (e.key() == "algorithm" && !flags.algorithm.empty())
        return InputError(one_line(fmt::format("--algorithm \"{}\": {}", flags.algorithm, reason)));
    const std::string key = "collective." + e.key();
    // The value as the user wrote it when given; a default is named by its value.
    if (config.given(key)) return config.error(key, reason);
    return config.error(key, e.value(), reason);
}

} // namespace snsim::cli
