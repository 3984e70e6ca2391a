// Faults (topologies/faults.hpp, the config's `faults` section): each kind of fault on the systems the issue
// names, timed against closed forms worked out by hand from the topology: NVL72 with one of its 18 planes down,
// CloudMatrix384 with one L2 switch chip down, a torus ring with a failed cable, a chip failed in a ring. Then
// degraded cables, random faults, algorithms that refuse, disconnected communicators and bad fault specs.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include "sim/config/config.hpp"
#include "sim/config/run_request.hpp"
#include "sim/config/topology_request.hpp"
#include "sim/experiment/experiment.hpp"
#include "support.hpp"
#include "topologies/faults.hpp"
#include "topologies/generators/generators.hpp"
#include "topologies/metrics/bisection.hpp"

using namespace snsim;
using snsim::test::lines;
using snsim::test::run_snsim;

namespace {

std::string preset(const std::string& name) {
    return std::string(SNSIM_SOURCE_DIR) + "/configs/presets/" + name + ".yaml";
}

double relative(double got, double want) {
    return std::abs(got - want) / want;
}

struct Built {
    Topology topology;
    std::vector<Topology::Vertex> chips;
};

Built load(const std::string& config, const config::Config::Overrides& overrides = {}) {
    const auto c = config::Config::load(config, overrides);
    Topology t = config::build_topology(c);
    auto chips = config::communicator(c, t);
    return {std::move(t), std::move(chips)};
}

double time_of(const Topology& t, const std::vector<Topology::Vertex>& chips, Algorithm a, double bytes,
               double alpha_s = 0) {
    Experiment x;
    x.algorithm = a;
    x.sizes = {bytes};
    x.engine.alpha_s = alpha_s;
    return run_experiment(t, chips, x, [](const report::RunRow&) {}).rows.front().time_s;
}

std::vector<std::string> names(const Topology& t, const std::vector<Topology::Vertex>& chips) {
    std::vector<std::string> out;
    for (auto c : chips)
        out.push_back(t.node(c).name);
    return out;
}

} // namespace

TEST_CASE("faults: NVL72 with one of its 18 planes down: the ring's bandwidth term grows by 18/17", "[faults]") {
    // 72 GPUs, each with one 50 GB/s cable to each of 18 switch chips (one per plane), 200 ns per cable. A
    // plane-striped ring allreduce sends S/p per step over every plane at once, each stripe alone on its cables:
    // 2(p-1)(2L + S/(p n B)) with n planes up.
    const double p = 72, B = 50e9, L = 200e-9, S = 1e9;
    const auto healthy = load(preset("gb200_nvl72"));
    const auto faulty = load(preset("gb200_nvl72"), {{"faults.planes", "[3]"}});
    CHECK(faulty.topology.count(NodeKind::Switch) == 17);
    CHECK(faulty.topology.num_links() == 72 * 17);
    CHECK(faulty.topology.faults().switches == 1);
    CHECK(faulty.topology.faults().cables == 72);

    const double t_healthy = time_of(healthy.topology, healthy.chips, Algorithm::ring, S);
    const double t_faulty = time_of(faulty.topology, faulty.chips, Algorithm::ring, S);
    const double latency = 2 * (p - 1) * 2 * L;
    CHECK(relative(t_healthy, latency + 2 * (p - 1) * S / (p * 18 * B)) < 1e-9);
    CHECK(relative(t_faulty, latency + 2 * (p - 1) * S / (p * 17 * B)) < 1e-9);
    CHECK(std::abs((t_faulty - latency) / (t_healthy - latency) - 18.0 / 17.0) < 1e-9);
}

TEST_CASE("faults: NVL72 with one plane degraded to half: the stripe on it sets the pace", "[faults]") {
    // Stripes are equal shares, so the one on the half-speed plane takes twice as long: the bandwidth term doubles.
    const double p = 72, B = 50e9, L = 200e-9, S = 1e9;
    const auto faulty = load(preset("gb200_nvl72"), {{"faults.degrade.planes", "[0]"}});
    CHECK(faulty.topology.faults().degraded_cables == 72);
    CHECK(faulty.topology.faults().cables == 0);
    const double t = time_of(faulty.topology, faulty.chips, Algorithm::ring, S);
    CHECK(relative(t, 2 * (p - 1) * (2 * L + S / (p * 18) / (B / 2))) < 1e-9);
}

