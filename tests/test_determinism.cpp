// Issue 6, determinism: the same config and seed give the same bytes in every CSV and JSON output, run after run
// (the sweep's own cases, across --jobs, shards and resumes, are in test_sweep.cpp), and the seed is in each.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "support.hpp"

using snsim::test::run_snsim;
using snsim::test::slurp;

namespace {

const std::string kFullMesh = std::string(SNSIM_SOURCE_DIR) + "/configs/fullmesh8.yaml";
const std::string kNvl72 = std::string(SNSIM_SOURCE_DIR) + "/configs/presets/gb200_nvl72.yaml";

// A config that includes fullmesh8's keys with seed 7.
std::string seeded(const snsim::test::TempDir& dir) {
    return dir.write("seeded.yaml", "seed: 7\n" + slurp(kFullMesh));
}

} // namespace

TEST_CASE("determinism: snsim run and compare write the same bytes twice, with the seed", "[cli][determinism]") {
    snsim::test::TempDir dir;
    const std::string config = seeded(dir);
    for (const char* run : {"a", "b"}) {
        const std::string out = dir.file(run);
        REQUIRE(
            run_snsim("run " + config + " --sizes 1K:16M:x8 --csv " + out + ".csv --json " + out + ".json").exit_code ==
            0);
        REQUIRE(run_snsim("compare " + config + " " + kNvl72 + " --sizes 1M,64M --out " + out + "-cmp").exit_code == 0);
    }
    for (const char* file : {".csv", ".json", "-cmp/compare.csv", "-cmp/compare.json"}) {
        INFO(file);
        const std::string a = slurp(dir.file("a") + file);
        CHECK(a.size() > 100);
        CHECK(slurp(dir.file("b") + file) == a);
    }
    const auto j = nlohmann::json::parse(slurp(dir.file("a.json")));
    CHECK(j["seed"] == 7);
    for (const auto& row : j["rows"])
        CHECK(row["seed"] == 7);
    const auto c = nlohmann::json::parse(slurp(dir.file("a-cmp/compare.json")));
    CHECK(c[0]["rows"][0]["seed"] == 7);
    CHECK(c[1]["rows"][0]["seed"] == 1);
}

TEST_CASE("determinism: a sweep over seeds echoes each point's seed in its rows", "[cli][determinism][sweep]") {
    snsim::test::TempDir dir;
    const auto spec = dir.write("seeds.yaml", "sweep:\n  configs: [" + kFullMesh +
                                                  "]\n  grid:\n    seed: [3, 11]\n  sizes: 1M\n  engine: analytic\n");
    REQUIRE(run_snsim("sweep " + spec + " --out " + dir.file("o")).exit_code == 0);
    const auto j = nlohmann::json::parse(slurp(dir.file("o/sweep.json")));
    REQUIRE(j["rows"].size() == 2);
    CHECK(j["rows"][0]["seed"] == 3);
    CHECK(j["rows"][1]["seed"] == 11);
    CHECK(j["rows"][0]["time_us"] == j["rows"][1]["time_us"]); // nothing random in a full-mesh ring
}
