// Hostile input through the whole CLI (issue 6): absurd sizes, NaN and infinity, huge chip counts, self-loops,
// duplicate names and keys, missing, unreadable and empty files, directories, binary garbage, outputs into
// directories that do not exist. Each gets exactly one line `snsim: error: ...`, exit code 2 and no output file.
// docs/hostile-input.md lists the same classes with these messages.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.hpp"

using snsim::test::run_shell;
using snsim::test::run_snsim;
using snsim::test::slurp;
using snsim::test::TempDir;

namespace {

const std::string kMesh4 = "topology:\n  kind: full_mesh\n  chips: 4\n";

// Runs `snsim ARGS` with one output file in `dir` (the option given) and checks the refusal: the one line
// `snsim: error: <message>`, exit code 2, and the output file not written.
void refused(const TempDir& dir, const std::string& args, const std::string& output_option,
             const std::string& message) {
    const std::string out = dir.file("out.file");
    const auto r = run_snsim(args + " " + output_option + " " + out);
    INFO("snsim " << args);
    CHECK(r.output == "snsim: error: " + message + "\n");
    CHECK(r.exit_code == 2);
    CHECK_FALSE(std::filesystem::exists(out));
}

// A config whose custom topology is the graph file `name` with `text`, in `dir`.
std::string custom_config(const TempDir& dir, const std::string& name, const std::string& text) {
    dir.write(name, text);
    return dir.write("custom.yaml", "topology:\n  kind: custom\n  file: " + name + "\n");
}

} // namespace

TEST_CASE("hostile input: absurd message sizes in --sizes and collective.sizes", "[cli][errors][hostile]") {
    TempDir dir;
    const auto cfg = dir.write("mesh.yaml", kMesh4);
    refused(dir, "run " + cfg + " --sizes 0", "--csv", "--sizes \"0\": size \"0\" must be positive");
    refused(dir, "run " + cfg + " --sizes -1", "--csv", "--sizes \"-1\": size \"-1\" must be positive");
    refused(dir, "run " + cfg + " --sizes 1e30", "--json",
            "--sizes \"1e30\": size \"1e30\" is above 8 TiB, the largest message snsim simulates");
    refused(dir, "run " + cfg + " --sizes 1K:1e30:x2 --engine analytic", "--csv",
            "--sizes \"1K:1e30:x2\": size \"1e30\" is above 8 TiB, the largest message snsim simulates");
    refused(dir, "run " + cfg + " --sizes 8TiB,9TiB", "--csv",
            "--sizes \"8TiB,9TiB\": size \"9TiB\" is above 8 TiB, the largest message snsim simulates");
    refused(dir, "run " + cfg + " --sizes 1.5", "--csv", "--sizes \"1.5\": not a whole number of bytes");

    const auto huge = dir.write("huge.yaml", kMesh4 + "collective:\n  sizes: 1e30\n");
    refused(dir, "run " + huge, "--csv",
            huge + ":5: collective.sizes: size \"1e30\" is above 8 TiB, the largest message snsim simulates (got "
                   "\"1e30\")");
    const auto negative = dir.write("negative.yaml", kMesh4 + "collective:\n  sizes: 1M,-4K\n");
    refused(dir, "run " + negative, "--csv",
            negative + ":5: collective.sizes: size \"-4K\" must be positive (got \"1M,-4K\")");
}

TEST_CASE("hostile input: NaN and infinity in numbers and units", "[cli][errors][hostile]") {
    TempDir dir;
    const auto cfg = dir.write("mesh.yaml", kMesh4);
    refused(dir, "run " + cfg + " --sizes nan", "--csv", "--sizes \"nan\": not a finite size in bytes");
    refused(dir, "run " + cfg + " --sizes inf", "--csv", "--sizes \"inf\": not a finite size in bytes");

    const auto bandwidth = dir.write("bw.yaml", kMesh4 + "  link:\n    bandwidth: nanGB/s\n");
    refused(dir, "topo " + bandwidth, "--json",
            bandwidth + ":5: topology.link.bandwidth: not a finite bandwidth (got \"nanGB/s\")");
    const auto latency = dir.write("lat.yaml", kMesh4 + "  link:\n    latency: infns\n");
    refused(dir, "topo " + latency, "--json", latency + ":5: topology.link.latency: not a finite time (got \"infns\")");
    const auto overflow = dir.write("over.yaml", kMesh4 + "  link:\n    bandwidth: 1e300TB/s\n");
    refused(dir, "topo " + overflow, "--json",
            overflow + ":5: topology.link.bandwidth: bandwidth is out of range (got \"1e300TB/s\")");
    const auto real = dir.write("real.yaml", kMesh4 + "cost:\n  efficiency: .nan\n");
    refused(dir, "topo " + real, "--json", real + ":5: cost.efficiency: expected a number (got \".nan\")");
    const auto integer = dir.write("int.yaml", "topology:\n  kind: full_mesh\n  chips: .inf\n");
    refused(dir, "topo " + integer, "--json", integer + ":3: topology.chips: expected a whole number (got \".inf\")");
}

TEST_CASE("hostile input: huge chip counts are refused before anything is built", "[cli][errors][hostile]") {
    TempDir dir;
    const auto billions = dir.write("b.yaml", "topology:\n  kind: switched\n  chips: 2000000000\n");
    refused(dir, "topo " + billions, "--json",
            billions + ":3: topology.chips: graph would need about 1.397 TiB of memory, over the limit of 8 GiB "
                       "(limits.graph_memory) (got \"2000000000\")");
    const auto beyond = dir.write("o.yaml", "topology:\n  kind: switched\n  chips: 99999999999999999999999\n");
    refused(dir, "topo " + beyond, "--json",
            beyond + ":3: topology.chips: whole number out of range (got \"99999999999999999999999\")");
    const auto dims = dir.write("d.yaml", "topology:\n  kind: torus\n  dims: [2147483647, 2147483647]\n");
    refused(dir, "topo " + dims, "--json",
            dims + ":3: topology.dims: graph would need about 4.832e+09 TiB of memory, over the limit of 8 GiB "
                   "(limits.graph_memory) (got \"[2147483647, 2147483647]\")");
}