TEST_CASE("faults: CloudMatrix384 with one L2 switch chip down", "[faults]") {
    // 48 nodes x 8 NPUs (+4 CPUs), 7 planes; per plane one L1 chip per node with 16 uplinks, one to each of the
    // plane's 16 L2 chips; 28 GB/s cables, 200 ns.
    const double B = 28e9, L = 200e-9;
    const auto healthy = load(preset("cloudmatrix384"));
    const auto faulty = load(preset("cloudmatrix384"), {{"faults.switches", "[p0.spine0]"}});
    CHECK(faulty.topology.count(NodeKind::Switch) == 7 * 16 + 48 * 7 - 1);
    CHECK(faulty.topology.num_links() == healthy.topology.num_links() - 48); // its cable to each node's leaf
    CHECK_FALSE(faulty.topology.find("p0.spine0"));

    // Half the nodes with their leaves against the rest and every L2 chip: the cut is the uplinks of 24 nodes,
    // 24 x 7 x 16 x 28 GB/s = 75.264 TB/s, less the 24 of them that went to the failed chip.
    const auto half_nodes = [](const Topology& t) {
        std::vector<std::uint8_t> side(t.num_nodes(), 1);
        for (Topology::Vertex v = 0; v < t.num_nodes(); ++v)
            if (t.node(v).place.rack >= 0 && t.node(v).place.rack < 24) side[v] = 0;
        return side;
    };
    CHECK(relative(cut(healthy.topology, half_nodes(healthy.topology)).bytes_per_s, 24 * 7 * 16 * B) < 1e-12);
    CHECK(relative(cut(faulty.topology, half_nodes(faulty.topology)).bytes_per_s, (24 * 7 * 16 - 24) * B) < 1e-12);

    // One NPU per node in a ring: each step's 14 stripes (2 per plane) each find an L2 chip of their own, with 15
    // left in plane 0, so the ring routes around the failure at no cost: 2(p-1)(4L + S/(14 p B)) either way.
    const double p = 48, S = 48 * 14 * 1e5;
    const config::Config::Overrides one_per_node = {{"communicator.stride", "8"}};
    auto with_fault = one_per_node;
    with_fault.emplace_back("faults.switches", "[p0.spine0]");
    for (const auto& overrides : {one_per_node, with_fault}) {
        const auto b = load(preset("cloudmatrix384"), overrides);
        REQUIRE(b.chips.size() == 48);
        CHECK(relative(time_of(b.topology, b.chips, Algorithm::ring, S), 2 * (p - 1) * (4 * L + S / (14 * p * B))) <
              1e-9);
    }
}

TEST_CASE("faults: a torus ring with a failed cable reroutes the long way round", "[faults]") {
    // 8 chips in a ring, one 50 GB/s cable between neighbours, no latency so the steps stay in lockstep. The
    // bidirectional ring moves S/2 each way: healthy, every cable direction carries one flow per step,
    // 2(p-1) S/(2pB). With c0 - c1 failed, c0 -> c1 goes round through the 7 other cables and c1 -> c0 the other
    // way, so every cable direction carries two flows of S/(2p) per step: the link loads double, and so does the
    // time.
    const double p = 8, B = 50e9, S = 64e6;
    const Topology healthy = torus({{8}, true, {}, 1, {B, 0, LinkKind::Electrical}});
    FaultSpec spec;
    spec.failed.links = {"c1 - c0"}; // either order
    const Topology faulty = apply_faults(healthy, spec);
    CHECK(faulty.num_links() == 7);
    CHECK(faulty.faults().cables == 1);
    Router router(faulty, {});
    const auto& paths = router.paths(*faulty.find("c0"), *faulty.find("c1"));
    REQUIRE(paths.size() == 1);
    CHECK(paths.front().hops.size() == 7);

    const auto chips = healthy.nodes_of(NodeKind::Chip);
    const double t_healthy = time_of(healthy, chips, Algorithm::bidirectional_ring, S);
    const double t_faulty = time_of(faulty, faulty.nodes_of(NodeKind::Chip), Algorithm::bidirectional_ring, S);
    CHECK(relative(t_healthy, 2 * (p - 1) * S / (2 * p * B)) < 1e-9);
    CHECK(relative(t_faulty, 2 * (p - 1) * S / (p * B)) < 1e-9);
}

TEST_CASE("faults: a chip failed in a ring: ranks re-form around it", "[faults]") {
    // 8 chips on one switch; c3 fails, the other 7 form the ring in chip order: 2(p-1)(a + 2L + S/(pB)), p = 7.
    snsim::test::TempDir dir;
    const auto cfg = dir.write("ring.yaml", "topology:\n  kind: switched\n  chips: 8\n  link:\n    bandwidth: 50GB/s\n"
                                            "    latency: 300ns\nfaults:\n  chips: [c3]\n");
    const auto b = load(cfg);
    CHECK(names(b.topology, b.chips) == std::vector<std::string>{"c0", "c1", "c2", "c4", "c5", "c6", "c7"});
    CHECK(b.topology.faults().failed_chips == std::vector<std::string>{"c3"});
    const double p = 7, a = 2e-6, L = 300e-9, B = 50e9, S = 256e6;
    CHECK(relative(time_of(b.topology, b.chips, Algorithm::ring, S, a), 2 * (p - 1) * (a + 2 * L + S / (p * B))) <
          1e-9);
}

