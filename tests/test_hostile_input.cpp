// Hostile input through the whole CLI (issue 6): absurd sizes, NaN and infinity, huge chip counts, self-loops,
// duplicate names and keys, missing, unreadable and empty files, directories, binary garbage, outputs into
// directories that do not exist. Each gets exactly one line `snsim: error: ...`, exit code 2 and no output file.
// docs/hostile-input.md lists the same classes with these messages.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include <unistd.h>

#include "support.hpp"

using snsim::test::run_shell;
using snsim::test::run_snsim;
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
            billions + ":3: topology.chips: graph would need about 715.3 GiB of memory, over the limit of 8 GiB "
                       "(limits.graph_memory) (got \"2000000000\")");
    const auto beyond = dir.write("o.yaml", "topology:\n  kind: switched\n  chips: 99999999999999999999999\n");
    refused(dir, "topo " + beyond, "--json",
            beyond + ":3: topology.chips: whole number out of range (got \"99999999999999999999999\")");
    const auto dims = dir.write("d.yaml", "topology:\n  kind: torus\n  dims: [2147483647, 2147483647]\n");
    refused(dir, "topo " + dims, "--json",
            dims + ":3: topology.dims: graph would need about 2.147e+09 TiB of memory, over the limit of 8 GiB "
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
    refused(dir, "topo " + cfg, "--json", dir.file("loop.graphml") + ": edge 1: self-loop on node \"v1\"");
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
    refused(dir, "topo " + cfg, "--json", cfg + ":4: topology.chips: key given twice (got \"chips\")");
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
            zero + ":1: include: /dev/zero: config file is larger than 16 MiB (got \"/dev/zero\")");
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
    // A device that never ends is refused at 16 MiB rather than read until memory runs out.
    refused(dir, "topo /dev/zero", "--json", "/dev/zero: config file is larger than 16 MiB");
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
            zero + ":5: communicator.map: /dev/zero: communicator map is larger than 16 MiB (got \"/dev/zero\")");
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
