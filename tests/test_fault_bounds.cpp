// Bounds and the analytic engine under faults (issue 14, item 2). On every preset in configs/presets/, healthy and
// with three faults (one degraded cable, plane 0 failed, 2% of the cables failed at random), the preset's default
// collective and algorithm at one size run on both engines (--engine both): both times are at least the bound
// (sim/report/bounds.hpp: it can never be beaten), and the analytic engine is within 1% of the discrete-event engine
// or says its time is an estimate (sim/engine/analytic.hpp). The table of disagreements is printed.
//
// Size of what is simulated, so that the whole case stays well under a minute: 16 MiB (the discrete-event engine's
// time grows with flows, not bytes), and on the presets of more than 64 chips a communicator of some of them: the
// first 32 for a flat algorithm (4 CloudMatrix384 nodes, a quarter of AL128), or for hierarchical the preset's own
// rank grid up to about 100 ranks times 2 of the next level (two boards, racks or slices; for a Clos rack of 64 or
// 88 chips, every 8th chip of two racks). Faults break step coalescing, and the discrete-event engine would then
// simulate every step of up to millions of flows on the whole machines; the cables and faults around these chips
// are the whole machine's. bench/fault_bounds prints the full-size figures.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/cli/experiment_options.hpp"
#include "sim/config/run_request.hpp"
#include "sim/config/topology_request.hpp"
#include "sim/experiment/experiment.hpp"
#include "topologies/errors.hpp"

using namespace snsim;

namespace {

std::vector<std::string> presets() {
    std::vector<std::string> out;
    for (const auto& entry : std::filesystem::directory_iterator(std::string(SNSIM_SOURCE_DIR) + "/configs/presets"))
        if (entry.path().extension() == ".yaml") out.push_back(entry.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

// A communicator of a preset of more than 64 chips: its first 32 chips for a flat algorithm; for multidim the first
// two dimensions of its grid (a board, a torus plane; see below); for hierarchical the preset's rank grid up to about 100 ranks times 2 of the next level (two boards, racks or slices), and where the
// first level is a Clos rack of 64 or 88 chips, every 8th chip of two racks (a grid of 8 or 11 x 2).
config::Config::Overrides subset(const std::string& path) {
    const auto c = config::Config::load(path);
    const Topology t = config::build_topology(c);
    if (t.count(NodeKind::Chip) <= 64) return {};
    const auto request = config::run_request(c);
    // multidim: its first two dimensions (whole lines of both), up to 64 ranks. A 16x16 torus plane with 2% of its
    // cables failed falls back to direct phases over multi-hop routes (77 s on the discrete-event engine): the
    // TPU v4 pod's plane gets a ring on 32 chips instead, the 8x8 planes of the same design stay multidim.
    if (request.algorithm == "multidim" && request.dims.size() >= 2 && request.dims[0] * request.dims[1] <= 64)
        return {{"communicator.count", std::to_string(request.dims[0] * request.dims[1])},
                {"collective.dims", fmt::format("[{}, {}]", request.dims[0], request.dims[1])}};
    if (request.algorithm == "multidim")
        return {{"communicator.count", "32"}, {"collective.algorithm", "ring"}, {"collective.dims", "[]"}};
    if (request.algorithm != "hierarchical") return {{"communicator.count", "32"}};
    const Rank first = request.dims.front();
    if (first > 16 && first % 8 == 0)
        return {{"communicator.stride", "8"},
                {"communicator.count", std::to_string(2 * first / 8)},
                {"collective.dims", fmt::format("[{}, 2]", first / 8)}};
    std::vector<Rank> dims;
    Rank count = 1;
    for (Rank d : request.dims)
        if (count * d <= 100) dims.push_back(d), count *= d;
    dims.push_back(2);
    return {{"communicator.count", std::to_string(2 * count)},
            {"collective.dims", fmt::format("[{}]", fmt::join(dims, ", "))}};
}

// "A - B": the first cable of the communicator's first chip.
std::string first_cable(const std::string& path, const config::Config::Overrides& base) {
    const auto c = config::Config::load(path, base);
    const Topology t = config::build_topology(c);
    const auto chip = config::communicator(c, t).front();
    const auto [e, end] = boost::out_edges(chip, t.graph());
    return fmt::format("[\"{} - {}\"]", t.node(chip).name, t.node(boost::target(*e, t.graph())).name);
}

struct Fault {
    std::string name;
    config::Config::Overrides overrides;
};

std::vector<Fault> faults(const std::string& path, const config::Config::Overrides& base) {
    return {{"healthy", {}},
            {"one degraded cable", {{"faults.degrade.links", first_cable(path, base)}}},
            {"plane 0 failed", {{"faults.planes", "[0]"}}},
            {"2% cables failed", {{"faults.random.kind", "links"}, {"faults.random.fraction", "0.02"}}}};
}

} // namespace

TEST_CASE("fault bounds: on every preset, healthy and faulty, both engines take at least the bound and the analytic "
          "engine agrees within 1% or says it estimates",
          "[faults_bounds]") {
    const double size = 16 * 1024 * 1024;
    std::cout << "analytic vs discrete-event engine at 16 MiB, default collective and algorithm (time in us):\n"
              << fmt::format("  {:<16} {:<20} {:>6} {:>12} {:>12} {:>12} {:>9}  {}\n", "preset", "faults", "ranks",
                             "bound", "simgrid", "analytic", "diff", "model");
    for (const auto& path : presets()) {
        const auto base = subset(path);
        const std::string name = std::filesystem::path(path).stem().string();
        for (const auto& fault : faults(path, base)) {
            auto overrides = base;
            overrides.insert(overrides.end(), fault.overrides.begin(), fault.overrides.end());
            std::optional<config::Config> c;
            std::optional<Topology> built;
            try {
                c = config::Config::load(path, overrides);
                built = config::build_topology(*c);
            } catch (const InputError& e) { // a fabric without planes
                std::cout << fmt::format("  {:<16} {:<20} not applicable: {}\n", name, fault.name, e.what());
                CHECK(fault.name == "plane 0 failed");
                continue;
            }
            const Topology& t = *built;
            const auto chips = config::communicator(*c, t);
            Experiment x = cli::experiment_of(*c, {.sizes = "16M", .engine = "both"});
            x.sizes = {size};
            const auto begin = std::chrono::steady_clock::now();
            const auto row = run_experiment(t, chips, x, [](const report::RunRow&) {}).rows.front();
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
            const double diff = report::engine_difference(row);
            std::cout << fmt::format("  {:<16} {:<20} {:>6} {:>12.3f} {:>12.3f} {:>12.3f} {:>+8.3f}%  {:<8} {:.2f} s\n",
                                     name, fault.name, chips.size(), row.bound_s * 1e6, row.time_s * 1e6,
                                     row.analytic_time_s * 1e6, 100 * diff, row.estimate ? "estimate" : "exact",
                                     seconds)
                      << std::flush;
            INFO(name << ", " << fault.name);
            CHECK(row.time_s >= row.bound_s * (1 - 1e-12));
            CHECK(row.analytic_time_s >= row.bound_s * (1 - 1e-12));
            CHECK((std::abs(diff) < report::kEnginesAgree || row.estimate));
        }
    }
}