TEST_CASE("faults: patterns, random faults with the seed, and what snsim topo reports", "[faults]") {
    // Patterns: every even chip of 8.
    const Topology t = switched({8, 2, 1, 1, {50e9, 1e-7, LinkKind::Electrical}});
    FaultSpec spec;
    spec.failed.chips = {"c[0246]"};
    const Topology even = apply_faults(t, spec);
    CHECK(names(even, even.nodes_of(NodeKind::Chip)) == std::vector<std::string>{"c1", "c3", "c5", "c7"});
    CHECK(even.faults().cables == 4 * 2);

    // Random: half of NVL72's 18 switch chips, the same ones for the same seed.
    const auto random = [](const std::string& seed) {
        return load(preset("gb200_nvl72"),
                    {{"faults.random.kind", "switches"}, {"faults.random.fraction", "0.5"}, {"seed", seed}});
    };
    const auto a = random("7"), b = random("7"), c = random("8");
    CHECK(a.topology.count(NodeKind::Switch) == 9);
    CHECK(a.topology.num_links() == 72 * 9);
    const auto switches = [](const Topology& t) { return names(t, t.nodes_of(NodeKind::Switch)); };
    CHECK(switches(a.topology) == switches(b.topology));
    CHECK(switches(a.topology) != switches(c.topology));

    snsim::test::TempDir dir;
    const auto r = run_snsim("topo " + preset("gb200_nvl72") + " --json " + dir.file("m.json"));
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.output, !Catch::Contains("faults"));
    const auto cfg = dir.write("f.yaml", "topology:\n  kind: switched\n  chips: 8\n  planes: 2\nfaults:\n"
                                         "  chips: [c7]\n  planes: [1]\n  degrade:\n    links: [c0 - p0.sw0]\n");
    const auto f = run_snsim("topo " + cfg);
    REQUIRE(f.exit_code == 0);
    CHECK_THAT(f.output, Catch::Contains("faults                        removed 1 chip, 1 switch chip, 9 "
                                         "cables; 1 cable degraded"));
    CHECK_THAT(f.output, Catch::Contains("chips                         7\n"));
    const auto run = run_snsim("run " + cfg + " --sizes 1M");
    REQUIRE(run.exit_code == 0);
    CHECK_THAT(run.output, Catch::Contains("on 7 of 7 chips") &&
                               Catch::Contains("; faults removed 1 chip, 1 switch chip, 9 cables; 1 cable "
                                               "degraded\n"));
}

TEST_CASE("faults: compare a healthy and a faulty NVL72", "[faults][cli]") {
    snsim::test::TempDir dir;
    const auto r = run_snsim("compare " + preset("gb200_nvl72") + " --vary 'faults.planes=[],[3]' --sizes 1G --out " +
                             dir.file("cmp"));
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Contains("gb200_nvl72 planes=[]") && Catch::Contains("gb200_nvl72 planes=[3]"));
    // time_us column of each system: 2(p-1)(2L + S/(p n B)), n = 18 then 17 planes, S = 1G = 2^30 bytes.
    std::istringstream csv(snsim::test::slurp(dir.file("cmp") + "/compare.csv"));
    std::vector<double> times;
    for (std::string line; std::getline(csv, line);) {
        if (line.starts_with("system")) continue;
        std::vector<std::string> fields;
        std::istringstream parts(line);
        for (std::string field; std::getline(parts, field, ',');)
            fields.push_back(field);
        times.push_back(std::stod(fields.at(8)));
    }
    REQUIRE(times.size() == 2);
    for (int i = 0; i < 2; ++i)
        CHECK(times[i] == Approx(2 * 71 * (0.4 + 1073741824 / (72 * (18 - i) * 50e9) * 1e6)).epsilon(1e-6));
}