TEST_CASE("hostile input: self-loops and duplicate node names in graph files", "[cli][errors][hostile]") {
    TempDir dir;
    auto cfg = custom_config(dir, "loop.yaml", "edges:\n  - [a, b]\n  - [b, b]\n");
    refused(dir, "topo " + cfg, "--json", dir.file("loop.yaml") + ":3: edges[1]: self-loop on node \"b\"");
    cfg = custom_config(dir, "names.yaml", "nodes: [a, b, a]\nedges:\n  - [a, b]\n");
    refused(dir, "topo " + cfg, "--json",
            dir.file("names.yaml") + ":1: nodes[2].name: duplicate node name (got \"a\")");

    const std::string head = "<graphml><key id=\"n\" for=\"node\" attr.name=\"name\" attr.type=\"string\"/>"
                             "<graph edgedefault=\"undirected\">";
    cfg = custom_config(dir, "loop.graphml",
                        head + "<node id=\"a\"/><node id=\"b\"/><edge source=\"a\" target=\"b\"/>"
                               "<edge source=\"b\" target=\"b\"/></graph></graphml>");
    refused(dir, "topo " + cfg, "--json", dir.file("loop.graphml") + ": edge 1: self-loop on node \"b\"");
    cfg = custom_config(dir, "names.graphml",
                        head + "<node id=\"a\"><data key=\"n\">x</data></node><node id=\"b\"><data key=\"n\">x</data>"
                               "</node><edge source=\"a\" target=\"b\"/></graph></graphml>");
    refused(dir, "topo " + cfg, "--json", dir.file("names.graphml") + ": node 1: duplicate node name \"x\"");
    // Boost's reader used to merge the two into one vertex, turning the edge into a self-loop.
    cfg = custom_config(dir, "ids.graphml",
                        head + "<node id=\"a\"/><node id=\"a\"/><edge source=\"a\" target=\"a\"/></graph></graphml>");
    refused(dir, "topo " + cfg, "--json",
            dir.file("ids.graphml") + ": node 1.id: another <node> has this id (got \"a\")");
}

TEST_CASE("hostile input: duplicate keys in YAML", "[cli][errors][hostile]") {
    TempDir dir;
    const auto cfg = dir.write("dup.yaml", kMesh4 + "  chips: 8\n");
    refused(dir, "topo " + cfg, "--json", cfg + ":4: topology.chips: key given twice");
    const auto graph = custom_config(dir, "dup_edges.yaml", "edges:\n  - [a, b]\nedges:\n  - [a, c]\n");
    refused(dir, "topo " + graph, "--json", dir.file("dup_edges.yaml") + ":3: edges: key given twice");
    const auto attr = custom_config(dir, "dup_attr.yaml", "edges:\n  - {a: x, b: y, a: z}\n");
    refused(dir, "topo " + attr, "--json", dir.file("dup_attr.yaml") + ":2: edges[0].a: key given twice");
}

TEST_CASE("hostile input: missing files, directories and paths through a file", "[cli][errors][hostile]") {
    TempDir dir;
    refused(dir, "topo " + dir.file("nope.yaml"), "--json",
            dir.file("nope.yaml") + ": cannot open config file: No such file or directory");
    refused(dir, "topo " + dir.file(""), "--json", dir.file("") + ": is a directory, not a config file");
    const auto cfg = dir.write("mesh.yaml", kMesh4);
    refused(dir, "topo " + cfg + "/x.yaml", "--json", cfg + "/x.yaml: cannot open config file: Not a directory");

    const auto missing_graph = dir.write("custom.yaml", "topology:\n  kind: custom\n  file: g.graphml\n");
    refused(dir, "topo " + missing_graph, "--json",
            dir.file("g.graphml") + ": cannot open graph file: No such file or directory");
    const auto missing_list = dir.write("list.yaml", "topology:\n  kind: custom\n  file: g.yaml\n");
    refused(dir, "topo " + missing_list, "--json",
            dir.file("g.yaml") + ": cannot open graph file: No such file or directory");
    std::filesystem::create_directory(dir.file("d.yaml"));
    const auto graph_dir = dir.write("dir.yaml", "topology:\n  kind: custom\n  file: d.yaml\n");
    refused(dir, "topo " + graph_dir, "--json", dir.file("d.yaml") + ": is a directory, not a graph file");
}

TEST_CASE("hostile input: bad included files", "[cli][errors][hostile][include]") {
    TempDir dir;
    const auto including = [&](const std::string& name, const std::string& included) {
        return dir.write(name, "include: " + included + "\n" + kMesh4);
    };
    const auto missing = including("inc_missing.yaml", "fitted.yaml");
    refused(dir, "run " + missing + " --sizes 1M", "--csv",
            missing + ":1: include: " + dir.file("fitted.yaml") +
                ": cannot open config file: No such file or directory (got \"fitted.yaml\")");
    std::filesystem::create_directory(dir.file("adir"));
    const auto directory = including("inc_dir.yaml", "adir");
    refused(dir, "run " + directory + " --sizes 1M", "--csv",
            directory + ":1: include: " + dir.file("adir") + ": is a directory, not a config file (got \"adir\")");
    const auto zero = including("inc_zero.yaml", "/dev/zero");
    refused(dir, "run " + zero + " --sizes 1M", "--csv",
            zero + ":1: include: /dev/zero: is a device, not a config file (give a regular file, or - for standard "
                   "input) (got \"/dev/zero\")");
    dir.write("nested.yaml", "seed: 2\ninclude: more.yaml\n");
    refused(dir, "run " + including("inc_nested.yaml", "nested.yaml") + " --sizes 1M", "--csv",
            dir.file("nested.yaml") +
                ":2: include: an included file cannot include others; list them all in the including config (got "
                "\"more.yaml\")");
    dir.write("fitted_bad.yaml", "# fitted by snsim calibrate\ncost:\n  efficiency: 2\n");
    refused(dir, "run " + including("inc_bad.yaml", "fitted_bad.yaml") + " --sizes 1M", "--csv",
            dir.file("fitted_bad.yaml") + ":3: cost.efficiency: must be between 1e-6 and 1 (got \"2\")");
    dir.write("broken.yaml", "cost:\n  efficiency: [0.5\n");
    refused(dir, "run " + including("inc_broken.yaml", "broken.yaml") + " --sizes 1M", "--csv",
            dir.file("broken.yaml") + ":3: malformed YAML: end of sequence flow not found");
    dir.write("list.yaml", "- 0.5\n");
    refused(dir, "run " + including("inc_list.yaml", "list.yaml") + " --sizes 1M", "--csv",
            dir.file("list.yaml") + ":1: expected a map of keys at the top");
    dir.write("unknown.yaml", "cost:\n  alfa: 1us\n");
    refused(dir, "run " + including("inc_unknown.yaml", "unknown.yaml") + " --sizes 1M", "--csv",
            dir.file("unknown.yaml") + ":2: cost.alfa: unknown key; did you mean cost.alpha? (got \"1us\")");
}

