// Workloads (sim/workload): a step of a hybrid-parallel job against truth the code did not produce: snsim run's
// time for one collective, groups apart, max-min sharing by hand, the pipeline bubble's closed form, the listed
// alltoall, and which cables each group kind crosses.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "sim/cli/experiment_options.hpp"
#include "sim/config/communicator.hpp"
#include "sim/config/config.hpp"
#include "sim/config/topology_request.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/workload/placement.hpp"
#include "sim/workload/step.hpp"
#include "tests/support.hpp"
#include "topologies/generators/generators.hpp"
#include "topologies/units.hpp"

using namespace snsim;
using namespace snsim::workload;

namespace {

constexpr double kB = 50e9, kLat = 300e-9;
const LinkSpec k50{kB, kLat, LinkKind::Electrical};
constexpr std::array kEngines{EngineKind::simgrid, EngineKind::analytic};

double relative(double got, double want) {
    return std::abs(got - want) / want;
}

Workload parsed(const std::string& text) {
    return parse_workload(text, "w.yaml");
}

StepResult step(const std::string& text, const Topology& t, EngineKind engine, RoutingOptions routing = {}) {
    Experiment base;
    base.engine.kind = engine;
    base.routing = routing;
    return run_step(parsed(text), t, t.nodes_of(NodeKind::Chip), base);
}

std::string preset(const std::string& name) {
    return std::string(SNSIM_SOURCE_DIR) + "/configs/presets/" + name + ".yaml";
}

} // namespace

TEST_CASE("workload: one collective takes snsim run's time", "[workload]") {
    const Topology t = switched({8, 2, 1, 1, k50});
    const double S = 64 * 1024 * 1024;
    for (EngineKind engine : kEngines) {
        INFO(to_string(engine));
        Experiment x{Collective::allreduce, Algorithm::ring, {S}, {}, {}, {.kind = engine}};
        const auto run = run_experiment(t, t.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {});
        const StepResult s = step("workload:\n  parallel: {tp: 8}\n  program:\n    - {allreduce: tp, bytes: 64MiB}\n",
                                  t, engine);
        CHECK(relative(s.step_s, run.rows.at(0).time_s) < 1e-9);
        CHECK(s.compute_s == 0);
        CHECK(relative(s.kinds[GroupKind::of(Dim::tp).index()].comm_s, s.step_s) < 1e-9);
        CHECK(relative(s.exposed_s, s.step_s) < 1e-9);
    }
}

TEST_CASE("workload: in-switch reduction on every group at once takes snsim run's time for one", "[workload]") {
    // 8 chips on 2 planes of one switch chip each: both switches reduce for every group, through each chip's own
    // cables, so two tp groups of 4 take one group's time.
    const Topology t = switched({8, 2, 1, 1, k50});
    const double S = 64 * 1024 * 1024;
    const auto chips = t.nodes_of(NodeKind::Chip);
    for (EngineKind engine : kEngines) {
        INFO(to_string(engine));
        Experiment x{Collective::allreduce, Algorithm::in_switch, {S}, {}, {}, {.kind = engine}};
        const auto all = run_experiment(t, chips, x, [](const report::RunRow&) {});
        const auto four = run_experiment(t, {chips.begin(), chips.begin() + 4}, x, [](const report::RunRow&) {});
        const StepResult one = step("workload:\n  parallel: {tp: 8}\n  program:\n"
                                    "    - {allreduce: tp, bytes: 64MiB, algorithm: in_switch}\n",
                                    t, engine);
        CHECK(relative(one.step_s, all.rows.at(0).time_s) < 1e-9);
        const StepResult two = step("workload:\n  parallel: {tp: 4, dp: 2}\n  program:\n"
                                    "    - {allreduce: tp, bytes: 64MiB, algorithm: in_switch}\n",
                                    t, engine);
        CHECK(relative(two.step_s, four.rows.at(0).time_s) < 1e-9);
    }
    // A group whose chips no switch reaches all of is refused at its op's line.
    const Topology ring = torus({{8}, true, {}, 1, k50});
    CHECK_THROWS_WITH(step("workload:\n  parallel: {tp: 8}\n  program:\n"
                           "    - {allreduce: tp, bytes: 64MiB, algorithm: in_switch}\n",
                           ring, EngineKind::analytic),
                      Catch::Contains("w.yaml:4:") && Catch::Contains("in_switch on a tp group of 8 ranks"));
}

