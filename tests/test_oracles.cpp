// Collective algorithms timed by the SimGrid engine against closed forms (relative error below 1e-9 where the
// schedule is contention-free), and contention against what cable loads predict.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "sim/collectives/collective.hpp"
#include "sim/config/communicator.hpp"
#include "sim/config/topology_request.hpp"
#include "sim/engine/engine.hpp"
#include "sim/experiment/experiment.hpp"
#include "topologies/generators/generators.hpp"

using namespace snsim;

namespace {

constexpr double kB = 50e9, kLat = 300e-9, kAlpha = 2e-6;
const LinkSpec kLink{kB, kLat, LinkKind::Electrical};

RunResult run(const Topology& t, Collective c, Algorithm a, double bytes, RoutingOptions routing = {},
              std::vector<Topology::Vertex> chips = {}, double alpha = kAlpha) {
    if (chips.empty()) chips = t.nodes_of(NodeKind::Chip);
    Router router(t, routing);
    const Schedule s = build_schedule(c, a, static_cast<Rank>(chips.size()), {.bytes = bytes});
    return simulate(t, router, s, chips, {.alpha_s = alpha});
}

double relative(double got, double want) {
    return std::abs(got - want) / want;
}

} // namespace

TEST_CASE("oracle: ring allreduce on a ring is 2(p-1)(a + S/(pB))", "[oracle]") {
    for (int p : {2, 5, 8, 16}) {
        INFO(p << " chips");
        const Topology t = torus({{p}, true, {}, 1, kLink});
        for (double S : {1e3, 1e6, 1e9}) {
            const auto r = run(t, Collective::allreduce, Algorithm::ring, S, {RouteStrategy::Shortest, 0});
            CHECK(relative(r.time_s, 2 * (p - 1) * (kAlpha + kLat + S / (p * kB))) < 1e-9);
        }
    }
}

TEST_CASE("oracle: ring allreduce on a switch crosses two cables per step", "[oracle]") {
    const int p = 16;
    const Topology t = switched({p, 1, 1, 1, kLink});
    const double S = 256e6;
    const auto r = run(t, Collective::allreduce, Algorithm::ring, S);
    CHECK(relative(r.time_s, 2 * (p - 1) * (kAlpha + 2 * kLat + S / (p * kB))) < 1e-9);
}

TEST_CASE("oracle: recursive doubling allreduce on a full mesh is log2(p)(a + S/B)", "[oracle]") {
    const int p = 8;
    const Topology t = full_mesh({p, 1, kLink});
    const double S = 64e6;
    const auto r = run(t, Collective::allreduce, Algorithm::recursive_doubling, S);
    CHECK(relative(r.time_s, 3 * (kAlpha + kLat + S / kB)) < 1e-9);
}

TEST_CASE("oracle: direct allgather on a switch is a + 2 cables + (p-1)S/(pB)", "[oracle]") {
    const int p = 12;
    const Topology t = switched({p, 1, 1, 1, kLink});
    const double S = 120e6;
    const auto r = run(t, Collective::allgather, Algorithm::direct, S);
    CHECK(relative(r.time_s, kAlpha + 2 * kLat + (p - 1) * S / (p * kB)) < 1e-9);
}

TEST_CASE("oracle: binomial broadcast takes ceil(log2 p) steps of a + S/B", "[oracle]") {
    for (int p : {8, 6}) {
        INFO(p << " chips");
        const Topology t = full_mesh({p, 1, kLink});
        const double S = 32e6;
        const auto r = run(t, Collective::broadcast, Algorithm::binomial_tree, S);
        CHECK(relative(r.time_s, 3 * (kAlpha + kLat + S / kB)) < 1e-9);
    }
}

TEST_CASE("oracle: a bidirectional ring is twice as fast on full-duplex cables", "[oracle]") {
    const Topology t = torus({{8}, true, {}, 1, {kB, 0, LinkKind::Electrical}});
    const double S = 1e9;
    const auto one = run(t, Collective::allreduce, Algorithm::ring, S, {RouteStrategy::Shortest, 0}, {}, 0);
    const auto two =
        run(t, Collective::allreduce, Algorithm::bidirectional_ring, S, {RouteStrategy::Shortest, 0}, {}, 0);
    CHECK(relative(one.time_s / two.time_s, 2.0) < 1e-9);
}