TEST_CASE("hostile input: unreadable files (as root, checked as user nobody)", "[cli][errors][hostile]") {
    // Root reads a mode-000 file anyway, and CI may run as root: there the run drops to `nobody` with setpriv
    // (util-linux), so the permission check is real either way. The scratch directory must let nobody in.
    TempDir dir;
    std::filesystem::permissions(dir.file(""), std::filesystem::perms::all);
    const auto cfg = dir.write("locked.yaml", kMesh4);
    dir.write("locked.graphml", "<graphml/>");
    const auto custom = dir.write("custom.yaml", "topology:\n  kind: custom\n  file: locked.graphml\n");
    std::filesystem::permissions(cfg, std::filesystem::perms::none);
    std::filesystem::permissions(dir.file("locked.graphml"), std::filesystem::perms::none);
    const std::string as_user = ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";

    const auto config = run_shell(as_user + SNSIM_BIN + " topo " + cfg);
    CHECK(config.output == "snsim: error: " + cfg + ": cannot open config file: Permission denied\n");
    CHECK(config.exit_code == 2);
    const auto graph = run_shell(as_user + SNSIM_BIN + " topo " + custom);
    CHECK(graph.output ==
          "snsim: error: " + dir.file("locked.graphml") + ": cannot open graph file: Permission denied\n");
    CHECK(graph.exit_code == 2);
}

TEST_CASE("hostile input: outputs into a directory that does not exist", "[cli][errors][hostile]") {
    TempDir dir;
    const auto cfg = dir.write("mesh.yaml", kMesh4);
    for (const char* option : {"--json", "--dot", "--graphml"}) {
        const auto r = run_snsim("topo " + cfg + " " + option + " " + dir.file("no/such/out"));
        CHECK(r.output == "snsim: error: " + std::string(option) + " \"" + dir.file("no/such/out") + "\": directory " +
                              dir.file("no/such") + " does not exist\n");
        CHECK(r.exit_code == 2);
    }
    for (const char* option : {"--csv", "--json"}) {
        const auto r = run_snsim("run " + cfg + " --sizes 1M " + option + " " + dir.file("no/out"));
        CHECK(r.output == "snsim: error: " + std::string(option) + " \"" + dir.file("no/out") + "\": directory " +
                              dir.file("no") + " does not exist\n");
        CHECK(r.exit_code == 2);
    }
    const auto onto_dir = run_snsim("run " + cfg + " --sizes 1M --csv " + dir.file(""));
    CHECK(onto_dir.output == "snsim: error: --csv \"" + dir.file("") + "\": is a directory\n");
    CHECK(onto_dir.exit_code == 2);
    CHECK_FALSE(std::filesystem::exists(dir.file("no")));
}

TEST_CASE("hostile input: empty files", "[cli][errors][hostile]") {
    TempDir dir;
    const auto empty = dir.write("empty.yaml", "");
    refused(dir, "topo " + empty, "--json", empty + ": config is empty; it needs at least topology.kind");
    const auto comments = dir.write("comments.yaml", "\n# nothing but a comment\n");
    refused(dir, "topo " + comments, "--json", comments + ": config is empty; it needs at least topology.kind");
    auto cfg = custom_config(dir, "g.yaml", "");
    refused(dir, "topo " + cfg, "--json", dir.file("g.yaml") + ": edges: an edge-list file needs a list `edges:`");
    cfg = custom_config(dir, "g.graphml", "");
    refused(dir, "topo " + cfg, "--json", dir.file("g.graphml") + ": not a GraphML file: no <graphml> element");
}

TEST_CASE("hostile input: binary garbage stays on one line", "[cli][errors][hostile]") {
    TempDir dir;
    // The first bytes of a PNG file, and a key with a newline and an escape code in it.
    const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    const auto cfg = dir.write("png.yaml", png);
    refused(dir, "topo " + cfg, "--json", cfg + ":3: malformed YAML: unknown escape character: \\x00");
    const auto key = dir.write("key.yaml", "\"to\\npology\\e[31m\":\n  kind: full_mesh\n");
    refused(dir, "topo " + key, "--json", key + ":2: to\\npology\\x1b[31m: unknown key (got \"a map\")");
    auto graph = custom_config(dir, "png.yaml", png);
    refused(dir, "topo " + graph, "--json",
            dir.file("png.yaml") + ":3: malformed YAML: unknown escape character: \\x00");
    // A device that never ends is refused before a byte is read, rather than read until memory runs out.
    refused(dir, "topo /dev/zero", "--json",
            "/dev/zero: is a device, not a config file (give a regular file, or - for standard input)");
    graph = custom_config(dir, "png.graphml", png);
    refused(dir, "topo " + graph, "--json", dir.file("png.graphml") + ":1: malformed GraphML: expected <");
}