TEST_CASE("workload: a group kind of several dimensions (ep+dp) is the ranks that share the others", "[workload]") {
    // tp 2, ep 2, dp 2 in the default order: rank = tp + 2 ep + 4 dp. By hand: ep+dp groups share the tp
    // coordinate; ep groups share tp and dp.
    const Workload w = parsed("workload:\n  parallel: {tp: 2, ep: 2, dp: 2}\n  program:\n    - allreduce: dp+ep\n"
                              "      bytes: 1M\n");
    REQUIRE(w.ops[0].group == GroupKind{static_cast<std::uint8_t>(GroupKind::of(Dim::ep).dims | GroupKind::of(Dim::dp).dims)});
    CHECK(to_string(w.ops[0].group) == "ep+dp");
    const Placement placement(w, 8);
    CHECK(placement.groups(w.ops[0].group) == std::vector<std::vector<Rank>>{{0, 2, 4, 6}, {1, 3, 5, 7}});
    CHECK(placement.groups(GroupKind::of(Dim::ep)) == std::vector<std::vector<Rank>>{{0, 2}, {1, 3}, {4, 6}, {5, 7}});
    CHECK_FALSE(group_from("dp+dp"));
    CHECK_FALSE(group_from("dp+"));
    // Two allreduces of 4 ranks, each alone on its own cables of an 8-chip full mesh: snsim run's 4-rank time.
    const Topology t = full_mesh({8, 1, k50});
    for (EngineKind engine : kEngines) {
        const StepResult s = step("workload:\n  parallel: {tp: 2, ep: 2, dp: 2}\n  program:\n    - allreduce: ep+dp\n"
                                  "      bytes: 1M\n", t, engine);
        Experiment x;
        x.collective = Collective::allreduce;
        x.algorithm = Algorithm::ring;
        x.sizes = {1 << 20};
        x.engine.kind = engine;
        const auto ranks = placement.groups(w.ops[0].group)[0];
        std::vector<Topology::Vertex> chips;
        for (Rank r : ranks)
            chips.push_back(t.nodes_of(NodeKind::Chip)[r]);
        const double alone = run_experiment(t, chips, x, [](const report::RunRow&) {}).rows[0].time_s;
        INFO(to_string(engine));
        CHECK(relative(s.step_s, alone) < 1e-9);
    }
}

TEST_CASE("workload: groups that share no cable direction each take one group's time", "[workload]") {
    // 32 chips on one switch: every chip has its own cable, so 4 tp groups of 8 share no cable direction.
    const Topology one = switched({8, 1, 1, 1, k50});
    const Topology four = switched({32, 1, 1, 1, k50});
    const std::string program = "  program:\n    - {allreduce: tp, bytes: 16MiB}\n    - {compute: 10us}\n"
                                "    - {alltoall: tp, bytes: 8MiB}\n";
    for (EngineKind engine : kEngines) {
        INFO(to_string(engine));
        const StepResult alone = step("workload:\n  parallel: {tp: 8}\n" + program, one, engine);
        const StepResult together = step("workload:\n  parallel: {tp: 8, dp: 4}\n" + program, four, engine);
        CHECK(together.ranks == 32);
        CHECK(relative(together.step_s, alone.step_s) < 1e-9);
        CHECK(relative(together.compute_s, 10e-6) < 1e-12);
    }
}