TEST_CASE("oracle: k planes give k times the bandwidth to a ring allreduce", "[oracle]") {
    const int p = 8;
    const double S = 1e9;
    for (int planes : {1, 2, 9}) {
        INFO(planes << " planes");
        const Topology t = switched({p, planes, 1, 1, {kB, 0, LinkKind::Electrical}});
        const auto r = run(t, Collective::allreduce, Algorithm::ring, S, {}, {}, 0);
        CHECK(relative(r.time_s, 2 * (p - 1) * S / (p * planes * kB)) < 1e-9);
    }
}

TEST_CASE("contention: a ring laid badly on a torus is slower by what cable loads predict", "[oracle]") {
    // 8 chips in a ring. Laid along the ring, every flow crosses one cable alone. Laid with rank r on chip 3r mod
    // 8, every flow crosses 3 cables forward and every forward cable carries 3 flows at once.
    const Topology t = torus({{8}, true, {}, 1, {kB, 0, LinkKind::Electrical}});
    const auto chips = t.nodes_of(NodeKind::Chip);
    std::vector<Topology::Vertex> strided;
    for (int r = 0; r < 8; ++r)
        strided.push_back(chips[(3 * r) % 8]);
    const double S = 1e9;
    const RoutingOptions shortest{RouteStrategy::Shortest, 0};
    const auto good = run(t, Collective::allreduce, Algorithm::ring, S, shortest, chips, 0);
    const auto bad = run(t, Collective::allreduce, Algorithm::ring, S, shortest, strided, 0);
    const auto busiest = [](const RunResult& r) { return *std::max_element(r.hop_bytes.begin(), r.hop_bytes.end()); };
    CHECK(relative(good.time_s, busiest(good) / kB) < 1e-9);
    CHECK(relative(bad.time_s, busiest(bad) / kB) < 1e-9);
    CHECK(relative(bad.time_s / good.time_s, 3.0) < 1e-9);
}

TEST_CASE("oracle: in-switch allreduce is 2(a + L + S/(kB)) with k reducing switches", "[oracle]") {
    const int p = 8;
    const double S = 1e9;
    for (int planes : {1, 4}) {
        INFO(planes << " planes, one switch chip each");
        const Topology t = switched({p, planes, 1, 1, kLink});
        std::vector<Topology::Vertex> endpoints = t.nodes_of(NodeKind::Chip);
        const auto switches = t.nodes_of(NodeKind::Switch);
        endpoints.insert(endpoints.end(), switches.begin(), switches.end());
        Router router(t, {});
        const Schedule s = build_schedule(Collective::allreduce, Algorithm::in_switch, p,
                                          {.bytes = S, .switches = static_cast<Rank>(planes)});
        const auto r = simulate(t, router, s, endpoints, {.alpha_s = kAlpha});
        CHECK(relative(r.time_s, 2 * (kAlpha + kLat + S / (planes * kB))) < 1e-9);

        // Through an experiment, which finds the switches cabled to every chip and bounds the row by S/B per chip.
        const Experiment x{Collective::allreduce, Algorithm::in_switch, {S}, {}, {}, {.alpha_s = kAlpha}};
        const auto rows = run_experiment(t, t.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {}).rows;
        REQUIRE(rows.size() == 1);
        CHECK(relative(rows[0].time_s, r.time_s) < 1e-12);
        CHECK(relative(rows[0].bound_s, S / (planes * kB) + kLat) < 1e-9);
    }
}

TEST_CASE("oracle: in-switch shares follow each switch's cables to the chips", "[oracle]") {
    // 4 chips, 3 cables each to 2 switch chips, dealt round-robin: 2 cables to sw0, 1 to sw1. By hand: sw0 takes
    // 2/3 of the buffer, over 2 cables (S/3 on each), sw1 1/3 over its one: every cable direction carries S/3 up
    // and S/3 down, and each step takes L + S/(3B). Equal halves would put S/2 on sw1's cable: L + S/(2B).
    const double S = 1e9;
    const Topology t = switched({4, 1, 2, 3, kLink});
    const Experiment x{Collective::allreduce, Algorithm::in_switch, {S}, {}, {}, {.alpha_s = kAlpha}};
    const auto result = run_experiment(t, t.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {});
    CHECK(relative(result.rows.at(0).time_s, 2 * (kAlpha + kLat + S / (3 * kB))) < 1e-9);
    CHECK(result.idle_cable_directions == 0);
    REQUIRE(result.cables.size() == 2 * 4 * 3);
    for (const auto& cable : result.cables)
        CHECK(relative(cable.bytes, S / 3) < 1e-12);
}

