// The cost model (sim/engine/cost_model.hpp, the cost.* keys) against closed forms: a ring allreduce on one switch
// takes 2(p-1) steps of alpha + protocol latency + 2 cable latencies + switch latency + (S/p) / (B x efficiency x
// protocol efficiency); the protocol is the fastest that covers the size; the launch interval is a floor; a
// reduction bandwidth caps the reduce-scatter's messages only; chunk_size pipelines. Both engines.
#include <catch2/catch.hpp>

#include <cmath>

#include "sim/cli/experiment_options.hpp"
#include "sim/config/run_request.hpp"
#include "sim/config/topology_request.hpp"
#include "support.hpp"

using namespace snsim;

namespace {

constexpr double kB = 100e9, kL = 250e-9, kP = 8;

const std::string kSwitch = "topology:\n  kind: switched\n  chips: 8\n  link: {bandwidth: 100GB/s, latency: 250ns}\n";

std::vector<report::RunRow> rows(const std::string& yaml, const std::string& engine, const std::string& sizes,
                                 const std::string& collective = "allreduce") {
    test::TempDir dir;
    const auto config = config::Config::load(dir.write("c.yaml", yaml));
    const Topology t = config::build_topology(config);
    cli::ExperimentFlags flags;
    flags.engine = engine;
    flags.sizes = sizes;
    flags.collective = collective;
    const Experiment x = cli::experiment_of(config, flags);
    return run_experiment(t, config::communicator(config, t), x, [](const report::RunRow&) {}).rows;
}

// One step of the ring: latencies, then S/p bytes at `rate`.
double ring(double size, double latency, double rate) {
    return 2 * (kP - 1) * (latency + 2 * kL + size / kP / rate);
}

double relative(double got, double want) {
    return std::abs(got - want) / want;
}

} // namespace

TEST_CASE("cost model: protocols, switch latency and the launch interval against the closed form", "[cost]") {
    const auto engine = GENERATE(std::string("simgrid"), std::string("analytic"));
    INFO(engine);
    const std::string yaml = kSwitch + "cost:\n  alpha: 1us\n  efficiency: 0.8\n  switch_latency: 100ns\n"
                                       "  protocols: [LL, Simple]\n  LL: {latency: 500ns, efficiency: 0.5}\n"
                                       "  Simple: {latency: 4us}\n  launch_interval: 30us\n";
    const auto r = rows(yaml, engine, "1K,1M,1G");
    REQUIRE(r.size() == 3);
    const auto ll = [](double s) { return ring(s, 1e-6 + 500e-9 + 100e-9, kB * 0.8 * 0.5); };
    const auto simple = [](double s) { return ring(s, 1e-6 + 4e-6 + 100e-9, kB * 0.8); };
    // 1 KiB: LL, below the launch interval; 1 MiB: LL; 1 GiB: Simple.
    CHECK(r[0].protocol == "LL");
    CHECK(ll(1024) < 30e-6);
    CHECK(relative(r[0].time_s, 30e-6) < 1e-12);
    CHECK(r[1].protocol == "LL");
    CHECK(relative(r[1].time_s, ll(1 << 20)) < 1e-9);
    CHECK(ll(1 << 20) < simple(1 << 20));
    CHECK(r[2].protocol == "Simple");
    CHECK(relative(r[2].time_s, simple(1 << 30)) < 1e-9);

    // A size range takes precedence over speed: LL only up to 64 KiB, so 1 MiB is Simple, though slower.
    const auto ranged = rows(yaml + "  LL.max_size: 64KiB\n", engine, "1M");
    CHECK(ranged[0].protocol == "Simple");
    CHECK(relative(ranged[0].time_s, simple(1 << 20)) < 1e-9);
}

TEST_CASE("cost model: a reduction bandwidth caps the reducing messages only", "[cost]") {
    const auto engine = GENERATE(std::string("simgrid"), std::string("analytic"));
    INFO(engine);
    const std::string yaml = kSwitch + "cost:\n  reduction_bandwidth: 40GB/s\n";
    const double size = 1 << 30;
    const auto r = rows(yaml, engine, "1G");
    // Reduce-scatter: p-1 steps at 40 GB/s; allgather: p-1 steps at the cable's 100 GB/s.
    CHECK(relative(r[0].time_s, ring(size, 0, 40e9) / 2 + ring(size, 0, kB) / 2) < 1e-9);
    const auto gather = rows(yaml, engine, "1G", "allgather");
    CHECK(relative(gather[0].time_s, (kP - 1) * (2 * kL + size / kP / kB)) < 1e-9);
}

TEST_CASE("cost model: chunk_size cuts each size into pipelined chunks, at most pipeline_depth", "[cost]") {
    const std::string yaml = kSwitch + "cost:\n  chunk_size: 1MiB\n  pipeline_depth: 4\n";
    const auto r = rows(yaml, "analytic", "2M,1G");
    const double ring_flows = 2 * kP * (kP - 1);
    CHECK(r[0].flows == 2 * ring_flows); // 2 MiB: 2 chunks
    CHECK(r[1].flows == 4 * ring_flows); // 1 GiB: 1024 chunks, capped at 4
}

TEST_CASE("cost model: bad settings are refused at their key", "[cost]") {
    test::TempDir dir;
    const auto refuse = [&](const std::string& cost, const std::string& message) {
        const auto r = test::run_snsim("run " + dir.write("c.yaml", kSwitch + "cost:\n" + cost) + " --sizes 1M");
        CHECK(r.exit_code == 2);
        CHECK(test::lines(r.output) == 1);
        CHECK_THAT(r.output, Catch::Contains(message));
    };
    refuse("  protocols: [LL, Fast]\n", "c.yaml:6: cost.protocols: expected protocols among LL, LL128, Simple");
    refuse("  protocols: [LL, LL]\n", "cost.protocols: protocol listed twice");
    refuse("  LL: {latency: 1us}\n", "c.yaml:6: cost.LL.latency: LL is not in cost.protocols");
    refuse("  protocols: [LL]\n  LL: {min_size: 1M, max_size: 4K}\n", "cost.LL.max_size: is below cost.LL.min_size");
    refuse("  protocols: [LL]\n  LL: {efficiency: 2}\n", "cost.LL.efficiency: must be between 1e-6 and 1");
    refuse("  protocols: [LL]\n  LL: {max_size: 64K}\n",
           "c.yaml:6: cost.protocols: none of them is used for size 1048576 B");
    refuse("  pipeline_depth: 4\n", "cost.pipeline_depth: is used with cost.chunk_size only");
    const auto gamma = test::run_snsim("run " + dir.write("e.yaml", kSwitch + "cost: {reduction_bandwidth: 1GB/s}\n") +
                                       " --sizes 1M --cfg network/TCP-gamma:0");
    CHECK(gamma.exit_code == 2);
    CHECK_THAT(gamma.output, Catch::Contains("cost.reduction_bandwidth needs snsim's own TCP-gamma"));
    refuse("  chunk_size: 1K\n  pipeline_depth: 100000000\n", "cost.pipeline_depth: at most 4096 chunks");
    const auto both = test::run_snsim(
        "run " + dir.write("d.yaml", kSwitch + "collective: {chunks: 2}\ncost: {chunk_size: 1M}\n") + " --sizes 1M");
    CHECK(both.exit_code == 2);
    CHECK_THAT(both.output, Catch::Contains("cost.chunk_size: and collective.chunks both set the chunks"));
}
