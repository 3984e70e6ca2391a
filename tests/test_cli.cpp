// Whole CLI runs (golden behaviour): the default experiment, output files, help, and bad input giving one line,
// exit code 2 and no output file.
#include <catch2/catch.hpp>

#include <filesystem>
#include <unistd.h>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support.hpp"

using snsim::test::run_snsim;

using snsim::test::lines;
using snsim::test::slurp;

TEST_CASE("snsim topo with no config describes the default 128-chip supernode", "[cli]") {
    const auto r = run_snsim("topo");
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Contains("chips                         128\n"));
    CHECK_THAT(r.output, Catch::Contains("injection bandwidth per chip  700 GB/s per direction"));
    CHECK_THAT(r.output, Catch::Contains("diameter                      2 hops"));
    CHECK_THAT(r.output, Catch::Contains("bisection bandwidth           44.8 TB/s per direction (896 cables)"));
}

TEST_CASE("snsim topo writes JSON, DOT and GraphML", "[cli]") {
    snsim::test::TempDir dir;
    const auto r =
        run_snsim(std::string("topo ") + SNSIM_SOURCE_DIR + "/configs/presets/cloudmatrix384.yaml --json " +
                  dir.file("m.json") + " --dot " + dir.file("g.dot") + " --graphml " + dir.file("g.graphml"));
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(slurp(dir.file("m.json")));
    CHECK(j["chips"] == 384);
    CHECK(j["diameter_hops"] == 4);
    CHECK(j["injection_bandwidth_Bps"]["min"] == 392e9);
    CHECK(j["bisection_exact"] == true);
    CHECK(j["seed"] == 1);
    const std::string dot = slurp(dir.file("g.dot"));
    CHECK_THAT(dot, Catch::StartsWith("graph G {"));
    CHECK_THAT(dot, Catch::Contains("[label=\"n0.c0\", shape=ellipse]"));
    CHECK_THAT(dot, Catch::Contains("[label=\"28 GB/s 200 ns p0\"]"));
    CHECK_THAT(slurp(dir.file("g.graphml")), Catch::Contains("<graphml"));
}

TEST_CASE("every starter config runs", "[cli]") {
    for (const auto& entry : std::filesystem::directory_iterator(std::string(SNSIM_SOURCE_DIR) + "/configs")) {
        if (entry.path().extension() != ".yaml") continue;
        INFO(entry.path());
        const auto r = run_snsim("topo " + entry.path().string());
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.output, Catch::Contains("bisection bandwidth"));
    }
}

TEST_CASE("bad input: one line, exit code 2, no output file", "[cli][errors]") {
    snsim::test::TempDir dir;
    const auto cfg = dir.write("bad.yaml", "topology:\n  kind: switched\n  chips: 0\n");
    const auto r = run_snsim("topo " + cfg + " --json " + dir.file("out.json"));
    CHECK(r.exit_code == 2);
    CHECK(r.output == "snsim: error: " + cfg + ":3: topology.chips: must be at least 2 (got \"0\")\n");
    CHECK_FALSE(std::filesystem::exists(dir.file("out.json")));

    const auto bad_setting = run_snsim("run --sizes 1MB --cfg network/model:LV08 --csv " + dir.file("out.csv"));
    CHECK(bad_setting.exit_code == 2);
    CHECK(bad_setting.output ==
          "snsim: error: --cfg \"network/model:LV08\": network/model: snsim's engine works with CM02 only\n");
    CHECK_FALSE(std::filesystem::exists(dir.file("out.csv")));

    // A valid SimGrid setting on the analytic engine, which has no SimGrid, would be silently ignored.
    const auto ignored = run_snsim("run --sizes 1MB --engine analytic --cfg network/TCP-gamma:0 --csv " +
                                   dir.file("out.csv"));
    CHECK(ignored.exit_code == 2);
    CHECK(ignored.output == "snsim: error: --cfg \"network/TCP-gamma:0\": SimGrid settings apply to the "
                            "discrete-event engine only, and this run uses the analytic engine (--engine simgrid or "
                            "both to use them)\n");
    CHECK_FALSE(std::filesystem::exists(dir.file("out.csv")));
    CHECK(run_snsim("run --sizes 1MB --engine both --cfg network/TCP-gamma:0").exit_code == 0);

    // SimGrid's tracing would write an empty trace (or end in an internal error): refused, with what to use.
    for (const std::string setting : {"tracing:yes", "tracing/platform:yes"}) {
        const auto traced = run_snsim("run --sizes 1MB --cfg " + setting);
        CHECK(traced.exit_code == 2);
        CHECK(traced.output == "snsim: error: --cfg \"" + setting + "\": SimGrid's tracing is not supported (snsim "
                               "drives SimGrid with one actor per lane of flows, so its traces would not show chips); "
                               "snsim workload --trace writes a timeline per rank\n");
    }

    const auto missing_dir = run_snsim("topo --json " + dir.file("no/such/dir/out.json"));
    CHECK(missing_dir.exit_code == 2);
    CHECK(lines(missing_dir.output) == 1);
    CHECK_THAT(missing_dir.output, Catch::Contains("does not exist"));

    const auto flag = run_snsim("topo --bogus");
    CHECK(flag.exit_code == 2);
    CHECK(flag.output == "snsim: error: The following argument was not expected: --bogus (see snsim --help)\n");

    const auto missing = run_snsim("topo " + dir.file("nope.yaml"));
    CHECK(missing.exit_code == 2);
    CHECK(missing.output ==
          "snsim: error: " + dir.file("nope.yaml") + ": cannot open config file: No such file or directory\n");
    CHECK(std::distance(std::filesystem::directory_iterator(dir.file("")), {}) == 1); // only bad.yaml
}