TEST_CASE("oracle: in-switch on HGX H100 (5, 4, 4, 5 cables per GPU) keeps every cable busy: 2L + (c+1)S/(cB)",
          "[oracle][presets]") {
    // Shares 5/18, 4/18, 4/18, 5/18: each GPU's part takes S/18 per cable, S/B with B = 18 x 25 GB/s = 450 GB/s,
    // on every switch at once. c chunks pipeline the two steps and stream (Flow::follows): chunk k reaches the
    // switches at L + (k+1)S/(cB); the switches return chunk 0 at 2L + 2S/(cB), and each later chunk as its
    // predecessor has left, so the last arrives at 2L + (c+1)S/(cB). The bound is S/B + L.
    const config::Config c = config::Config::load(std::string(SNSIM_SOURCE_DIR) + "/configs/presets/hgx_h100.yaml");
    const Topology t = config::build_topology(c);
    const double S = 1 << 30, B = 450e9, L = 200e-9;
    // chunks 0, the default: alpha is 0, so the most chunks (128; 8S/(BL) is 95,000): 99.2% of the bound.
    for (std::uint32_t chunks : {1u, 64u, 0u}) {
        INFO(chunks << " chunks");
        const Experiment x{Collective::allreduce, Algorithm::in_switch, {S}, {.chunks = chunks}, {}, {}};
        if (chunks == 0) chunks = 128;
        const auto result = run_experiment(t, config::communicator(c, t), x, [](const report::RunRow&) {});
        const auto& row = result.rows.at(0);
        CHECK(relative(row.time_s, 2 * L + (chunks + 1) * S / (chunks * B)) < 1e-9);
        CHECK(relative(row.bound_s, S / B + L) < 1e-12);
        if (chunks == 128) CHECK(row.bound_s / row.time_s >= 0.99);
        for (const auto& cable : result.cables)
            CHECK(relative(cable.bytes, S / 18) < 1e-9);
    }
}

TEST_CASE("oracle: a chain broadcast's chunks stream: (p-1)(a + L + T) + (c-1)(a + T)", "[oracle]") {
    // p ranks in a line (a ring laid on a 1-D torus, shortest routes), c chunks of T = S/(cB) each. Chunk 0 pays
    // alpha and the cable latency L on every hop; every later chunk leaves a rank as soon as its predecessor has
    // left it, so it pays alpha alone and arrives T + alpha after it: (p-1)(a + L + T) + (c-1)(a + T). Paying L
    // again per chunk would add (c-1)L.
    const double p = 8, S = 64e6;
    const Topology t = torus({{8}, true, {}, 1, kLink});
    for (std::uint32_t chunks : {1u, 16u}) {
        INFO(chunks << " chunks");
        const double T = S / (chunks * kB);
        Experiment x{Collective::broadcast, Algorithm::ring, {S}, {.chunks = chunks}, {}, {.alpha_s = kAlpha}};
        x.routing = {RouteStrategy::Shortest, 0};
        for (EngineKind kind : {EngineKind::simgrid, EngineKind::analytic}) {
            x.engine.kind = kind;
            const auto result = run_experiment(t, t.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {});
            CHECK(relative(result.rows.at(0).time_s, (p - 1) * (kAlpha + kLat + T) + (chunks - 1) * (kAlpha + T)) <
                  1e-9);
        }
    }
}

TEST_CASE("in_switch is refused where no switch reaches every chip", "[oracle][errors]") {
    const Topology t = torus({{4, 4}, true, {}, 1, kLink});
    const Experiment x{Collective::allreduce, Algorithm::in_switch, {1e6}, {}, {}, {}};
    CHECK_THROWS_WITH(run_experiment(t, t.nodes_of(NodeKind::Chip), x, [](const report::RunRow&) {}),
                      "in_switch needs switch chips cabled to every chip of the communicator; torus has none for "
                      "these 16 chips");
}