TEST_CASE("workload: two sends that share one cable direction take the max-min time by hand", "[workload]") {
    // A line of 4 chips, c0 - c1 - c2 - c3, each cable B and L. pp 2, dp 2 (dp fastest): stage 0 is c0 and c1,
    // stage 1 c2 and c3, so the sends go c0 -> c2 and c1 -> c3, and both cross c1 -> c2: B/2 each there, nothing
    // else shared. Each takes its path's latency (2L) then S / (B/2): 2L + 2S/B; alone, 2L + S/B.
    const Topology line = torus({{4}, false, {}, 1, k50});
    const RoutingOptions shortest{RouteStrategy::Shortest, 0};
    const double S = 1e8;
    const std::string program = "  program:\n    - {send: next, bytes: 100MB}\n    - {recv: prev, bytes: 100MB}\n";
    for (EngineKind engine : kEngines) {
        INFO(to_string(engine));
        const StepResult both =
            step("workload:\n  parallel: {pp: 2, dp: 2}\n  order: [dp, tp, ep, pp]\n" + program, line, engine, shortest);
        CHECK(relative(both.step_s, 2 * kLat + 2 * S / kB) < 1e-9);
        const StepResult one =
            step("workload:\n  parallel: {pp: 2, dp: 1}\n" + program, line, engine, shortest); // c0 -> c1
        CHECK(relative(one.step_s, kLat + S / kB) < 1e-9);
    }
}

TEST_CASE("workload: a GPipe pipeline's bubble is (p-1)/(m+p-1), with transfers, the closed form", "[workload]") {
    // p stages, m micro-batches, forward F and backward Bk per micro-batch and stage. Pure compute (0-byte sends):
    // (m+p-1)(F+Bk), so the chips idle (p-1)/(m+p-1) of the step. Sends of S bytes over one cable (T = L + S/B,
    // less than F and Bk; receives posted ahead, sends not blocking the next micro-batch): the first micro-batch
    // crosses p-1 cables each way, (p-1)(F+Bk+2T) + m(F+Bk).
    const int p = 4, m = 6;
    const double F = 100e-6, Bk = 200e-6, S = 1e6, T = kLat + S / kB;
    const Topology line = torus({{p}, false, {}, 1, k50});
    const RoutingOptions shortest{RouteStrategy::Shortest, 0};
    const auto program = [&](const std::string& bytes) {
        return fmt::format("workload:\n  parallel: {{pp: {}}}\n  program:\n"
                           "    - repeat: {}\n      program:\n"
                           "        - {{name: rf, recv: prev, bytes: {}, after: []}}\n"
                           "        - {{name: f, compute: 100us, after: [rf]}}\n"
                           "        - {{name: sf, send: next, bytes: {}, after: [f]}}\n"
                           "    - repeat: {}\n      program:\n"
                           "        - {{name: rb, recv: next, bytes: {}, after: []}}\n"
                           "        - {{name: b, compute: 200us, after: [rb]}}\n"
                           "        - {{name: sb, send: prev, bytes: {}, after: [b]}}\n",
                           p, m, bytes, bytes, m, bytes, bytes);
    };
    for (EngineKind engine : kEngines) {
        INFO(to_string(engine));
        const StepResult pure = step(program("0"), line, engine, shortest);
        CHECK(relative(pure.step_s, (m + p - 1) * (F + Bk)) < 1e-9);
        CHECK(relative(1 - m * (F + Bk) / pure.step_s, (p - 1.0) / (m + p - 1.0)) < 1e-9);
        CHECK(relative(pure.compute_s, m * (F + Bk)) < 1e-12);
        const StepResult moving = step(program("1MB"), line, engine, shortest);
        CHECK(relative(moving.step_s, (p - 1) * (F + Bk + 2 * T) + m * (F + Bk)) < 1e-9);
    }
}

TEST_CASE("workload: an EP alltoall on CloudMatrix384 equals the listed per-pair alltoall", "[workload][presets]") {
    const auto c = config::Config::load(preset("cloudmatrix384"));
    const Topology t = config::build_topology(c);
    const auto chips = config::communicator(c, t);
    const double S = 32 * 1024 * 1024;
    const std::vector<Topology::Vertex> first32(chips.begin(), chips.begin() + 32);
    for (EngineKind engine : kEngines) {
        INFO(to_string(engine));
        Experiment x{Collective::alltoall, Algorithm::direct, {S}, {}, {}, {.kind = engine}};
        const auto listed = run_experiment(t, first32, x, [](const report::RunRow&) {});
        Experiment base;
        base.engine.kind = engine;
        const StepResult s = run_step(
            parsed("workload:\n  parallel: {ep: 32, dp: 1}\n  program:\n    - {alltoall: ep, bytes: 32MiB}\n"), t,
            chips, base);
        CHECK(s.ranks == 32);
        CHECK(relative(s.step_s, listed.rows.at(0).time_s) < 1e-9);
    }
}