TEST_CASE("hostile input: a communicator map that never ends, is a directory, or is binary", "[cli][errors][hostile]") {
    TempDir dir;
    const auto mapped = [&](const std::string& name, const std::string& map) {
        return dir.write(name, kMesh4 + "communicator:\n  map: " + map + "\n");
    };
    const auto zero = mapped("map_zero.yaml", "/dev/zero");
    refused(dir, "run " + zero + " --sizes 1M", "--csv",
            zero + ":5: communicator.map: /dev/zero: is a device, not a communicator map (give a regular file, or - "
                   "for standard input) (got \"/dev/zero\")");
    std::filesystem::create_directory(dir.file("adir"));
    const auto directory = mapped("map_dir.yaml", "adir");
    refused(dir, "run " + directory + " --sizes 1M", "--csv",
            directory + ":5: communicator.map: " + dir.file("adir") +
                ": is a directory, not a communicator map (got \"adir\")");
    dir.write("png.txt", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
    const auto png = mapped("map_png.yaml", "png.txt");
    refused(dir, "run " + png + " --sizes 1M", "--csv",
            dir.file("png.txt") + ":1: no chip of that name in the topology (got \"\x89PNG\")");
}

// ---- Round 2 (issue 17): each class at its mechanism. docs/hostile-input.md, "Round 2", lists the same.

namespace {

// A YAML alias bomb: 9 levels of 9 aliases, 9^9 = 387 million values once expanded, in 200 bytes of flow YAML.
std::string alias_bomb() {
    std::string text = "[&l0 [1, 1, 1, 1, 1, 1, 1, 1, 1]";
    for (int level = 1; level < 9; ++level) {
        text += fmt::format(", &l{} [", level);
        for (int i = 0; i < 9; ++i)
            text += fmt::format("{}*l{}", i ? ", " : "", level - 1);
        text += "]";
    }
    return text + "]";
}

} // namespace

TEST_CASE("hostile input 2: GraphML nesting is bounded before the recursive XML reader sees it",
          "[cli][errors][hostile]") {
    TempDir dir;
    // 200,000 nested elements overflowed the stack of Boost's reader (SIGSEGV).
    std::string deep = "<graphml>\n<graph edgedefault=\"undirected\">\n<node id=\"a\">";
    for (int i = 0; i < 200000; ++i)
        deep += "<data key=\"d\">";
    auto cfg = custom_config(dir, "deep.graphml", deep);
    refused(dir, "topo " + cfg, "--json",
            dir.file("deep.graphml") + ":3: elements nested more than 32 deep; GraphML needs 4 (graphml, graph, "
                                       "node, data)");
    cfg = custom_config(dir, "nested.graphml",
                        "<graphml><graph edgedefault=\"undirected\"><node id=\"a\">\n<graph><node id=\"x\"/></graph>"
                        "</node></graph></graphml>");
    refused(dir, "topo " + cfg, "--json",
            dir.file("nested.graphml") +
                ":2: a <graph> inside another element (nested graphs are not supported; write one flat <graph>)");
    cfg = custom_config(dir, "hyper.graphml",
                        "<graphml><graph edgedefault=\"undirected\"><node id=\"a\"/><node id=\"b\"/>\n"
                        "<hyperedge><endpoint node=\"a\"/><endpoint node=\"b\"/></hyperedge></graph></graphml>");
    refused(dir, "topo " + cfg, "--json",
            dir.file("hyper.graphml") +
                ":2: <hyperedge> is not supported: a cable joins two vertices; write one <edge> per pair");
    cfg = custom_config(dir, "two.graphml",
                        "<graphml><graph edgedefault=\"undirected\"><node id=\"a\"/></graph>\n"
                        "<graph edgedefault=\"undirected\"><node id=\"b\"/></graph></graphml>");
    refused(dir, "topo " + cfg, "--json",
            dir.file("two.graphml") + ":2: a second <graph>: snsim reads one graph per file");
}

TEST_CASE("hostile input 2: every YAML path has the same bounds (alias bombs, duplicate keys, documents)",
          "[cli][errors][hostile]") {
    TempDir dir;
    const auto cfg = dir.write("mesh.yaml", kMesh4);
    const std::string bomb = alias_bomb();
    // In a config, as an override from compare --vary, a sweep's set or grid, and an experiment file's set.
    const auto in_config = dir.write("bomb.yaml", kMesh4 + "name: " + bomb + "\n");
    refused(dir, "topo " + in_config, "--json",
            in_config + ":4: more than 200000 YAML values once aliases are expanded (an alias bomb?); snsim refuses "
                        "inputs this large");
    const auto vary =
        run_snsim("compare " + cfg + " --sizes 1M --vary 'topology.chips=" + bomb + "' --out " + dir.file("vary"));
    CHECK(vary.exit_code == 2);
    CHECK(vary.output == "snsim: error: " + cfg +
                             ": topology.chips: override is not a YAML value: more than 200000 "
                             "YAML values once aliases are expanded (an alias bomb?); snsim "
                             "refuses inputs this large (got \"" +
                             bomb + "\")\n");
    CHECK_FALSE(std::filesystem::exists(dir.file("vary")));
    for (const std::string key : {"set", "grid"}) {
        const auto spec = dir.write(key + ".yaml", "sweep:\n  configs: [mesh.yaml]\n  " + key + ":\n    name: " +
                                                       (key == "grid" ? "[" + bomb + "]" : bomb) + "\n");
        const auto r = run_snsim("sweep " + spec + " --check");
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.output, Catch::StartsWith("snsim: error: " + spec + ":4: more than 200000 YAML values"));
    }
    const auto experiment =
        dir.write("experiment.yaml", "compare:\n  configs: [mesh.yaml]\n  set:\n    name: " + bomb + "\n");
    const auto e = run_snsim("compare " + experiment + " --sizes 1M");
    CHECK(e.exit_code == 2);
    CHECK_THAT(e.output, Catch::StartsWith("snsim: error: " + experiment + ":4: more than 200000 YAML values"));

    // A key twice in a sweep grid (63 times hung --check; 64 wrapped the point count to 0 and exited 0).
    std::string twice = "sweep:\n  configs: [mesh.yaml]\n  grid:\n";
    for (int i = 0; i < 64; ++i)
        twice += "    topology.link.bandwidth: [1GB/s, 2GB/s]\n";
    const auto spec = dir.write("twice.yaml", twice);
    auto r = run_snsim("sweep " + spec + " --check");
    CHECK(r.exit_code == 2);
    CHECK(r.output == "snsim: error: " + spec + ":5: sweep.grid.topology.link.bandwidth: key given twice\n");
    // 64 distinct keys of two values: 2^64 points, refused before the count can wrap.
    std::string wide = "sweep:\n  configs: [mesh.yaml]\n  grid:\n";
    for (int i = 0; i < 64; ++i)
        wide += fmt::format("    k{}: [1, 2]\n", i);
    const auto wide_spec = dir.write("wide.yaml", wide);
    r = run_snsim("sweep " + wide_spec + " --check");
    CHECK(r.exit_code == 2);
    CHECK(r.output == "snsim: error: " + wide_spec +
                          ":23: sweep.grid.k19: the grid has more than 1000000 points; split the sweep into specs\n");
    // A spec with an unknown top-level key or two `sweep:` keys; a config with a second document.
    const auto extra = dir.write("extra.yaml", "sweep:\n  configs: [mesh.yaml]\nsweeep: 1\n");
    r = run_snsim("sweep " + extra + " --check");
    CHECK(r.output == "snsim: error: " + extra + ":3: sweeep: unknown key; a sweep spec has the one key `sweep`\n");
    const auto two = dir.write("two.yaml", "sweep:\n  configs: [mesh.yaml]\nsweep:\n  configs: [mesh.yaml]\n");
    r = run_snsim("sweep " + two + " --check");
    CHECK(r.output == "snsim: error: " + two + ":3: sweep: key given twice\n");
    const auto documents = dir.write("documents.yaml", kMesh4 + "---\ntopology:\n  kind: torus\n");
    refused(dir, "topo " + documents, "--json",
            documents + ":4: a second YAML document (after ---): snsim reads one per file");
}

