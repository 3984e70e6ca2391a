// snsim compare and scripts/plot end to end: the side-by-side table, the CSV and JSON in --out, the figures, the
// parameter sweep (--vary), the best algorithm per size, experiment files, and bad input.
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support.hpp"

using snsim::test::lines;
using snsim::test::run_shell;
using snsim::test::run_snsim;
using snsim::test::slurp;

namespace {

std::string preset(const std::string& name) {
    return std::string(SNSIM_SOURCE_DIR) + "/configs/presets/" + name + ".yaml";
}

// The CSV line of `system` at `size`, split at commas.
std::vector<std::string> csv_line(const std::string& csv, const std::string& system, const std::string& size) {
    std::istringstream in(csv);
    for (std::string line; std::getline(in, line);) {
        std::vector<std::string> fields;
        std::istringstream parts(line);
        for (std::string f; std::getline(parts, f, ',');)
            fields.push_back(f);
        if (fields.size() > 6 && fields[0] == system && fields[6] == size) return fields;
    }
    return {};
}

} // namespace

TEST_CASE("compare: three presets side by side, CSV, JSON and both figures", "[cli][compare]") {
    snsim::test::TempDir dir;
    const auto out = dir.file("cmp");
    const auto r = run_snsim("compare " + preset("al128") + " " + preset("gb200_nvl72") + " " + preset("mi300x") +
                             " --sizes 1MB,64MB --out " + out);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Contains("# allreduce (ring), 3 systems"));
    CHECK_THAT(r.output, Catch::Contains("al128") && Catch::Contains("gb200_nvl72") && Catch::Contains("mi300x"));

    const std::string csv = slurp(out + "/compare.csv");
    CHECK_THAT(csv,
               Catch::StartsWith(
                   "system,config,vary,chips,collective,algorithm,size_bytes,count,time_us,"
                   "algbw_gbps,busbw_gbps,bound_us,bound_fraction,flows,seed,protocol,engine,estimate,analytic_time_us,"
                   "engine_difference\n"));
    CHECK(lines(csv) == 1 + 3 * 2);
    // MI300X: a ring on a full mesh of 64 GB/s cables is contention-free: 2(p-1)(L + S/(pB)) = 14 (0.2 + 125) us.
    const auto mi = csv_line(csv, "mi300x", "64000000");
    REQUIRE(mi.size() == 19);
    CHECK(mi[3] == "8");
    CHECK(std::stod(mi[8]) == Approx(14 * (0.2 + 125)).epsilon(1e-9));

    const auto j = nlohmann::json::parse(slurp(out + "/compare.json"));
    REQUIRE(j.size() == 3);
    CHECK(j[1]["system"] == "gb200_nvl72");
    CHECK(j[1]["rows"].size() == 2);
    CHECK(j[1]["cables_size_bytes"] == 64e6);
    CHECK(j[1]["cables"].size() + j[1]["idle_cable_directions"].get<std::size_t>() == 2 * 72 * 18);

    const auto plot = run_shell(std::string(SNSIM_SOURCE_DIR) + "/scripts/plot " + out);
    INFO(plot.output);
    REQUIRE(plot.exit_code == 0);
    for (const char* figure : {"busbw", "links"}) {
        INFO(figure);
        CHECK_THAT(slurp(out + "/" + figure + ".png"), Catch::StartsWith("\x89PNG\r\n\x1a\n"));
        const std::string svg = slurp(out + "/" + figure + ".svg");
        CHECK_THAT(svg, Catch::StartsWith("<?xml") && Catch::Contains("<svg") && Catch::EndsWith("</svg>\n"));
    }
    CHECK_THAT(slurp(out + "/busbw.svg"), Catch::Contains("gb200_nvl72"));
}