TEST_CASE("workload: placement: tp groups stay in their node on CloudMatrix384, dp groups leave it", "[workload]") {
    // CloudMatrix384: 48 nodes of 8 NPUs, each NPU cabled to its node's L1 switch chips only (7 planes, 2 cables
    // each). tp 8 (fastest) is one node: its ring crosses only NPU-L1 cables. dp 48 joins NPU k of every node: its
    // bytes cross L1-L2 cables too.
    const auto c = config::Config::load(preset("cloudmatrix384"));
    const Topology t = config::build_topology(c);
    Experiment base;
    base.engine.kind = EngineKind::analytic;
    const StepResult s = run_step(parsed("workload:\n  parallel: {tp: 8}\n  program:\n"
                                           "    - {allreduce: tp, bytes: 8MiB}\n    - {allreduce: dp, bytes: 8MiB}\n"),
                                  t, config::communicator(c, t), base, 100000);
    REQUIRE(s.size[2] == 48);
    // NPUs are named n<node>.c<index>, switch chips n<node>.p<plane>.leaf0 and p<plane>.spine<k>.
    const auto npu = [](const std::string& name) {
        const auto at = name.find(".c");
        return at != std::string::npos && at + 2 < name.size() && std::isdigit(static_cast<unsigned char>(name[at + 2]));
    };
    std::size_t tp_off_chip = 0, dp_off_chip = 0;
    for (const CableLoad& cable : s.busiest) {
        if (!npu(cable.use.from) && !npu(cable.use.to)) {
            tp_off_chip += cable.bytes[GroupKind::of(Dim::tp).index()] > 0;
            dp_off_chip += cable.bytes[GroupKind::of(Dim::dp).index()] > 0;
        }
    }
    CHECK(tp_off_chip == 0);
    CHECK(dp_off_chip > 0);
    // Hand count: 384 NPUs x 7 planes x 2 cables to their L1 chip: the tp ring (each NPU sends to one neighbour
    // and receives from another, sprayed over every plane and cable) loads each of them both ways, and nothing else.
    CHECK(s.directions[GroupKind::of(Dim::tp).index()] == 384 * 7 * 2 * 2);
}

TEST_CASE("workload: malformed workloads: one line naming file, line and key, exit code 2", "[workload][errors]") {
    test::TempDir dir;
    const auto refuse = [&](const std::string& text, const std::string& expected) {
        INFO(text);
        const auto r = test::run_snsim("workload " + dir.write("w.yaml", text));
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.output, Catch::Contains(expected));
        CHECK(test::lines(r.output) == 1);
    };
    refuse("workload:\n  program:\n    - {gather: tp, bytes: 1M}\n",
           "w.yaml:3: workload.program.gather: unknown key in an op");
    refuse("workload:\n  program:\n    - {allreduce: xp, bytes: 1M}\n",
           "w.yaml:3: workload.program.allreduce: names the group kind: tp, ep, dp or pp, or several joined by + (ep+dp) (got \"xp\")");
    refuse("workload:\n  program:\n    - {compute: -1ms}\n", "w.yaml:3: workload.program.compute:");
    refuse("workload:\n  program:\n    - {compute: 2h}\n", "w.yaml:3: workload.program.compute:");
    refuse("workload:\n  program:\n    - {allreduce: tp, bytes: 2TiB}\n",
           "w.yaml:3: workload.program.bytes: must be from 0 to");
    refuse("workload:\n  program:\n    - {allreduce: tp}\n", "w.yaml:3: workload.program.bytes: is missing");
    refuse("workload:\n  parallel: {tp: 3}\n  program:\n    - {compute: 1us}\n",
           "w.yaml:2: workload.parallel: tp x ep x pp = 3 does not divide the communicator's 128 chips");
    refuse("workload:\n  parallel: {tp: 256, dp: 1}\n  program:\n    - {compute: 1us}\n",
           "w.yaml:2: workload.parallel: tp x ep x dp x pp = 256 ranks, more than the communicator's 128 chips");
    refuse("workload:\n  program:\n    - {name: a, compute: 1us, after: [b]}\n",
           "w.yaml:3: workload.program.after: names no op of the program (got \"b\")");
    refuse("workload:\n  program:\n    - {name: a, compute: 1us}\n    - {name: a, compute: 1us}\n",
           "w.yaml:4: workload.program.name: names another op already (got \"a\")");
    refuse("workload:\n  program:\n    - repeat: 0\n      program: [{compute: 1us}]\n",
           "w.yaml:3: workload.program.repeat: must be from 1 to 1000000 (got \"0\")");
    refuse("workload:\n  parallel: {pp: 2}\n  program:\n    - {send: next, bytes: 1M}\n",
           "w.yaml:4: send#0: the program sends 1 times to the next stage but receives 0 times");
    refuse("workload:\n  program:\n    - repeat: 1000\n      program:\n        - repeat: 1000\n          program:\n"
           "            - repeat: 1000\n              program: [{compute: 1us}]\n",
           "w.yaml: workload.program: runs more than 1000000 ops once unrolled");
    refuse("workload:\n  program:\n    - {allreduce: tp, bytes: 1M, algorithm: pairwise}\n",
           "w.yaml:3: workload.program.algorithm: does not implement allreduce (got \"pairwise\")");
    refuse("nope: 1\n", "w.yaml:1: nope: unknown key; the file has one key, workload");
    refuse("workload:\n  ? [a, b]\n  : 1\n", "w.yaml:2: a key must be a name, not a list or a map"); // fuzz finding
}