TEST_CASE("output paths: empty, repeated, symlinked, devices, and text that is not UTF-8", "[cli][errors]") {
    snsim::test::TempDir dir;
    const auto empty = run_snsim("topo --json ''");
    CHECK(empty.exit_code == 2);
    CHECK(empty.output == "snsim: error: --json \"\": needs a file name\n");

    const auto twice = run_snsim("topo --json " + dir.file("x") + " --dot " + dir.file("x"));
    CHECK(twice.exit_code == 2);
    CHECK(twice.output == "snsim: error: --dot \"" + dir.file("x") + "\": same file as --json\n");

    // A symlink is followed: its target gets the output and the link stays a link.
    std::filesystem::create_symlink(dir.file("target.json"), dir.file("link.json"));
    REQUIRE(run_snsim("topo --json " + dir.file("link.json")).exit_code == 0);
    CHECK(std::filesystem::is_symlink(dir.file("link.json")));
    CHECK(nlohmann::json::parse(slurp(dir.file("target.json")))["chips"] == 128);

    // A device is written in place, never replaced; a failed write is an error that leaves nothing behind.
    const auto full = run_snsim("topo --json /dev/full");
    CHECK(full.exit_code == 2);
    CHECK_THAT(full.output,
               Catch::EndsWith("snsim: error: --json \"/dev/full\": write failed: No space left on device\n"));
    CHECK(std::filesystem::is_character_file("/dev/full"));
    CHECK(run_snsim("topo --json /dev/null").exit_code == 0);
    // /dev/stdout into a pipe (it resolves to "pipe:[N]", which has no canonical path) is written there.
    const auto piped = snsim::test::run_shell(std::string(SNSIM_BIN) + " topo --json /dev/stdout | cat");
    CHECK(piped.exit_code == 0);
    CHECK(piped.output.find("\"chips\": 128") != std::string::npos);

    // A name that is not valid UTF-8 still gives valid JSON.
    const auto cfg = dir.write("u.yaml", "name: \"caf\\xe9\"\ntopology:\n  kind: full_mesh\n  chips: 4\n");
    REQUIRE(run_snsim("topo " + cfg + " --json " + dir.file("u.json")).exit_code == 0);
    CHECK_NOTHROW(nlohmann::json::parse(slurp(dir.file("u.json"))));
    for (const auto& entry : std::filesystem::directory_iterator(dir.file("")))
        CHECK(entry.path().string().find(".tmp") == std::string::npos);
}

TEST_CASE("help explains every option", "[cli]") {
    const auto top = run_snsim("--help");
    CHECK(top.exit_code == 0);
    CHECK_THAT(top.output, Catch::Contains("topo"));
    CHECK_THAT(top.output, Catch::Contains("keys"));
    CHECK_THAT(top.output, Catch::Contains("--verbose"));
    const auto topo = run_snsim("topo --help");
    CHECK(topo.exit_code == 0);
    for (const char* option : {"--json", "--dot", "--graphml", "config"})
        CHECK_THAT(topo.output, Catch::Contains(option));
}

