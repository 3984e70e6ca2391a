// Custom graphs: the YAML edge list and GraphML readers, their error messages, and a GraphML round trip of a
// generated topology that must measure the same.
#include <catch2/catch.hpp>

#include <sstream>

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
          ":2: edges[0].weight: unknown edge attribute (expected bandwidth, latency, plane, kind) (got \"3\")");
    check("edges:\n  - {a: x, b: y, count: 0}\n",
          ":2: edges[0].count: expected a whole number from 1 to 1000000 (got \"0\")");
    check("nodes:\n  - {name: s, kind: router}\nedges: []\n",
          ":2: nodes[0].kind: expected chip, switch or cpu (got \"router\")");
    check("edges: [[a, b]\n", ":2: malformed YAML: end of sequence flow not found");
    check("links: []\n", ": edges: an edge-list file needs a list `edges:`");
    check("edges: [[a, b]]\nextra: 1\n", ":2: extra: unknown key (expected nodes, edges)");
    check("nodes: [s]\nedges: []\n", ": a graph needs at least 2 chips (got \"1 chips\")");
    CHECK(error_of(dir.file("missing.yaml")) == dir.file("missing.yaml") + ": cannot open graph file");
    CHECK_THROWS_WITH(custom({dir.file("g.txt"), k50}),
                      "file: expected a .graphml, .xml, .yaml or .yml graph file (got "
                      "\"" +
                          dir.file("g.txt") + "\")");
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
    CHECK(b.bisection.bytes_per_s >= a.bisection.bytes_per_s); // the file carries no proof of minimality
    CHECK(back.node(*back.find("n3.p1.leaf0")).place.plane == 1);
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
    CHECK_THAT(error_of(broken), Catch::StartsWith(broken + ": malformed GraphML: "));
    const auto apart = dir.write("d.graphml", head + "<node id=\"a\"/><node id=\"b\"/><node id=\"c\"/>"
                                                     "<edge source=\"a\" target=\"b\"/></graph></graphml>");
    CHECK(error_of(apart) == apart + ": graph is disconnected: 1 of 3 chips unreachable from v0: v2");
}