TEST_CASE("workload: every workload in configs/workloads runs on al128 and cloudmatrix384, both engines printed", "[workload]") {
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(std::string(SNSIM_SOURCE_DIR) + "/configs/workloads"))
        if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 2);
    // AL128's Zhenwu 810E publishes no peak: workloads that take the chip's from the config get an assumed one.
    test::TempDir dir;
    const std::string al128 = dir.write("al128.yaml", fmt::format("include: {}\nchip:\n  peak_flops: 1PFLOPS\n",
                                                                  preset("al128")));
    for (const std::string& file : files)
        for (const std::string system : {"al128", "cloudmatrix384"}) {
            const std::string name = std::filesystem::path(file).stem().string();
            const auto r = test::run_snsim(fmt::format("workload {} --config {} --engine both", file,
                                                       system == "al128" ? al128 : preset(system)));
            INFO(r.output);
            CHECK(r.exit_code == 0);
            CHECK_THAT(r.output, Catch::Contains("step time"));
            CHECK_THAT(r.output, Catch::Contains("analytic engine: step time"));
            const auto at = r.output.find("analytic engine: step time");
            if (at == std::string::npos) continue;
            std::cout << name << " on " << system << ": " << r.output.substr(at, r.output.find('\n', at) - at) << "\n";
        }
}

TEST_CASE("workload: --trace writes Chrome trace JSON whose slices are the run's op times", "[workload]") {
    test::TempDir dir;
    const std::string file = std::string(SNSIM_SOURCE_DIR) + "/configs/workloads/dense_tp_pp_dp.yaml";
    const auto r = test::run_snsim(fmt::format("workload {} --config {} --engine analytic --trace {}", file,
                                               preset("al128"), dir.file("t.json")));
    REQUIRE(r.exit_code == 0);
    const auto trace = nlohmann::json::parse(test::slurp(dir.file("t.json")));
    // The same step in this process: the engines are deterministic.
    const auto c = config::Config::load(preset("al128"));
    const Topology t = config::build_topology(c);
    cli::ExperimentFlags flags;
    flags.engine = "analytic";
    const StepResult s = run_step(read_workload(file), t, config::communicator(c, t), cli::experiment_of(c, flags));
    std::size_t slices = 0;
    for (const auto& e : trace.at("traceEvents")) {
        if (e.at("ph") == "M") continue;
        const auto run = e.at("args").at("run").get<std::size_t>();
        const auto rank = e.at("args").at("rank").get<std::size_t>();
        const RunTime& when = s.times.at(run * s.ranks + rank);
        CHECK(e.at("ts").get<double>() == Approx(when.start_s * 1e6).epsilon(1e-12));
        CHECK(e.at("dur").get<double>() == Approx((when.end_s - when.start_s) * 1e6).margin(1e-9));
        ++slices;
    }
    CHECK(slices == s.runs.size() * s.ranks); // 128 ranks: every one traced
    CHECK(trace.at("otherData").at("step_us").get<double>() == Approx(s.step_s * 1e6).epsilon(1e-12));
}