TEST_CASE("alltoall sizes per pair: the same run as p times the size per rank", "[cli]") {
    snsim::test::TempDir dir;
    const std::string mesh = std::string(SNSIM_SOURCE_DIR) + "/configs/fullmesh8.yaml";
    const auto per_pair = run_snsim("run " + mesh + " --collective alltoall --size-per pair --sizes 1M --engine "
                                    "analytic --csv " + dir.file("pair.csv"));
    const auto per_rank = run_snsim("run " + mesh + " --collective alltoall --sizes 8M --engine analytic --csv " +
                                    dir.file("rank.csv"));
    REQUIRE(per_pair.exit_code == 0);
    REQUIRE(per_rank.exit_code == 0);
    CHECK_THAT(per_pair.output, Catch::Contains("sizes given per pair: each row's size is the per-rank total, 8 x that"));
    // 1 MiB to each of 8 ranks is 8 MiB per rank: the same row, byte for byte.
    CHECK(slurp(dir.file("pair.csv")) == slurp(dir.file("rank.csv")));
    CHECK_THAT(slurp(dir.file("pair.csv")), Catch::Contains(",alltoall,direct,8388608,"));

    const auto not_alltoall = run_snsim("run " + mesh + " --size-per pair --sizes 1M");
    CHECK(not_alltoall.exit_code == 2);
    CHECK(not_alltoall.output == "snsim: error: --size-per pair: applies to alltoall only, not allreduce\n");
    // Where sizes per pair would be misread: beyond the largest size, compared across systems of other sizes or
    // conventions, or fitted against measurements (per-rank totals).
    const auto huge = run_snsim("run " + mesh + " --collective alltoall --size-per pair --sizes 2T --engine analytic");
    CHECK(huge.exit_code == 2);
    CHECK_THAT(huge.output, Catch::Contains("sizes per pair: 17592186044416 B per rank (8 ranks) is over the largest"));
    const std::string mesh64 = std::string(SNSIM_SOURCE_DIR) + "/configs/mesh8x8.yaml";
    const auto unequal = run_snsim("compare " + mesh + " " + mesh64 + " --collective alltoall --algorithm pairwise "
                                   "--size-per pair --sizes 1K --engine analytic");
    CHECK(unequal.exit_code == 2);
    CHECK_THAT(unequal.output, Catch::Contains("fullmesh8 has 8 ranks and mesh8x8 has 64, so their per-rank sizes "
                                               "differ"));
    const auto mixed = run_snsim("compare " + mesh + " --collective alltoall --vary collective.size_per=rank,pair "
                                 "--sizes 1K --engine analytic");
    CHECK(mixed.exit_code == 2);
    CHECK_THAT(mixed.output, Catch::Contains("gives sizes per rank and"));
    const auto fitted = run_snsim("calibrate " + std::string(SNSIM_SOURCE_DIR) +
                                  "/tests/data/a100x8_nvswitch_allreduce.csv --config " + std::string(SNSIM_SOURCE_DIR) +
                                  "/configs/calibration/a100x8_alpha_beta.yaml --collective alltoall --algorithm "
                                  "pairwise --size-per pair");
    CHECK(fitted.exit_code == 2);
    CHECK_THAT(fitted.output, Catch::Contains("measured sizes are per-rank totals"));

    const auto in_config = dir.write("pair.yaml", "include: " + mesh + "\ncollective:\n  size_per: pair\n");
    const auto refused = run_snsim("run " + in_config + " --sizes 1M");
    CHECK(refused.exit_code == 2);
    CHECK(refused.output == "snsim: error: " + in_config + ":3: collective.size_per: pair applies to alltoall only, "
                                                           "not allreduce (got \"pair\")\n");
}

TEST_CASE("run --csv to a pipe writes the CSV once, at the end", "[cli]") {
    // A regular file is rewritten as sizes finish; a pipe or /dev/stdout cannot be, and would get it again each time.
    const auto r = run_snsim("run " + std::string(SNSIM_SOURCE_DIR) + "/configs/fullmesh8.yaml --engine analytic "
                             "--sizes 1K:1M:x2 --csv /dev/stdout");
    REQUIRE(r.exit_code == 0);
    std::size_t headers = 0;
    for (std::size_t at = r.output.find("system,config,chips,"); at != std::string::npos;
         at = r.output.find("system,config,chips,", at + 1))
        ++headers;
    CHECK(headers == 1);
    CHECK_THAT(r.output, Catch::Contains(",allreduce,ring,1048576,"));
}

TEST_CASE("docs/config.md is the output of snsim keys --markdown", "[cli]") {
    const auto r = run_snsim("keys --markdown");
    REQUIRE(r.exit_code == 0);
    CHECK(r.output == slurp(std::string(SNSIM_SOURCE_DIR) + "/docs/config.md"));
}