TEST_CASE("hostile input 2: lists of sizes are capped and a size listed twice is refused", "[cli][errors][hostile]") {
    TempDir dir;
    const auto cfg = dir.write("mesh.yaml", kMesh4);
    // 1.5 million sizes ran (ranges stopped at 100,000). In a config: a command line cannot hold that many.
    std::string many = "1";
    for (int i = 0; i < 100000; ++i)
        many += ",1";
    const auto list = dir.write("many.yaml", kMesh4 + "collective:\n  sizes: " + many + "\n");
    const auto r = run_snsim("run " + list + " --engine analytic");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::StartsWith("snsim: error: " + list +
                                           ":5: collective.sizes: list has more than 100000 "
                                           "sizes (got \"1,1,1,"));
    refused(dir, "run " + cfg + " --sizes 8K,1M,8K", "--csv", "--sizes \"8K,1M,8K\": size \"8K\" is listed twice");
}

TEST_CASE("hostile input 2: a command's outputs are written all or none", "[cli][errors][hostile]") {
    TempDir dir;
    const auto cfg = dir.write("mesh.yaml", kMesh4);
    // One file spelled two ways: the CSV was lost under the JSON.
    const auto same = run_shell("cd " + dir.file("") + " && " + SNSIM_BIN +
                                " run mesh.yaml --sizes 1M --engine analytic --csv ./o.csv --json o.csv");
    CHECK(same.exit_code == 2);
    CHECK(same.output == "snsim: error: --json \"o.csv\": same file as --csv\n");
    // A later file that fails (here: larger than the file size limit, as on a full disk) takes the earlier ones
    // with it. The DOT of a 64-chip full mesh is over 32 KiB; its JSON metrics are not.
    const auto big = dir.write("big.yaml", "topology:\n  kind: full_mesh\n  chips: 64\n");
    const auto partial = run_shell("{ trap '' XFSZ; ulimit -f 64; " + std::string(SNSIM_BIN) + " topo " + big +
                                   " --json " + dir.file("a.json") + " --dot " + dir.file("b.dot") + " >/dev/null; }");
    CHECK(partial.exit_code == 2);
    CHECK(partial.output == "snsim: error: --dot \"" + dir.file("b.dot") + "\": write failed: File too large\n");
    CHECK_FALSE(std::filesystem::exists(dir.file("a.json")));
    CHECK_FALSE(std::filesystem::exists(dir.file("b.dot")));
    CHECK(std::distance(std::filesystem::directory_iterator(dir.file("")), std::filesystem::directory_iterator()) == 2);
    // --out newdir is made only once there is something to write.
    const auto bad = dir.write("bad.yaml", "topology:\n  kind: full_mesh\n  chips: 1\n");
    const auto compare = run_snsim("compare " + bad + " --out " + dir.file("newdir"));
    CHECK(compare.exit_code == 2);
    CHECK_FALSE(std::filesystem::exists(dir.file("newdir")));
    // Results printed to a standard output that cannot take them are lost: an error, not exit 0.
    const auto full = run_shell("{ " + std::string(SNSIM_BIN) + " topo " + cfg + " >/dev/full; }");
    CHECK(full.exit_code == 1);
    CHECK(full.output == "snsim: error: cannot write to standard output; the results printed there are lost\n");
}