TEST_CASE("workload: placement strict refuses a tp group across racks", "[workload][errors]") {
    // CloudMatrix384 nodes hold 8 NPUs: tp 8 fits one node; tp 16 spans two, and so does tp 8 laid along dp.
    test::TempDir dir;
    const auto run = [&](const std::string& parallel) {
        return test::run_snsim(fmt::format("workload {} --config {} --engine analytic",
                                           dir.write("w.yaml", "workload:\n  placement: strict\n  parallel: " + parallel +
                                                                   "\n  program:\n    - {allreduce: tp, bytes: 1M}\n"),
                                           preset("cloudmatrix384")));
    };
    CHECK(run("{tp: 8}").exit_code == 0);
    const auto wide = run("{tp: 16}");
    CHECK(wide.exit_code == 2);
    CHECK_THAT(wide.output, Catch::Contains("w.yaml:2: workload.placement: the tp group of ranks 0 to 15 spans racks: "
                                            "n0.c0 is in rack 0, n1.c0 in rack 1 (got \"strict\")"));
}

TEST_CASE("workload: each collective takes the protocol snsim run keeps for its size, and the launch interval",
          "[workload]") {
    // LL (latency 1 us less, half the bandwidth) wins small sizes, Simple large ones; a workload's op of either size
    // takes snsim run's time with the same cost model, on both engines.
    const Topology t = switched({8, 2, 1, 1, k50});
    CostModel cost;
    cost.protocols = {Protocol{"LL", 0.5e-6, 0.5, 0, 0}, Protocol{"Simple", 1.5e-6, 1.0, 0, 0}};
    for (EngineKind engine : kEngines)
        for (const std::string size : {"4KiB", "64MiB"}) {
            INFO(to_string(engine) << " " << size);
            Experiment x{Collective::allreduce, Algorithm::ring, {units::parse_bytes(size)}, {}, {}, {.kind = engine},
                         cost};
            const auto run = run_experiment(t, t.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {});
            const StepResult s = run_step(
                parsed("workload:\n  parallel: {tp: 8}\n  program:\n    - {allreduce: tp, bytes: " + size + "}\n"), t,
                t.nodes_of(NodeKind::Chip), x);
            CHECK(relative(s.step_s, run.rows.at(0).time_s) < 1e-9);
            CHECK(run.rows.at(0).protocol == (size == "4KiB" ? "LL" : "Simple"));
        }
    // A protocol that leaves an op's size out is refused at the op's line.
    cost.protocols = {Protocol{"LL", 0.5e-6, 0.5, 0, 65536}};
    Experiment x{Collective::allreduce, Algorithm::ring, {}, {}, {}, {.kind = EngineKind::analytic}, cost};
    CHECK_THROWS_WITH(
        run_step(parsed("workload:\n  parallel: {tp: 8}\n  program:\n    - {allreduce: tp, bytes: 1MiB}\n"), t,
                 t.nodes_of(NodeKind::Chip), x),
        Catch::Contains("w.yaml:4:") && Catch::Contains("none of them is used for its 1048576 bytes"));
    // A launch interval longer than a small allreduce is its time; two in a row take two.
    x.cost = CostModel{};
    x.cost.launch_interval_s = 50e-6;
    x.sizes = {4096};
    const auto run = run_experiment(t, t.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {});
    REQUIRE(run.rows.at(0).time_s == Approx(50e-6));
    const StepResult two = run_step(parsed("workload:\n  parallel: {tp: 8}\n  program:\n"
                                           "    - {allreduce: tp, bytes: 4KiB}\n    - {allreduce: tp, bytes: 4KiB}\n"),
                                    t, t.nodes_of(NodeKind::Chip), x);
    CHECK(relative(two.step_s, 100e-6) < 1e-9);
}