TEST_CASE("compare: --vary runs one config per value, best keeps the fastest algorithm per size", "[cli][compare]") {
    snsim::test::TempDir dir;
    const auto varied = run_snsim("compare " + preset("gb200_nvl72") +
                                  " --vary collective.algorithm=ring,in_switch --sizes 1G --out " + dir.file("v"));
    REQUIRE(varied.exit_code == 0);
    const std::string csv = slurp(dir.file("v/compare.csv"));
    const auto ring = csv_line(csv, "gb200_nvl72 algorithm=ring", "1073741824");
    const auto nvls = csv_line(csv, "gb200_nvl72 algorithm=in_switch", "1073741824");
    REQUIRE(ring.size() == 19); // system, config, vary, chips, the 15 of run but the last (empty without both)
    REQUIRE(nvls.size() == 19);
    CHECK(ring[2] == "collective.algorithm=ring");
    CHECK(nvls[5] == "in_switch");
    // A label wider than its columns widens them instead of being cut ("algorithm=bidirectional_").
    const auto wide = run_snsim("compare " + std::string(SNSIM_SOURCE_DIR) +
                                "/configs/fullmesh8.yaml --vary collective.algorithm=bidirectional_ring,ring --sizes 1M");
    REQUIRE(wide.exit_code == 0);
    CHECK_THAT(wide.output, Catch::Contains("fullmesh8 algorithm=bidirectional_ring  "));

    const auto best =
        run_snsim("compare " + preset("mi300x") + " --algorithm best --sizes 1K,1G --out " + dir.file("b"));
    REQUIRE(best.exit_code == 0);
    CHECK_THAT(best.output, Catch::Contains("best algorithm per size"));
    CHECK_THAT(best.output, Catch::Contains("in_switch skipped: in_switch needs switch chips"));
    const std::string bcsv = slurp(dir.file("b/compare.csv"));
    // Every candidate was timed; at 1 GiB on a full mesh the one-shot direct allreduce uses all 7 cables.
    CHECK(csv_line(bcsv, "mi300x", "1073741824")[5] == "direct");
}

TEST_CASE("compare: experiment files name configs relative to themselves", "[cli][compare]") {
    snsim::test::TempDir dir;
    const auto file = dir.write("e.yaml", "compare:\n  configs:\n    - " + preset("hgx_h100") + "\n    - " +
                                              preset("mi300x") + "\n  sizes: 1M\n  set:\n    collective.chunks: 2\n");
    const auto r = run_snsim("compare " + file + " --out " + dir.file("e"));
    REQUIRE(r.exit_code == 0);
    CHECK(lines(slurp(dir.file("e/compare.csv"))) == 3);
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(SNSIM_SOURCE_DIR) + "/configs/experiments")) {
        INFO(entry.path());
        const auto dry = run_snsim("compare " + entry.path().string() +
                                   " --sizes 1K --collective allreduce --engine analytic --out " +
                                   dir.file(entry.path().stem().string()));
        CHECK(dry.exit_code == 0);
    }
}

TEST_CASE("compare: bad input is one line and exit code 2, nothing written", "[cli][compare][errors]") {
    snsim::test::TempDir dir;
    const auto no_eq = run_snsim("compare " + preset("mi300x") + " --vary topology.chips --out " + dir.file("x"));
    CHECK(no_eq.exit_code == 2);
    CHECK(no_eq.output == "snsim: error: --vary \"topology.chips\": expected KEY=VALUE1,VALUE2,...\n");
    const auto bad_value =
        run_snsim("compare " + preset("mi300x") + " --vary topology.chips=8,1 --out " + dir.file("x"));
    CHECK(bad_value.exit_code == 2);
    CHECK(lines(bad_value.output) == 1);
    CHECK_THAT(bad_value.output, Catch::Contains("topology.chips"));
    // The varied value is on no line of the file, so the message gives none.
    CHECK(bad_value.output ==
          "snsim: error: " + preset("mi300x") + ": topology.chips: must be at least 2 (got \"1\")\n");
    CHECK_FALSE(std::filesystem::exists(dir.file("x/compare.csv")));
    const auto file = dir.write("bad.yaml", "compare:\n  configs: [a.yaml]\n  colective: allreduce\n");
    const auto unknown = run_snsim("compare " + file);
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.output == "snsim: error: " + file +
                                ":3: compare.colective: unknown key; expected configs, collective, algorithm, sizes, "
                                "vary, out or set (got \"colective\")\n");
    const auto plot = run_shell(std::string(SNSIM_SOURCE_DIR) + "/scripts/plot " + dir.file("nothing"));
    CHECK(plot.exit_code == 2);
    CHECK(lines(plot.output) == 1);
}