TEST_CASE("hostile input 2: --cfg is checked before the simulation child starts", "[cli][errors][hostile]") {
    TempDir dir;
    const auto cfg = dir.write("mesh.yaml", kMesh4);
    const std::pair<std::string, std::string> cases[] = {
        {"network/model:Bogus", "network/model: snsim's engine works with CM02 only"},
        {"maxmin/precision:nan", "maxmin/precision: expected a finite number"},
        {"contexts/stack-size:1", "contexts/stack-size: must be 64 to 1048576 KiB"},
        {"network/model", "expected KEY:VALUE, e.g. maxmin/precision:1e-9"},
        {"network/model:", "expected KEY:VALUE, e.g. maxmin/precision:1e-9"},
        {"x:y", "not a SimGrid setting snsim takes; it takes network/model, network/TCP-gamma, "
                "network/bandwidth-factor, network/latency-factor, network/crosstraffic, network/weight-S, "
                "maxmin/precision, surf/precision, contexts/factory, contexts/stack-size, contexts/guard-size, "
                "contexts/nthreads"},
        // Each of these passed a first version of the check and then killed the child, or gave a wrong time.
        {"network/crosstraffic:yes", "network/crosstraffic: snsim's routes are one-way links per cable direction "
                                     "(FabricZone); leave it off"},
        {"network/bandwidth-factor:1e-300", "network/bandwidth-factor: must be at least 0.001 and at most 1"},
    };
    for (const auto& [setting, reason] : cases)
        for (const char* engine : {"simgrid", "analytic"})
            refused(dir, "run " + cfg + " --sizes 1M --engine " + std::string(engine) + " --cfg '" + setting + "'",
                    "--csv", "--cfg \"" + setting + "\": " + reason);
    // A setting that passes is applied.
    const auto ok = run_snsim("run " + cfg + " --sizes 1M --cfg maxmin/precision:1e-9 --cfg contexts/factory:thread");
    CHECK(ok.exit_code == 0);
}

TEST_CASE("hostile input 2: symbolic link loops, FIFOs and devices as inputs and outputs", "[cli][errors][hostile]") {
    TempDir dir;
    const auto cfg = dir.write("mesh.yaml", kMesh4);
    std::filesystem::create_symlink(dir.file("loop2"), dir.file("loop1"));
    std::filesystem::create_symlink(dir.file("loop1"), dir.file("loop2"));
    refused(dir, "topo " + dir.file("loop1"), "--json",
            dir.file("loop1") + ": cannot open config file: Too many levels of symbolic links");
    const auto out = run_snsim("topo " + cfg + " --json " + dir.file("loop1"));
    CHECK(out.exit_code == 2);
    CHECK(out.output == "snsim: error: --json \"" + dir.file("loop1") + "\": a loop of symbolic links\n");

    // A FIFO with no writer blocked every reader at open; it is refused at once wherever a file is read.
    REQUIRE(::mkfifo(dir.file("fifo").c_str(), 0644) == 0);
    const std::string fifo = dir.file("fifo");
    refused(dir, "topo " + fifo, "--json",
            fifo + ": is a FIFO, not a config file (give a regular file, or - for standard input)");
    const auto inc = dir.write("inc.yaml", "include: fifo\n" + kMesh4);
    refused(dir, "topo " + inc, "--json",
            inc + ":1: include: " + fifo +
                ": is a FIFO, not a config file (give a regular file, or - for standard input) (got \"fifo\")");
    REQUIRE(::mkfifo(dir.file("fifo.graphml").c_str(), 0644) == 0);
    const auto graph = dir.write("graph.yaml", "topology:\n  kind: custom\n  file: fifo.graphml\n");
    refused(dir, "topo " + graph, "--json",
            fifo + ".graphml: is a FIFO, not a graph file (give a regular file, or - for standard input)");
    const auto spec = run_snsim("sweep " + fifo + " --check");
    CHECK(spec.output ==
          "snsim: error: " + fifo + ": is a FIFO, not a sweep spec (give a regular file, or - for standard input)\n");
    const auto measured = run_snsim("calibrate " + fifo + " --config " + cfg);
    CHECK(measured.output ==
          "snsim: error: " + fifo +
              ": is a FIFO, not a measurements file (give a regular file, or - for standard input)\n");
    const auto workload = run_snsim("workload " + fifo + " --config " + cfg);
    CHECK(workload.output == "snsim: error: " + fifo +
                                 ": is a FIFO, not a workload file (give a regular file, or - for standard input)\n");
    // Standard input, named - (or /dev/stdin), is the legitimate pipe.
    const auto piped = run_shell(std::string(SNSIM_BIN) + " topo - < " + cfg);
    CHECK(piped.exit_code == 0);
    CHECK_THAT(piped.output, Catch::Contains("chips                         4"));
}

