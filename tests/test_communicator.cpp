// Rank order (communicator.order, dim_order, map): the Hilbert curve against its published order-2 drawing and
// its recursive definition, a snake that lays a ring along a torus one cable per hop (timed against the closed
// form of a ring allreduce), and every refusal of a rank map, by its exact message.
#include <catch2/catch.hpp>

#include <boost/graph/adjacency_list.hpp>

#include "sim/config/communicator.hpp"
#include "sim/config/topology_request.hpp"
#include "sim/experiment/experiment.hpp"
#include "tests/support.hpp"

using namespace snsim;
using config::Config;

namespace {

using XY = std::pair<int, int>;

std::vector<std::string> names(const std::string& yaml, const std::string& file = "cfg.yaml") {
    const Config c = Config::parse(yaml, file);
    const Topology t = config::build_topology(c);
    std::vector<std::string> out;
    for (auto v : config::communicator(c, t))
        out.push_back(t.node(v).name);
    return out;
}

std::vector<XY> coords(const std::vector<std::string>& chip_names) {
    std::vector<XY> out;
    for (const auto& n : chip_names) {
        const auto dot = n.find('.');
        out.emplace_back(std::stoi(n.substr(1, dot - 1)), std::stoi(n.substr(dot + 1)));
    }
    return out;
}

std::string error_of(const std::string& yaml, const std::string& file = "cfg.yaml") {
    try {
        names(yaml, file);
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

// The order-2 Hilbert curve as drawn (Hilbert 1891; Wikipedia's orientation): from the lower left corner up,
// ending at the lower right.
const std::vector<XY> kHilbert4 = {{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 2}, {0, 3}, {1, 3}, {1, 2},
                                   {2, 2}, {2, 3}, {3, 3}, {3, 2}, {3, 1}, {2, 1}, {2, 0}, {3, 0}};

} // namespace

TEST_CASE("communicator.order hilbert: the order-2 curve, and order 3 built from it as the curve is defined",
          "[communicator]") {
    CHECK(coords(names("topology:\n  kind: torus\n  dims: [4, 4]\ncommunicator:\n  order: hilbert\n")) == kHilbert4);
    // Order 3: the order-2 curve transposed in the lower left quadrant, shifted into the upper two, and turned
    // (x, y) -> (7 - y, 3 - x) into the lower right.
    std::vector<XY> want;
    for (auto [x, y] : kHilbert4)
        want.emplace_back(y, x);
    for (auto [x, y] : kHilbert4)
        want.emplace_back(x, y + 4);
    for (auto [x, y] : kHilbert4)
        want.emplace_back(x + 4, y + 4);
    for (auto [x, y] : kHilbert4)
        want.emplace_back(7 - y, 3 - x);
    CHECK(coords(names("topology:\n  kind: mesh\n  dims: [8, 8]\ncommunicator:\n  order: hilbert\n")) == want);
    // dim_order [1, 0] walks the same curve with x and y swapped; count takes a compact block of it.
    const auto swapped = coords(names("topology:\n  kind: torus\n  dims: [4, 4]\ncommunicator:\n  order: hilbert\n"
                                      "  dim_order: [1, 0]\n  count: 4\n"));
    CHECK(swapped == std::vector<XY>{{0, 0}, {0, 1}, {1, 1}, {1, 0}});
    // A failed chip leaves the curve; the survivors keep their order and re-form the ranks before count applies.
    const auto survivors = coords(names("topology:\n  kind: torus\n  dims: [4, 4]\ncommunicator:\n  order: "
                                        "hilbert\n  count: 4\nfaults:\n  chips: [c1.0]\n"));
    CHECK(survivors == std::vector<XY>{{0, 0}, {1, 1}, {0, 1}, {0, 2}});
}

TEST_CASE("communicator.order snake lays a ring along a 4x4 torus one cable per hop", "[communicator]") {
    const std::string torus = "topology:\n  kind: torus\n  dims: [4, 4]\n  link:\n    bandwidth: 50GB/s\n"
                              "    latency: 300ns\n";
    CHECK(coords(names(torus + "communicator:\n  order: snake\n")) == std::vector<XY>{{0, 0},
                                                                                      {1, 0},
                                                                                      {2, 0},
                                                                                      {3, 0},
                                                                                      {3, 1},
                                                                                      {2, 1},
                                                                                      {1, 1},
                                                                                      {0, 1},
                                                                                      {0, 2},
                                                                                      {1, 2},
                                                                                      {2, 2},
                                                                                      {3, 2},
                                                                                      {3, 3},
                                                                                      {2, 3},
                                                                                      {1, 3},
                                                                                      {0, 3}});
    CHECK(coords(names(torus + "communicator:\n  order: snake\n  dim_order: [1, 0]\n  count: 6\n")) ==
          std::vector<XY>{{0, 0}, {0, 1}, {0, 2}, {0, 3}, {1, 3}, {1, 2}});

    const auto time_of = [&](const std::string& order) {
        const Config c = Config::parse(torus + "communicator:\n  order: " + order + "\n", "cfg.yaml");
        const Topology t = config::build_topology(c);
        const auto chips = config::communicator(c, t);
        const auto& g = t.graph();
        int far = 0; // ring neighbours (the last chip's is the first) with no cable between them
        for (std::size_t r = 0; r < chips.size(); ++r)
            far += boost::edge(chips[r], chips[(r + 1) % chips.size()], g).second ? 0 : 1;
        const Experiment x{Collective::allreduce, Algorithm::ring, {1e9}, {}, {}, {}};
        const auto rows = run_experiment(t, chips, x, [](const report::RunRow&) {}).rows;
        return std::pair{far, rows.at(0).time_s};
    };
    // Ring allreduce with every hop one cable and each cable carrying one flow: 2(p-1)(L + S/(pB)).
    const double p = 16, L = 300e-9, S = 1e9, B = 50e9;
    const auto [snake_far, snake_time] = time_of("snake");
    CHECK(snake_far == 0);
    CHECK(snake_time == Approx(2 * (p - 1) * (L + S / (p * B))).epsilon(1e-9));
    // In chip order, c3.y -> c0.(y+1) and c3.3 -> c0.0 are two cables away: 4 of 16 hops. ECMP spreads those over
    // two otherwise idle paths, so at 1 GB only their latency shows.
    const auto [chips_far, chips_time] = time_of("chips");
    CHECK(chips_far == 4);
    CHECK(chips_time > snake_time);
}

TEST_CASE("communicator orders refused where they do not apply", "[communicator][errors]") {
    CHECK(error_of("topology:\n  kind: torus\n  dims: [4, 8]\ncommunicator:\n  order: hilbert\n") ==
          "cfg.yaml:5: communicator.order: the Hilbert curve needs a square 2D grid whose side is a power of two; "
          "topology.dims is [4, 8] (got \"hilbert\")");
    CHECK(error_of("topology:\n  kind: torus\n  dims: [2, 2, 2]\ncommunicator:\n  order: hilbert\n") ==
          "cfg.yaml:5: communicator.order: the Hilbert curve needs a square 2D grid whose side is a power of two; "
          "topology.dims is [2, 2, 2] (got \"hilbert\")");
    CHECK(error_of("topology:\n  kind: switched\n  chips: 8\ncommunicator:\n  order: snake\n") ==
          "cfg.yaml:5: communicator.order: needs chip coordinates: a torus, mesh or nd_fullmesh topology, not "
          "switched (got \"snake\")");
    CHECK(error_of("topology:\n  kind: torus\n  dims: [4, 4]\ncommunicator:\n  dim_order: [0, 0]\n") ==
          "cfg.yaml:5: communicator.dim_order: expected each dimension of topology.dims once, 0 to 1 (got \"[0, 0]\")");
}

TEST_CASE("communicator.map: ranks on the chips it names, failed chips skipped, and each bad line refused",
          "[communicator][errors]") {
    test::TempDir dir;
    const std::string cfg = dir.file("cfg.yaml");
    const std::string topo = "topology:\n  kind: switched\n  chips: 6\n";
    dir.write("good.txt", "# rank order for a test\nc5\nc0   # rank 1\n\n  c3\nc1\n");
    CHECK(names(topo + "communicator:\n  map: good.txt\n", cfg) == std::vector<std::string>{"c5", "c0", "c3", "c1"});
    CHECK(names(topo + "communicator:\n  map: good.txt\nfaults:\n  chips: [c0]\n", cfg) ==
          std::vector<std::string>{"c5", "c3", "c1"});
    CHECK(names(topo + "communicator:\n  map: good.txt\n  count: 4\n", cfg).size() == 4);

    const auto map_error = [&](const std::string& text, const std::string& extra = "") {
        dir.write("map.txt", text);
        return error_of(topo + "communicator:\n  map: map.txt\n" + extra, cfg);
    };
    const std::string map = dir.file("map.txt");
    CHECK(map_error("c0\nc1\nc9\n") == map + ":3: no chip of that name in the topology (got \"c9\")");
    CHECK(map_error("c0\nc1\n# again\nc0\n") == map + ":4: chip listed twice (first at line 1) (got \"c0\")");
    CHECK(map_error("c0\np0.sw0\n") == map + ":2: names a switch, not a chip (got \"p0.sw0\")");
    CHECK(map_error("# nothing\n\n") == map + ": the communicator map lists no chips");
    CHECK(map_error("c0\nc1\nc2\n", "  count: 4\n") ==
          cfg + ":6: communicator.count: the communicator map map.txt lists 3 chips (got \"4\")");
    CHECK(map_error("c0\nc1\n", "  stride: 2\n") ==
          cfg + ":6: communicator.stride: and communicator.map both set the rank order; give one (got \"2\")");
    CHECK(
        error_of(topo + "communicator:\n  map: missing.txt\n", cfg)
            .starts_with(cfg + ":5: communicator.map: " + dir.file("missing.txt") + ": cannot open communicator map"));
}