TEST_CASE("compare: rows stream as decided, an interrupt keeps them and exits 128 + signal", "[cli][compare][best]") {
    snsim::test::TempDir dir;
    // hgx_h100 finishes at once; cloudmatrix384 takes seconds (its direct allreduce has 147,072 flows at once). The
    // interrupt reaches the process group (as Ctrl-C does), so the simulation in progress ends too.
    const std::string out = dir.file("i");
    const std::string script = "setsid " + std::string(SNSIM_BIN) + " compare " + preset("hgx_h100") + " " +
                               preset("cloudmatrix384") + " --algorithm best --sizes 1K,4K --out " + out + " >" +
                               dir.file("log") + " 2>&1 & pid=$!; for i in $(seq 600); do grep -q '^# hgx_h100: 8 " +
                               "chips' " + dir.file("log") + " && break; sleep 0.05; done; /bin/kill -INT -- -$pid; " +
                               "wait $pid; echo exit=$?";
    const auto r = run_shell(script);
    CHECK_THAT(r.output, Catch::Contains("exit=130"));
    const std::string log = slurp(dir.file("log"));
    // Each size's row was printed as it was decided, and the stop says what was kept.
    CHECK_THAT(log, Catch::Contains("# hgx_h100: 1024 B: "));
    CHECK_THAT(log, Catch::Contains("# hgx_h100: 4096 B: "));
    CHECK_THAT(log, Catch::Contains("snsim: stopped by signal 2"));
    CHECK_THAT(log, Catch::Contains("1 of 2 systems complete"));
    const std::string csv = slurp(out + "/compare.csv");
    CHECK(csv_line(csv, "hgx_h100", "1024").size() == 19);
    CHECK(csv_line(csv, "hgx_h100", "4096").size() == 19);
    CHECK(csv_line(csv, "cloudmatrix384", "4096").empty());
}

TEST_CASE("compare: --workload runs one step per system, each as snsim workload runs it alone",
          "[cli][compare][workload]") {
    snsim::test::TempDir dir;
    const std::string presets = std::string(SNSIM_SOURCE_DIR) + "/configs/presets/";
    const std::string workload = std::string(SNSIM_SOURCE_DIR) + "/configs/workloads/moe_ep_tp.yaml";
    const auto r = run_snsim("compare " + presets + "cloudmatrix384.yaml " + presets +
                             "al128.yaml --engine analytic --workload " + workload + " --out " + dir.file("out"));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    const auto csv = slurp(dir.file("out/compare_workload.csv"));
    CHECK(lines(csv) == 3);
    const auto json = nlohmann::json::parse(slurp(dir.file("out/compare_workload.json")));
    REQUIRE(json["systems"].size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
        const std::string system = json["systems"][i]["system"];
        const auto alone = run_snsim("workload " + workload + " --config " + presets + system +
                                     ".yaml --engine analytic --json " + dir.file(system + ".json"));
        REQUIRE(alone.exit_code == 0);
        const auto one = nlohmann::json::parse(slurp(dir.file(system + ".json")));
        CHECK(json["systems"][i]["step"]["step_s"].get<double>() == one["step_s"].get<double>());
        CHECK_THAT(csv, Catch::Contains(system + "," + presets + system + ".yaml,,"));
    }
    CHECK_THAT(r.output, Catch::Contains("exposed by group kind (us)"));
    // scripts/plot draws the step of each system.
    const auto plot = run_shell(std::string(SNSIM_SOURCE_DIR) + "/scripts/plot " + dir.file("out"));
    INFO(plot.output);
    CHECK(plot.exit_code == 0);
    CHECK(std::filesystem::file_size(dir.file("out/step.png")) > 1000);
    CHECK(std::filesystem::file_size(dir.file("out/step.svg")) > 1000);
    // Choices that do not apply to a workload are refused in one line.
    const auto both = run_snsim("compare " + presets + "al128.yaml --engine both --workload " + workload);
    CHECK(both.exit_code == 2);
    CHECK(lines(both.output) == 1);
}