TEST_CASE("hostile input 2: collective parameters are refused at their key or flag", "[cli][errors][hostile]") {
    TempDir dir;
    const std::string mesh6 = "topology:\n  kind: full_mesh\n  chips: 6\n";
    const auto at = [&](const std::string& name, const std::string& extra, const std::string& flags,
                        const std::string& message) {
        const auto cfg = dir.write(name + ".yaml", mesh6 + extra);
        refused(dir, "run " + cfg + " --sizes 1M --engine analytic " + flags, "--csv",
                message.empty() ? "" : cfg + message);
    };
    at("root", "collective:\n  name: broadcast\n  root: 9\n", "",
       ":6: collective.root: root 9 is not one of the 6 ranks (got \"9\")");
    at("root_allreduce", "collective:\n  root: 2\n", "",
       ":5: collective.root: root applies to broadcast and reduce only, not allreduce (got \"2\")");
    at("pow2", "collective:\n  algorithm: recursive_doubling\n", "",
       ":5: collective.algorithm: recursive_doubling needs a power-of-two number of ranks, got 6 (got "
       "\"recursive_doubling\")");
    at("in_switch", "collective:\n  algorithm: in_switch\n", "",
       ":5: collective.algorithm: in_switch needs switch chips cabled to every chip of the communicator; full_mesh "
       "has none for these 6 chips (got \"in_switch\")");
    at("dims_ring", "collective:\n  dims: [2, 3]\n", "",
       ":5: collective.dims: dims applies to hierarchical, multidim and in_switch (over groups) only, not ring (got \"[2, 3]\")");
    at("dims_product", "collective:\n  algorithm: hierarchical\n  dims: [4, 4]\n", "",
       ":6: collective.dims: hierarchical dims [4, 4] hold 16 ranks, not 6 (got \"[4, 4]\")");
    // Not given: blamed on the topology's line, as every default is.
    at("no_dims", "collective:\n  algorithm: hierarchical\n", "",
       ":2: collective.dims: hierarchical needs dims, the rank grid (e.g. [8, 16] for 128 ranks)");
    const auto flag = dir.write("flag.yaml", mesh6);
    refused(dir, "run " + flag + " --sizes 1M --algorithm recursive_doubling", "--csv",
            "--algorithm \"recursive_doubling\": recursive_doubling needs a power-of-two number of ranks, got 6");
    // Faults and strides blamed on themselves; a Clos ratio on itself, not on the size it would give.
    at("faults", "faults:\n  chips: [\"*\"]\n", "",
       ":5: faults.chips: leaves 0 working chips; a communicator needs at least 2 (got \"[*]\")");
    at("stride", "communicator:\n  stride: 9999\n", "",
       ":5: communicator.stride: selects 1 chip (from chip 0 of 6 with stride 9999); a communicator needs at least "
       "2 (got \"9999\")");
    const auto clos = dir.write("clos.yaml", "topology:\n  kind: clos\n  nodes: 4\n  oversubscription: 1e-300\n");
    refused(dir, "topo " + clos, "--json",
            clos + ":4: topology.oversubscription: gives 8e+300 uplinks per leaf, over 1e9 (got \"1e-300\")");
}

TEST_CASE("hostile input 2: values beyond 32 bits or a sane bound are refused, not truncated or clamped",
          "[cli][errors][hostile]") {
    TempDir dir;
    const std::string mesh6 = "topology:\n  kind: full_mesh\n  chips: 6\n";
    const auto cfg = dir.write("root.yaml", mesh6 + "collective:\n  name: broadcast\n  root: 4294967297\n");
    refused(dir, "run " + cfg + " --sizes 1M", "--csv",
            cfg + ":6: collective.root: must be at most 4294967294 (got \"4294967297\")");
    const auto dims =
        dir.write("dims.yaml", mesh6 + "collective:\n  algorithm: hierarchical\n  dims: [4294967298, 4]\n");
    refused(dir, "run " + dims + " --sizes 1M", "--csv",
            dims + ":6: collective.dims: must be at most 4294967295 (got \"4294967298\")");
    const auto channels =
        dir.write("ch.yaml", mesh6 + "collective:\n  algorithm: multi_ring\n  channels: 1000000000000\n");
    refused(dir, "run " + channels + " --sizes 1M", "--csv",
            channels + ":6: collective.channels: must be at most 4096 (got \"1000000000000\")");
    const auto mesh = dir.write("mesh.yaml", mesh6);
    refused(dir, "run " + mesh + " --sizes 1M --busiest 18446744073709551616", "--csv",
            "--busiest: Value 18446744073709551616 not in range 0 to 1000000 (see snsim --help)");
    refused(dir, "run " + mesh + " --sizes 1M --busiest -1", "--csv",
            "--busiest: Value -1 not in range 0 to 1000000 (see snsim --help)");
    const auto measured = dir.write("m.csv", "size_bytes,busbw_gbps\n8192,1\n16384,2\n");
    const auto train = run_snsim("calibrate " + measured + " --config " + mesh + " --train-sizes 8K,8K");
    CHECK(train.exit_code == 2);
    CHECK(train.output == "snsim: error: --train-sizes \"8K,8K\": size \"8K\" is listed twice\n");
}

