// Custom graphs: the YAML edge list and GraphML readers, their error messages, and a GraphML round trip of a
// generated topology that must measure the same.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

#include "support.hpp"
#include "topologies/errors.hpp"
#include "topologies/generate.hpp"
#include "topologies/io/graph_file.hpp"
#include "topologies/metrics/metrics.hpp"

using namespace snsim;

namespace {

const LinkSpec k50{50e9, 100e-9, LinkKind::Electrical};

std::string error_of(const std::string& file) {
    try {
        custom({file, k50});
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST_CASE("edge list: nodes, attributes with units, parallel cables, defaults", "[graph-files]") {
    test::TempDir dir;
    const auto file =
        dir.write("g.yaml", "nodes:\n"
                            "  - {name: sw, kind: switch, plane: 0}\n"
                            "  - a\n"
                            "  - {name: b, rack: 3}\n"
                            "edges:\n"
                            "  - {a: a, b: sw, bandwidth: 224Gbps, latency: 1.2us, count: 2, kind: optical}\n"
                            "  - [b, sw]\n");
    const Topology t = custom({file, k50});
    CHECK(t.count(NodeKind::Chip) == 2);
    CHECK(t.count(NodeKind::Switch) == 1);
    CHECK(t.num_links() == 3);
    CHECK(t.injection_bytes_per_s(*t.find("a")) == 2 * 28e9);
    CHECK(t.injection_bytes_per_s(*t.find("b")) == 50e9);
    CHECK(t.node(*t.find("b")).place.rack == 3);
    const auto m = measure(t);
    CHECK(m.optical_cables == 2);
    CHECK(m.hops.diameter == 2);
}

TEST_CASE("edge list: without `nodes`, every name is a chip", "[graph-files]") {
    test::TempDir dir;
    const auto file = dir.write("ring.yaml", "edges: [[a, b], [b, c], [c, d], [d, a]]\n");
    const auto m = measure(custom({file, k50}));
    CHECK(m.chips == 4);
    CHECK(m.hops.diameter == 2);
    CHECK(m.bisection.bytes_per_s == 100e9); // heuristic finds the true minimum on a ring
}

TEST_CASE("edge list errors name the file, line, entry and value", "[graph-files][errors]") {
    test::TempDir dir;
    auto check = [&](const std::string& text, const std::string& message) {
        const auto file = dir.write("bad.yaml", text);
        CHECK(error_of(file) == file + message);
    };
    check("nodes: [a, b]\nedges:\n  - [a, c]\n", ":3: edges[0].b: unknown node (not in `nodes`) (got \"c\")");
    check("nodes: [a, a]\nedges: []\n", ":1: nodes[1].name: duplicate node name (got \"a\")");
    check("edges:\n  - [a, a]\n", ":2: edges[0]: self-loop on node \"a\"");
    check("edges:\n  - {a: x, b: y, bandwidth: fast}\n",
          ":2: edges[0].bandwidth: expected a bandwidth such as 392GB/s, 224Gbps, 28 GBps (got \"fast\")");
    check("edges:\n  - {a: x, b: y, bandwidth: -1GB/s}\n", ":2: edges[0].bandwidth: must be positive (got \"-1GB/s\")");
    check("edges:\n  - {a: x, b: y, weight: 3}\n",
          ":2: edges[0].weight: unknown edge attribute (expected bandwidth, latency, plane, kind, network, count) (got \"3\")");
    check("edges:\n  - {a: x, b: y, count: 0}\n",
          ":2: edges[0].count: expected a whole number from 1 to 1000000 (got \"0\")");
    check("nodes:\n  - {name: s, kind: router}\nedges: []\n",
          ":2: nodes[0].kind: expected chip, switch or cpu (got \"router\")");
    check("edges: [[a, b]\n", ":2: malformed YAML: end of sequence flow not found");
    check("links: []\n", ": edges: an edge-list file needs a list `edges:`");
    check("edges: [[a, b]]\nextra: 1\n", ":2: extra: unknown key (expected nodes, edges)");
    check("nodes: [s]\nedges: []\n", ": a graph needs at least 2 chips (got \"1 chips\")");
    check("edges:\n  - {a: x, b: y, a: z}\n", ":2: edges[0].a: key given twice");
    check("edges:\n  - {? [a]: x, b: y}\n", ":2: edges[0].?: keys must be plain names");
    check("edges:\n  - {a: x, b: y, count: 3x}\n",
          ":2: edges[0].count: expected a whole number from 1 to 1000000 (got \"3x\")");
    std::filesystem::create_directory(dir.file("d.yaml"));
    CHECK(error_of(dir.file("d.yaml")) == dir.file("d.yaml") + ": is a directory, not a graph file");
    CHECK(error_of(dir.file("missing.yaml")) == dir.file("missing.yaml") + ": cannot open graph file: No such file or directory");
    CHECK_THROWS_WITH(custom({dir.file("g.txt"), k50}),
                      "file: expected a .graphml, .xml, .yaml or .yml graph file (got "
                      "\"" +
                          dir.file("g.txt") + "\")");
}

TEST_CASE("edge list: cables beyond the memory limit are refused while reading", "[graph-files][errors]") {
    test::TempDir dir;
    const auto file = dir.write("big.yaml", "edges:\n  - {a: x, b: y, count: 600}\n  - {a: y, b: z, count: 600}\n");
    CHECK_THROWS_WITH(custom({file, k50, 1000}),
                      file + ":3: edges[1]: graph would exceed 1000 cables, the most limits.graph_memory allows");
}

TEST_CASE("GraphML: a generated topology written and read back measures the same", "[graph-files]") {
    test::TempDir dir;
    const Topology original =
        clos({4, 4, 1, 2, 1, 2, 2, 1.0, {28e9, 200e-9, LinkKind::Electrical}, {28e9, 1e-6, LinkKind::Optical}});
    const auto file = dir.file("clos.graphml");
    {
        std::ofstream out(file);
        write_graphml(out, original);
    }
    const Topology back = custom({file, k50});
    REQUIRE(back.num_nodes() == original.num_nodes());
    REQUIRE(back.num_links() == original.num_links());
    const auto a = measure(original), b = measure(back);
    CHECK(b.chips == a.chips);
    CHECK(b.cpus == a.cpus);
    CHECK(b.switches == a.switches);
    CHECK(b.optical_cables == a.optical_cables);
    CHECK(b.total_bytes_per_s == a.total_bytes_per_s);
    CHECK(b.hops.diameter == a.hops.diameter);
    CHECK(b.hops.mean == Approx(a.hops.mean).epsilon(1e-12));
    CHECK(back.node(*back.find("n3.p1.leaf0")).place.plane == 1);
    // Cable by cable: endpoints, bandwidth, latency, plane and kind survive the trip.
    auto cables = [](const Topology& t) {
        std::vector<std::tuple<std::string, std::string, double, double, int, LinkKind>> out;
        const auto& g = t.graph();
        for (auto [e, end] = boost::edges(g); e != end; ++e) {
            auto a = g[boost::source(*e, g)].name, b = g[boost::target(*e, g)].name;
            if (b < a) std::swap(a, b);
            out.emplace_back(a, b, g[*e].bytes_per_s, g[*e].latency_s, g[*e].plane, g[*e].kind);
        }
        std::sort(out.begin(), out.end());
        return out;
    };
    CHECK(cables(back) == cables(original));
}

TEST_CASE("GraphML errors", "[graph-files][errors]") {
    test::TempDir dir;
    const std::string head = "<?xml version=\"1.0\"?><graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">"
                             "<key id=\"b\" for=\"edge\" attr.name=\"bandwidth\" attr.type=\"string\"/>"
                             "<graph edgedefault=\"undirected\">";
    const auto bad_unit =
        dir.write("u.graphml", head + "<node id=\"a\"/><node id=\"b\"/><edge source=\"a\" target=\"b\">"
                                      "<data key=\"b\">9 parsecs</data></edge></graph></graphml>");
    CHECK(error_of(bad_unit) == bad_unit + ": edge 0.bandwidth: unknown unit \"parsecs\" for a bandwidth; use e.g. "
                                           "392GB/s, 224Gbps, 28 GBps (got \"9 parsecs\")");
    const auto broken = dir.write("x.graphml", head + "<node id=\"a\"");
    CHECK(error_of(broken) == broken + ":1: malformed GraphML: expected >");
    const auto apart = dir.write("d.graphml", head + "<node id=\"a\"/><node id=\"b\"/><node id=\"c\"/>"
                                                     "<edge source=\"a\" target=\"b\"/></graph></graphml>");
    CHECK(error_of(apart) == apart + ": graph is disconnected: 1 of 3 chips unreachable from a: c");
    const auto typo = dir.write("t.graphml", head + "<node id=\"a\"/><node id=\"b\"/><edge source=\"a\" target=\"b\"/>"
                                                    "<edge source=\"a\" target=\"zz\"/></graph></graphml>");
    CHECK(error_of(typo) == typo + ": edge 1.target: no <node> has this id (got \"zz\")");
    std::string directed = head;
    directed.replace(directed.find("undirected"), 10, "directed");
    const auto d = dir.write("dir.graphml", directed + "<node id=\"a\"/><node id=\"b\"/><edge source=\"a\" "
                                                       "target=\"b\"/></graph></graphml>");
    CHECK(error_of(d) == d + ": edgedefault: cables are undirected (full duplex): use edgedefault=\"undirected\" "
                             "(got \"directed\")");
}

TEST_CASE("GraphML from other tools: node ids as names, foreign attributes ignored with a note, plain numbers in "
          "documented units",
          "[graph-files]") {
    test::TempDir dir;
    // As networkx's write_graphml writes it: ids are the names, floats have no unit, keys of its own (coord, weight).
    const std::string head =
        "<?xml version='1.0' encoding='utf-8'?><graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">"
        "<key id=\"d0\" for=\"edge\" attr.name=\"weight\" attr.type=\"long\"/>"
        "<key id=\"d1\" for=\"edge\" attr.name=\"bandwidth\" attr.type=\"double\"/>"
        "<key id=\"d2\" for=\"edge\" attr.name=\"latency\" attr.type=\"double\"/>"
        "<key id=\"d3\" for=\"node\" attr.name=\"coord\" attr.type=\"string\"/>"
        "<key id=\"d4\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"/>"
        "<key id=\"g0\" for=\"graph\" attr.name=\"bandwidth_unit\" attr.type=\"string\"/>";
    const std::string body = "<node id=\"32\"><data key=\"d3\">0,0</data></node><node id=\"c0.1\"/>"
                             "<node id=\"sw\"><data key=\"d4\">switch</data></node>"
                             "<edge source=\"32\" target=\"sw\"><data key=\"d1\">50.0</data><data key=\"d2\">150"
                             "</data><data key=\"d0\">2</data></edge>"
                             "<edge source=\"c0.1\" target=\"sw\"><data key=\"d1\">25GB/s</data></edge></graph></graphml>";
    const auto file = dir.write("nx.graphml", head + "<graph edgedefault=\"undirected\">" + body);
    const Topology t = custom({file, k50});
    REQUIRE(t.find("32"));
    REQUIRE(t.find("c0.1"));
    CHECK(t.node(*t.find("sw")).kind == NodeKind::Switch);
    const auto& g = t.graph();
    const auto first = boost::edge(*t.find("32"), *t.find("sw"), g).first;
    CHECK(g[first].bytes_per_s == 50e9); // plain number: GB/s
    CHECK(g[first].latency_s == Approx(150e-9).epsilon(1e-12)); // plain number: ns
    CHECK(g[boost::edge(*t.find("c0.1"), *t.find("sw"), g).first].bytes_per_s == 25e9);
    REQUIRE(t.notes().size() == 1);
    CHECK(t.notes()[0] == file + ": ignored attributes snsim does not use: edge weight, node coord "
                                 "(docs/graph-files.md)");

    // A graph attribute names the unit of plain numbers; a unit that is none, or a bandwidth that must be B/s
    // written plain, is refused.
    const auto gbps = dir.write("gbps.graphml", head + "<graph edgedefault=\"undirected\"><data key=\"g0\">Gbps"
                                                       "</data>" + body);
    const Topology in_gbps = custom({gbps, k50});
    CHECK(in_gbps.graph()[boost::edge(*in_gbps.find("32"), *in_gbps.find("sw"), in_gbps.graph()).first]
              .bytes_per_s == 50e9 / 8);
    const auto bad_unit = dir.write("bu.graphml", head + "<graph edgedefault=\"undirected\"><data key=\"g0\">parsecs"
                                                         "</data>" + body);
    CHECK(error_of(bad_unit) == bad_unit + ": graph.bandwidth_unit: unknown unit \"parsecs\" for a bandwidth; use "
                                           "e.g. 392GB/s, 224Gbps, 28 GBps (got \"parsecs\")");
    std::string in_bytes = body;
    in_bytes.replace(in_bytes.find("50.0"), 4, "5e10");
    const auto plain_bytes = dir.write("b.graphml", head + "<graph edgedefault=\"undirected\">" + in_bytes);
    CHECK(error_of(plain_bytes) ==
          plain_bytes + ": edge 0.bandwidth: a plain number is read in GB/s (graph attribute bandwidth_unit), which "
                        "makes this over 1 PB/s per cable: if it is bytes per second, write bandwidth_unit B/s "
                        "(got \"5e10\")");
    // ... and with that unit declared, the same number is 50 GB/s; a unit that is no unit alone is refused.
    const auto in_bytes_per_s = dir.write("bs.graphml", head + "<graph edgedefault=\"undirected\"><data key=\"g0\">"
                                                               "B/s</data>" + in_bytes);
    const Topology bytes_per_s = custom({in_bytes_per_s, k50});
    CHECK(bytes_per_s.graph()[boost::edge(*bytes_per_s.find("32"), *bytes_per_s.find("sw"), bytes_per_s.graph()).first]
              .bytes_per_s == 5e10);
    for (const std::string unit : {"e3GB/s", "0GB/s"}) {
        const auto scaled = dir.write("s.graphml", head + "<graph edgedefault=\"undirected\"><data key=\"g0\">" + unit +
                                                       "</data>" + body);
        CHECK(error_of(scaled) == scaled + ": graph.bandwidth_unit: expected a unit alone, without digits, e.g. GB/s, Gbps, ns "
                                           "(got \"" + unit + "\")");
    }
    const auto bits = dir.write("bits.graphml", head + "<graph edgedefault=\"undirected\"><data key=\"g0\">Mbps"
                                                       "</data>" + body);
    CHECK(custom({bits, k50}).num_links() == 2);
}

TEST_CASE("Bisection of a custom graph: METIS finds the 8 x 8 Hamming graph's 128 cables and the flow bound proves "
          "them",
          "[graph-files][bisection]") {
    // K8 x K8 as an edge list: chips c<i>.<j>, a cable between every two chips in a row or in a column.
    std::string text = "edges:\n";
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 8; ++j)
            for (int k = 0; k < 8; ++k) {
                if (k > j) text += fmt::format("  - [c{}.{}, c{}.{}]\n", i, j, i, k);
                if (k > i) text += fmt::format("  - [c{}.{}, c{}.{}]\n", i, j, k, j);
            }
    test::TempDir dir;
    const Topology t = custom({dir.write("hamming.yaml", text), k50});
    REQUIRE(t.num_links() == 448);
    const Bisection upper = bisection(t);
    // By hand: cutting 4 columns from the other 4 cuts 8 rows x 4 x 4 = 128 cables; no bisection cuts fewer.
    CHECK(upper.cables == 128);
    const auto floor = bisection_floor(t, 1e9);
    REQUIRE(floor);
    // 4,032 ordered pairs: 896 one hop apart, 3,136 two hops (over 2 paths): 7,168 cable-direction units over 896
    // directions is 8 each; 32 x 32 / 8 = 128.
    CHECK(floor->cables == Approx(128).epsilon(1e-12));
    CHECK(floor->bytes_per_s == Approx(128 * 50e9).epsilon(1e-12));
    const auto m = measure(t);
    CHECK(m.bisection.exact);
    // The floor never exceeds the split found, on graphs where the two differ (a ring of 4 chips and 2 switches).
    const Topology lopsided = custom({dir.write("l.yaml", "nodes: [a, b, c, d, {name: s, kind: switch}]\nedges:\n"
                                                          "  - [a, b]\n  - [b, c]\n  - [c, d]\n  - [d, a]\n"
                                                          "  - {a: a, b: s, bandwidth: 10GB/s}\n"
                                                          "  - {a: c, b: s, bandwidth: 10GB/s}\n"),
                                      k50});
    const auto low = bisection_floor(lopsided, 1e9);
    REQUIRE(low);
    CHECK(low->bytes_per_s <= bisection(lopsided).bytes_per_s);
    CHECK_FALSE(bisection_floor(lopsided, 10)); // over the work budget: not computed
}

TEST_CASE("A GraphML written by networkx runs unedited through snsim topo and run", "[graph-files][cli]") {
    test::TempDir dir;
    const auto graph = dir.file("hamming.graphml");
    const auto written = test::run_shell("/usr/bin/python3 " + std::string(SNSIM_SOURCE_DIR) +
                                         "/tests/data/graphs/networkx_hamming.py " + graph);
    INFO(written.output);
    REQUIRE(written.exit_code == 0);
    const std::string topology = "topology:\n  kind: custom\n  file: hamming.graphml\n"
                                 "  link: {bandwidth: 10GB/s, latency: 100ns}\n";
    const auto config = dir.write("hamming.yaml", topology);
    const auto topo = test::run_snsim("topo " + config);
    INFO(topo.output);
    CHECK(topo.exit_code == 0);
    CHECK(topo.output.find("ignored attributes snsim does not use: edge weight, node coord") != std::string::npos);
    // The file's 50.0 (GB/s, the documented unit of plain numbers), not the config's 10GB/s default.
    CHECK(topo.output.find("injection bandwidth per chip  700 GB/s per direction") != std::string::npos);
    CHECK(topo.output.find("bisection bandwidth           6.4 TB/s per direction (128 cables)\n") != std::string::npos);
    const auto run = test::run_snsim("run " + config + " --engine analytic --sizes 64M");
    INFO(run.output);
    CHECK(run.exit_code == 0);
    CHECK(run.output.find("67108864") != std::string::npos);
    // Chips are named by their networkx ids, so faults can name them.
    const auto faulty = dir.write("faulty.yaml", topology + "faults:\n  chips: [c0.0]\n");
    const auto degraded = test::run_snsim("topo " + faulty);
    INFO(degraded.output);
    CHECK(degraded.exit_code == 0);
    CHECK(degraded.output.find("63") != std::string::npos);
}