TEST_CASE("faults: algorithms that cannot re-form, and disconnected communicators, refuse in one line",
          "[faults][cli][errors]") {
    snsim::test::TempDir dir;
    const auto hier = dir.write("h.yaml", "topology:\n  kind: switched\n  chips: 8\ncollective:\n  algorithm: "
                                          "hierarchical\n  dims: [2, 4]\nfaults:\n  chips: [c3]\n");
    const auto h = run_snsim("run " + hier + " --sizes 1M --csv " + dir.file("h.csv"));
    CHECK(h.exit_code == 2);
    CHECK(h.output == "snsim: error: hierarchical: its rank grid collective.dims [2, 4] (8 ranks) cannot re-form "
                      "around 1 failed chip (first: c3), which leave 7 ranks; use ring or another flat algorithm, "
                      "or dims for 7 ranks\n");
    CHECK_FALSE(std::filesystem::exists(dir.file("h.csv")));

    const auto split = dir.write("s.yaml", "topology:\n  kind: torus\n  dims: [8]\nfaults:\n"
                                           "  links: [c0 - c1, c4 - c5]\n");
    for (const std::string command : {"run --sizes 1M ", "topo "}) {
        const auto s = run_snsim(command + split);
        CHECK(s.exit_code == 2);
        CHECK(s.output == "snsim: error: " + split +
                              ":5: faults.links: the faults leave the communicator disconnected: 4 of its 8 chips "
                              "cannot reach c0: c1, c2, c3, c4\n");
    }

    const auto many = dir.write("m.yaml", "topology:\n  kind: torus\n  dims: [16]\nfaults:\n"
                                          "  links: [c0 - c1, c8 - c9]\n");
    const auto m = run_snsim("topo " + many);
    CHECK(m.exit_code == 2);
    CHECK(m.output == "snsim: error: " + many +
                          ":5: faults.links: the faults leave the communicator disconnected: 8 of its 16 chips "
                          "cannot reach c0: c1, c2, c3, c4, c5 and 3 more\n");

    const auto dim = dir.write("d.yaml", "topology:\n  kind: torus\n  dims: [8]\nrouting:\n  strategy: "
                                         "dimension_order\nfaults:\n  links: [c0 - c1]\n");
    const auto d = run_snsim("run " + dim + " --sizes 1M");
    CHECK(d.exit_code == 2);
    CHECK(d.output == "snsim: error: routing.strategy dimension_order cannot route around failed parts (1 cable "
                      "removed by faults); use ecmp or shortest\n");
}

TEST_CASE("faults: bad fault specs stop with one line naming key, value and line", "[faults][cli][errors]") {
    snsim::test::TempDir dir;
    const std::string head = "topology:\n  kind: switched\n  chips: 8\n  planes: 2\nfaults:\n";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"  chips: [c99]\n", ":6: faults.chips: matches no chip (names such as \"c0\": snsim topo --dot lists "
                             "them) (got \"c99\")"},
        {"  switches: [c1]\n", ":6: faults.switches: matches no switch (names such as \"p0.sw0\": snsim topo --dot "
                               "lists them) (got \"c1\")"},
        {"  links: [c0-c1]\n", ":6: faults.links: expected a cable as \"A - B\" (node names or patterns, spaces "
                               "around the dash) (got \"c0-c1\")"},
        {"  links: [c0 - c1]\n", ":6: faults.links: matches no cable (snsim topo --dot lists them) (got \"c0 - c1\")"},
        {"  planes: [5]\n", ":6: faults.planes: no cable or switch chip is in this plane (got \"5\")"},
        {"  chips: c1\n", ":6: faults.chips: expected a list of texts such as [c5, \"p3.*\"] (got \"c1\")"},
        {"  random:\n    fraction: 1.5\n", ":7: faults.random.fraction: must be between 0 and 1 (got \"1.5\")"},
        {"  random:\n    kind: switches\n    fraction: 0.1\n",
         ":8: faults.random.fraction: is less than one of the 2 switch chips (a fault that fails nothing would "
         "simulate the healthy system) (got \"0.1\")"},
        {"  degrade:\n    planes: [0]\n    bandwidth_fraction: 2\n",
         ":8: faults.degrade.bandwidth_fraction: must be between 1e-6 and 1 (got \"2\")"},
        {"  degrade:\n    bandwidth_fraction: 1.5\n",
         ":7: faults.degrade.bandwidth_fraction: must be between 1e-6 and 1 (got \"1.5\")"},
        {"  chip: [c1]\n", ":6: faults.chip: unknown key; did you mean faults.chips? (got \"[c1]\")"},
    };
    for (const auto& [faults, message] : cases) {
        const auto cfg = dir.write("bad.yaml", head + faults);
        const auto r = run_snsim("topo " + cfg + " --json " + dir.file("m.json"));
        INFO(faults);
        CHECK(r.exit_code == 2);
        CHECK(lines(r.output) == 1);
        CHECK(r.output == "snsim: error: " + cfg + message + "\n");
        CHECK_FALSE(std::filesystem::exists(dir.file("m.json")));
    }

    // A value given by --vary (or a sweep's grid) is on no line of the config: the error names the file, the key
    // that was overridden (not the first faults key written there) and the value.
    const auto cfg = dir.write("good.yaml", head + "  chips: [c1]\n");
    const auto v = run_snsim("compare " + cfg + " --vary 'faults.links=[c0 - c1]' --sizes 1M");
    CHECK(v.exit_code == 2);
    CHECK(v.output == "snsim: error: " + cfg +
                          ": faults.links: matches no cable (snsim topo --dot lists them) (got "
                          "\"c0 - c1\")\n");
}