TEST_CASE("hostile input 2: a sweep journal is input: edited records, FIFOs and a second sweep are refused",
          "[cli][errors][hostile][sweep]") {
    TempDir dir;
    dir.write("mesh.yaml", kMesh4);
    const auto spec = dir.write("s.yaml", "sweep:\n  configs: [mesh.yaml]\n  grid:\n    collective.algorithm: [ring, "
                                          "recursive_doubling]\n  sizes: 1M\n  engine: analytic\n");
    const std::string out = dir.file("out");
    REQUIRE(run_snsim("sweep " + spec + " --out " + out).exit_code == 0);
    const std::string journal = slurp(out + "/sweep.jsonl");
    const auto first_record = journal.find('\n') + 1;
    const auto second_record = journal.find('\n', first_record) + 1;
    const std::string header = journal.substr(0, first_record);
    const std::string record = journal.substr(first_record, second_record - first_record);
    const auto edited = [&](const std::string& from, const std::string& to) {
        std::string r = record;
        const auto at = r.find(from);
        REQUIRE(at != std::string::npos);
        return r.replace(at, from.size(), to);
    };
    const auto resume_with = [&](const std::string& text) {
        std::ofstream(out + "/sweep.jsonl", std::ios::trunc) << header << text;
        return run_snsim("sweep " + spec + " --out " + out + " --resume");
    };
    const std::string rows = record.substr(record.find("\"rows\""));
    for (const auto& [text, reason] : std::vector<std::pair<std::string, std::string>>{
             {edited(rows.substr(0, rows.size() - 2), "\"rows\":[]"),
              "status ok without rows: a run that succeeded has a row per size"},
             {edited("\"flows\":", "\"flows\":1e300,\"x\":"), "flows 1e+300 is not a whole number"},
             {edited("\"size_bytes\":1048576.0", "\"size_bytes\":1e30"),
              "size_bytes 1e+30 is not what a run writes (1 to 8796093022208)"},
             {edited("\"status\":\"ok\"", "\"status\":\"fine\""), "status is neither \"ok\" nor \"error: ...\""},
             {edited("\"protocol\":\"\"", "\"protocol\":\"\\u001b[31m\\nX\""), "unknown protocol \"\\x1b[31m\\nX\""},
             {edited("\"busbw_factor\":", "\"busbw_factor\":0,\"x\":"), "busbw_factor is not positive"}}) {
        const auto r = resume_with(text);
        CHECK(r.exit_code == 2);
        CHECK(r.output == "snsim: error: " + out + "/sweep.jsonl:2: not a record snsim writes: " + reason + "\n");
    }
    // A size no point of this sweep runs (a whole record otherwise): refused against the spec.
    auto r = resume_with(edited("\"size_bytes\":1048576.0", "\"size_bytes\":5.0"));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output,
               Catch::Matches(
                   "snsim: error: " + out +
                   "/sweep\\.jsonl: point [01] holds rows this sweep does "
                   "not write \\(it runs allreduce (ring|recursive_doubling) at 1 size on the analytic engine\\); add "
                   "--restart to run it again\n"));
    // A journal that is a FIFO blocked; one that links to /dev/zero ate memory.
    std::filesystem::remove(out + "/sweep.jsonl");
    REQUIRE(::mkfifo((out + "/sweep.jsonl").c_str(), 0644) == 0);
    r = run_snsim("sweep " + spec + " --out " + out + " --resume");
    CHECK(r.output ==
          "snsim: error: " + out +
              "/sweep.jsonl: is a FIFO, not a sweep journal (give a regular file, or - for standard input)\n");
    std::filesystem::remove(out + "/sweep.jsonl");
    std::filesystem::create_symlink("/dev/zero", out + "/sweep.jsonl");
    r = run_snsim("sweep " + spec + " --out " + out + " --resume");
    CHECK(r.output ==
          "snsim: error: " + out +
              "/sweep.jsonl: is a device, not a sweep journal (give a regular file, or - for standard input)\n");
    std::filesystem::remove(out + "/sweep.jsonl");
    // A second sweep on the journal another holds (the lock is flock's, as the first sweep takes it).
    std::ofstream(out + "/sweep.jsonl") << header;
    const int held = ::open((out + "/sweep.jsonl").c_str(), O_RDONLY);
    REQUIRE(::flock(held, LOCK_EX | LOCK_NB) == 0);
    r = run_snsim("sweep " + spec + " --out " + out + " --resume");
    ::close(held);
    CHECK(r.exit_code == 2);
    CHECK(r.output == "snsim: error: \"" + out +
                          "/sweep.jsonl\": another snsim sweep is writing this journal; wait "
                          "for it, or give this one another --out\n");
    CHECK(slurp(out + "/sweep.jsonl") == header); // untouched
}

TEST_CASE("hostile input 2: what a reviewer found past the first fixes", "[cli][errors][hostile]") {
    TempDir dir;
    const auto cfg = dir.write("mesh.yaml", kMesh4);
    // A quote inside an attribute name (rapidxml takes it) hid the nesting from the scan: SIGSEGV again.
    std::string deep = "<graphml>\n<graph edgedefault=\"undirected\">\n<node id=\"a\" x'y=\"1\">";
    for (int i = 0; i < 100000; ++i)
        deep += "<b>";
    auto graph = custom_config(dir, "quote.graphml", deep);
    refused(dir, "topo " + graph, "--json",
            dir.file("quote.graphml") + ":3: elements nested more than 32 deep; GraphML needs 4 (graphml, graph, "
                                        "node, data)");
    // Text too large for yaml-cpp's nodes is refused before it is parsed (16 MiB of "1," took 4.7 GB).
    std::string many = kMesh4 + "name: [";
    for (int i = 0; i < 500000; ++i)
        many += "1,";
    const auto big = dir.write("big.yaml", many + "1]\n");
    refused(dir, "topo " + big, "--json", big + ": more than 200000 YAML values; snsim refuses inputs this large");
    // A trailing --- (an empty second document) is not a second document.
    const auto trailing = dir.write("trailing.yaml", kMesh4 + "---\n");
    CHECK(run_snsim("topo " + trailing).exit_code == 0);
    // Settings reach SimGrid as checked (" CM02" was a model name of its own).
    CHECK(run_snsim("run " + cfg + " --sizes 1M --cfg 'network/model: CM02'").exit_code == 0);
    // An output that is one of the command's inputs (it replaced the config).
    const auto onto_input = run_snsim("run " + cfg + " --sizes 1M --engine analytic --json " + cfg);
    CHECK(onto_input.exit_code == 2);
    CHECK(onto_input.output ==
          "snsim: error: --json \"" + cfg + "\": is " + cfg + ", an input of this command; choose another file\n");
    CHECK(slurp(cfg) == kMesh4);
    // A stream that fails is written before the files are renamed: none of them replaced.
    const auto stream = run_snsim("topo " + cfg + " --json " + dir.file("o.json") + " --dot /dev/full");
    CHECK(stream.exit_code == 2);
    CHECK_FALSE(std::filesystem::exists(dir.file("o.json")));
    // --out makes missing parents too (and only once there is something to write).
    const auto nested = run_snsim("compare " + cfg + " --sizes 1M --engine analytic --out " + dir.file("a/b/c/"));
    CHECK(nested.exit_code == 0);
    CHECK(std::filesystem::exists(dir.file("a/b/c/compare.csv")));
    const auto bad = dir.write("bad.yaml", "topology:\n  kind: full_mesh\n  chips: 1\n");
    CHECK(run_snsim("compare " + bad + " --out " + dir.file("x/y/z")).exit_code == 2);
    CHECK_FALSE(std::filesystem::exists(dir.file("x")));
    // Standard input as the config of compare (read first as an experiment file, then as the config).
    const auto piped =
        run_shell("cd " + dir.file("") + " && " + SNSIM_BIN + " compare - --sizes 1M --engine analytic < " + cfg);
    CHECK(piped.exit_code == 0);
}