TEST_CASE("snsim run sweeps sizes and writes CSV and JSON", "[cli][run]") {
    snsim::test::TempDir dir;
    const auto cfg = dir.write("ring.yaml", "topology:\n  kind: torus\n  dims: [8]\n  link: {bandwidth: 50GB/s, "
                                            "latency: 0ns}\nrouting:\n  strategy: shortest\n");
    const auto r =
        run_snsim("run " + cfg + " --sizes 1MB,1GB --csv " + dir.file("r.csv") + " --json " + dir.file("r.json"));
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Contains("allreduce ring on 8 of 8 chips (torus)"));
    const std::string csv = slurp(dir.file("r.csv"));
    CHECK_THAT(csv, Catch::StartsWith("system,config,chips,collective,algorithm,size_bytes,count,time_us,algbw_gbps,"
                                      "busbw_gbps,bound_us"));
    // 1 GB ring allreduce on 8 chips at 50 GB/s: 14 steps of 125 MB, 35 ms; busbw = 50 GB/s exactly.
    CHECK_THAT(csv, Catch::Contains("ring," + cfg + ",8,allreduce,ring,1000000000,250000000,35000,"));
    const auto j = nlohmann::json::parse(slurp(dir.file("r.json")));
    CHECK(j["rows"].size() == 2);
    CHECK(j["rows"][1]["busbw_gbps"] == Approx(50).epsilon(1e-9));
    // Every cable direction the ring used is in the JSON: 8 of the 16, each busy all the time at 1 GB.
    CHECK(j["cables_size_bytes"] == 1e9);
    REQUIRE(j["cables"].size() == 8);
    CHECK(j["idle_cable_directions"] == 8);
    CHECK(j["faults"]["removed_cables"] == 0);
    for (const auto& c : j["cables"]) {
        CHECK(c["utilization"] == Approx(1.0).epsilon(1e-9));
        CHECK(c["bytes"] == Approx(14 * 125e6));
        CHECK(c["bandwidth_gbps"] == Approx(50));
    }
}

TEST_CASE("snsim run refuses bad choices in one line with exit code 2", "[cli][run][errors]") {
    const auto collective = run_snsim("run --collective allsum");
    CHECK(collective.exit_code == 2);
    CHECK(collective.output == "snsim: error: --collective \"allsum\": expected one of allreduce, reduce_scatter, "
                               "allgather, broadcast, reduce, alltoall, permutation\n");
    const auto sizes = run_snsim("run --sizes 8G:1K:x2");
    CHECK(sizes.exit_code == 2);
    CHECK(sizes.output == "snsim: error: --sizes \"8G:1K:x2\": the last size is smaller than the first\n");
    const auto pow2 = run_snsim(std::string("run ") + SNSIM_SOURCE_DIR +
                                "/configs/presets/cloudmatrix384.yaml --algorithm "
                                "recursive_doubling --sizes 1M");
    CHECK(pow2.exit_code == 2);
    CHECK(pow2.output == "snsim: error: --algorithm \"recursive_doubling\": recursive_doubling needs a power-of-two "
                         "number of ranks, got 384\n");
}

TEST_CASE("snsim --version names the version, run --json records the faults applied", "[cli]") {
    const auto v = run_snsim("--version");
    CHECK(v.exit_code == 0);
    CHECK_THAT(v.output, Catch::StartsWith("snsim ") && Catch::Contains("."));
    snsim::test::TempDir dir;
    const auto cfg = dir.write("ring.yaml", "topology:\n  kind: torus\n  dims: [8]\nfaults:\n  links: [\"c0 - c1\"]\n");
    const auto r = run_snsim("run " + cfg + " --sizes 1MB --json " + dir.file("r.json") + " --csv " + dir.file("r.csv"));
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(slurp(dir.file("r.json")));
    CHECK(j["faults"]["removed_cables"] == 1);
    CHECK_THAT(slurp(dir.file("r.csv")), Catch::Contains("\nring," + cfg + ",8,allreduce,"));
}

TEST_CASE("no test name holds a semicolon or starts with a dash, which would make tests that run nothing under ctest",
          "[cli]") {
    // CMake lists are separated by semicolons: catch_discover_tests turned "a; b" into the tests "a" and " b",
    // each matching no test case, and ctest counted both as passed.
    const auto r = snsim::test::run_shell("/proc/" + std::to_string(::getpid()) + "/exe --list-test-names-only");
    REQUIRE(r.exit_code >= 0);
    CHECK(snsim::test::lines(r.output) > 100);
    CHECK(r.output.find(';') == std::string::npos);
    // Nor starts with '-': ctest hands the name to the binary, which takes it for an option.
    CHECK(r.output.find("\n-") == std::string::npos);
}

TEST_CASE("run: --collective alone takes an algorithm that implements it, and says so", "[cli]") {
    // The default preset's ring does not implement alltoall: direct does, and stderr says it was taken.
    const auto r = run_snsim("run --collective alltoall --sizes 1M");
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Contains("alltoall direct on 128 of 128 chips"));
    CHECK_THAT(r.output, Catch::Contains("--collective alltoall: the config's algorithm ring does not implement it; "
                                         "using direct"));
    // Named algorithms still have to fit.
    const auto named = run_snsim("run --collective alltoall --algorithm ring --sizes 1M");
    CHECK(named.exit_code == 2);
    CHECK_THAT(named.output, Catch::Contains("ring does not implement alltoall"));
}
