// The real supernodes in configs/presets/ against their published figures (shared/data/supernodes.md): chip
// count, injection bandwidth per chip and bisection bandwidth, each from the topology snsim builds. Then every
// preset runs an allreduce sweep end to end.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "sim/config/config.hpp"
#include "sim/config/run_request.hpp"
#include "sim/config/topology_request.hpp"
#include "sim/experiment/experiment.hpp"
#include "topologies/metrics/bisection.hpp"

using namespace snsim;

namespace {

std::string preset(const std::string& name) {
    return std::string(SNSIM_SOURCE_DIR) + "/configs/presets/" + name + ".yaml";
}

struct Published {
    std::size_t chips;
    double per_chip_Bps;  // per direction
    double bisection_Bps; // per direction; 0 = not published (checked against the design below)
};

// Figures and the arithmetic behind them (source: shared/data/supernodes.md, which cites each).
const std::map<std::string, Published> kPublished = {
    // 128 chips, 700 GB/s each; a single non-blocking switch tier: half the chips' bandwidth crosses the middle.
    {"al128", {128, 700e9, 64 * 700e9}},
    {"al128_domain64", {64, 700e9, 32 * 700e9}},
    // 384 NPUs x 392 GB/s, non-blocking two-tier Clos (paper: 7 x 448 = 8 x 392 GB/s per node).
    {"cloudmatrix384", {384, 392e9, 192 * 392e9}},
    // 72 GPUs x 18 x 50 GB/s, full bisection.
    {"gb200_nvl72", {72, 900e9, 36 * 900e9}},
    // 8 GPUs x 450 GB/s through 4 NVSwitch chips, non-blocking.
    {"hgx_h100", {8, 450e9, 4 * 450e9}},
    // 8 GPUs, full mesh of 64 GB/s links: 4 x 4 links cross the middle.
    {"mi300x", {8, 7 * 64e9, 16 * 64e9}},
    // k x k x k tori with wrap-around: 2 k^2 links cross a cut across one dimension (6 links x 50 GB/s per chip).
    {"tpuv4_slice512", {512, 6 * 50e9, 2 * 64 * 50e9}},
    {"tpuv4_pod4096", {4096, 6 * 50e9, 2 * 256 * 50e9}},
    {"trn2_ultraserver", {64, 6 * 64e9, 2 * 16 * 64e9}},
    // 8x8x4x4 full mesh: halving a 4-long dimension cuts 2 cables per chip of one half.
    {"ubmesh_pod1024", {1024, (2 * 7 + 7 + 3 + 3) * 50e9, 512 * 2 * 50e9}},
    // 18 UB ports x 56 GB/s; 8,192 x 2,016 GB/s both ways = 16.5 PB/s (published: 16.3 PB/s total).
    {"atlas950_clos", {8192, 18 * 56e9, 4096 * 18 * 56e9}},
    {"atlas950_ndmesh", {8192, 18 * 56e9, 0}},
    // 34 PB/s / 15,488 NPUs / 2 directions = 1.1 TB/s per NPU per direction.
    {"atlas960_clos", {15488, 1100e9, 7744 * 1100e9}},
    {"atlas960_ndmesh", {15488, 1100e9, 0}},
};

double relative(double got, double want) {
    return std::abs(got - want) / want;
}

} // namespace

TEST_CASE("presets: every file in configs/presets/ is checked against its published figures", "[presets]") {
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(std::string(SNSIM_SOURCE_DIR) + "/configs/presets")) {
        ++files;
        INFO(entry.path());
        CHECK(kPublished.count(entry.path().stem().string()) == 1);
    }
    CHECK(files == kPublished.size());
}

TEST_CASE("presets: chip count, bandwidth per chip and bisection as published", "[presets]") {
    for (const auto& [name, want] : kPublished) {
        INFO(name);
        const auto config = config::Config::load(preset(name));
        CHECK(config.name() == name);
        const Topology t = config::build_topology(config);
        const auto chips = t.nodes_of(NodeKind::Chip);
        REQUIRE(chips.size() == want.chips);
        for (auto chip : {chips.front(), chips[chips.size() / 2], chips.back()})
            CHECK(relative(t.injection_bytes_per_s(chip), want.per_chip_Bps) < 1e-12);
        const Bisection b = bisection(t);
        if (want.bisection_Bps > 0) {
            CHECK(relative(b.bytes_per_s, want.bisection_Bps) < 1e-12);
        } else {
            // Unpublished design (Atlas nD-mesh variants): no more than half the chips' bandwidth can cross.
            CHECK(b.bytes_per_s <= want.chips / 2 * want.per_chip_Bps);
            CHECK(b.bytes_per_s > 0);
        }
    }
    // The Atlas totals: both directions of every NPU against the published 16.3 PB/s and 34 PB/s.
    CHECK(relative(8192 * 2 * 18 * 56e9, 16.3e15) < 0.02);
    CHECK(relative(15488 * 2 * 1100e9, 34e15) < 0.01);
}

TEST_CASE("presets: each runs an allreduce sweep with its own algorithm", "[presets]") {
    for (const auto& [name, want] : kPublished) {
        INFO(name);
        const auto config = config::Config::load(preset(name));
        const Topology t = config::build_topology(config);
        const config::RunRequest r = config::run_request(config);
        Experiment x;
        x.sizes = {1 << 20, 64 << 20};
        x.routing = r.routing;
        x.engine = r.engine;
        auto chips = config::communicator(config, t);
        x.algorithm = *algorithm_from(r.algorithm);
        x.params.dims = r.dims;
        if (chips.size() > 512) {
            // 1,024 to 15,488 chips take seconds to minutes per size in the discrete-event engine, and ten times that
            // under the sanitizers (bench/ has the full-size figures): a grid algorithm runs on the leading
            // dimensions of its grid, up to 256 chips (a torus plane, a UB-Mesh rack), on the whole machine's
            // graph and routing; a Clos design runs a ring over its first rack.
            std::vector<Rank> leading;
            Rank count = 1;
            for (Rank d : r.dims)
                if (count * d <= 256) leading.push_back(d), count *= d;
                else break;
            if (leading.size() >= 2 && x.algorithm != Algorithm::ring) {
                x.params.dims = leading;
                chips.resize(count);
            } else {
                chips.resize(name.rfind("atlas950", 0) == 0 ? 64 : 88); // the first rack, in both designs
                x.algorithm = Algorithm::ring;
                x.params.dims.clear();
            }
        }
        INFO(to_string(x.algorithm) << " on " << chips.size() << " chips");
        const auto result = run_experiment(t, chips, x, [](const report::RunRow&) {});
        REQUIRE(result.rows.size() == 2);
        for (const auto& row : result.rows) {
            CHECK(row.time_s > 0);
            CHECK(row.bound_s > 0);
            CHECK(row.time_s >= row.bound_s * (1 - 1e-9));
        }
    }
}
