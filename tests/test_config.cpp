// Config loading: every error class gives the exact one-line message with file, line, key and value; defaults
// and inherited link sections apply.
#include <filesystem>

#include <catch2/catch.hpp>

#include "sim/config/config.hpp"
#include "sim/config/run_request.hpp"
#include "sim/config/topology_request.hpp"
#include "support.hpp"

using snsim::config::Config;

namespace {

std::string error_of(const std::string& yaml) {
    try {
        snsim::config::build_topology(Config::parse(yaml, "cfg.yaml"));
    } catch (const snsim::InputError& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST_CASE("a minimal config takes every default", "[config]") {
    const Config c = Config::parse("topology:\n  kind: switched\n", "dir/minimal.yaml");
    CHECK(c.name() == "minimal");
    CHECK(c.integer("topology.chips") == 128);
    CHECK(c.real("topology.link.bandwidth") == 50e9);
    CHECK(c.real("topology.link.latency") == Approx(100e-9).epsilon(1e-15));
    CHECK(c.real("limits.graph_memory") == 8.0 * (1ull << 30));
    CHECK_FALSE(c.given("topology.chips"));
}

TEST_CASE("link sections inherit from topology.link unless given", "[config]") {
    const Config c = Config::parse("topology:\n  kind: clos\n  link: {bandwidth: 28GB/s, latency: 1us}\n"
                                   "  uplink: {latency: 2us}\n",
                                   "cfg.yaml");
    CHECK(c.real("topology.uplink.bandwidth") == 28e9);
    CHECK(c.real("topology.uplink.latency") == Approx(2e-6).epsilon(1e-15));
    CHECK(c.string("topology.uplink.kind") == "electrical");
    CHECK(c.string("topology.global_link.kind") == "optical");
}

TEST_CASE("every schema default is valid for every generator", "[config]") {
    for (const char* kind : {"full_mesh", "switched", "clos", "torus", "mesh", "nd_fullmesh", "dragonfly"}) {
        INFO(kind);
        const auto t =
            snsim::config::build_topology(Config::parse(std::string("topology:\n  kind: ") + kind, "d.yaml"));
        CHECK(t.count(snsim::NodeKind::Chip) >= 2);
    }
}

TEST_CASE("config errors: unknown key", "[config][errors]") {
    CHECK(error_of("topology:\n  kind: switched\n  chipz: 128\n") ==
          "cfg.yaml:3: topology.chipz: unknown key; did you mean topology.chips? (got \"128\")");
    CHECK(error_of("topology:\n  kind: switched\nzzzzzzzz: 1\n") == "cfg.yaml:3: zzzzzzzz: unknown key (got \"1\")");
}

TEST_CASE("config errors: bad unit", "[config][errors]") {
    CHECK(error_of("topology:\n  kind: switched\n  link:\n    bandwidth: 50 GB\n") ==
          "cfg.yaml:4: topology.link.bandwidth: unknown unit \"GB\" for a bandwidth; use e.g. 392GB/s, 224Gbps, "
          "28 GBps (got \"50 GB\")");
    CHECK(error_of("topology:\n  kind: switched\n  link:\n    latency: 5\n") ==
          "cfg.yaml:4: topology.link.latency: missing unit: write a time such as 1.2us, 200ns, 3ms (got \"5\")");
}

TEST_CASE("config errors: negative or zero values", "[config][errors]") {
    CHECK(error_of("topology:\n  kind: switched\n  chips: -4\n") ==
          "cfg.yaml:3: topology.chips: must be at least 2 (got \"-4\")");
    CHECK(error_of("topology:\n  kind: switched\n  link: {bandwidth: 0GB/s}\n") ==
          "cfg.yaml:3: topology.link.bandwidth: must be positive (got \"0GB/s\")");
    CHECK(error_of("topology:\n  kind: switched\n  link: {latency: -1ns}\n") ==
          "cfg.yaml:3: topology.link.latency: must be at least 0 (got \"-1ns\")");
    CHECK(error_of("topology:\n  kind: torus\n  dims: [4, 0]\n") ==
          "cfg.yaml:3: topology.dims: must be at least 1 (got \"0\")");
    CHECK(error_of("topology:\n  kind: clos\n  oversubscription: 0\n") ==
          "cfg.yaml:3: topology.oversubscription: must be positive (got \"0\")");
}

TEST_CASE("config errors: wrong type", "[config][errors]") {
    CHECK(error_of("topology:\n  kind: switched\n  chips: many\n") ==
          "cfg.yaml:3: topology.chips: expected a whole number (got \"many\")");
    CHECK(error_of("topology:\n  kind: switched\n  chips: 12.5\n") ==
          "cfg.yaml:3: topology.chips: expected a whole number (got \"12.5\")");
    CHECK(error_of("topology:\n  kind: torus\n  dims: 4\n") ==
          "cfg.yaml:3: topology.dims: expected a list of whole numbers such as [4, 4, 4] (got \"4\")");
    CHECK(error_of("topology:\n  kind: switched\n  chips: [1, 2]\n") ==
          "cfg.yaml:3: topology.chips: expected a whole number (got \"[1, 2]\")");
    CHECK(error_of("topology: switched\n") ==
          "cfg.yaml:1: topology: expected a section (a map of keys) (got \"switched\")");
    CHECK(error_of("topology:\n  kind: ring\n") ==
          "cfg.yaml:2: topology.kind: expected one of full_mesh, switched, clos, torus, mesh, nd_fullmesh, "
          "dragonfly, custom, cluster (got \"ring\")");
    CHECK(error_of("topology:\n  kind: switched\n  chips:\n") ==
          "cfg.yaml:3: topology.chips: missing value: expected a whole number");
    CHECK(error_of("topology:\n  kind: switched\n  chips: 99999999999999999999\n") ==
          "cfg.yaml:3: topology.chips: whole number out of range (got \"99999999999999999999\")");
}

TEST_CASE("config errors: keys of another generator, missing kind, duplicates, empty file", "[config][errors]") {
    CHECK(error_of("topology:\n  kind: switched\n  dims: [2, 2]\n") ==
          "cfg.yaml:3: topology.dims: not used by topology.kind switched (only by torus, mesh, nd_fullmesh) "
          "(got \"[2, 2]\")");
    CHECK(error_of("topology:\n  chips: 8\n") == "cfg.yaml: topology.kind: missing required key");
    CHECK(error_of("topology:\n  kind: switched\n  chips: 8\n  chips: 16\n") ==
          "cfg.yaml:4: topology.chips: key given twice");
    CHECK(error_of("") == "cfg.yaml: config is empty; it needs at least topology.kind");
    CHECK(error_of("topology:\n  kind: switched\n  ? [a, b]\n  : 1\n") ==
          "cfg.yaml:3: topology.?: keys must be plain names");
}

TEST_CASE("config errors: malformed YAML", "[config][errors]") {
    CHECK(error_of("topology:\n  kind: [switched\n") == "cfg.yaml:3: malformed YAML: end of sequence flow not found");
    CHECK(error_of("topology:\n  kind: switched\n   chips: 4\n") == "cfg.yaml:3: malformed YAML: illegal map value");
}

TEST_CASE("config errors: missing file or a directory", "[config][errors]") {
    CHECK_THROWS_WITH(Config::load("/nonexistent/snsim.yaml"),
                      "/nonexistent/snsim.yaml: cannot open config file: No such file or directory");
    snsim::test::TempDir dir;
    CHECK_THROWS_WITH(Config::load(dir.file("")), dir.file("") + ": is a directory, not a config file");
}

TEST_CASE("config errors: generator constraints point at the key's line", "[config][errors]") {
    CHECK(error_of("topology:\n  kind: switched\n  switches_per_plane: 4\n  links_per_chip_per_plane: 2\n") ==
          "cfg.yaml:4: topology.links_per_chip_per_plane: must be at least 4 (switches_per_plane), so every chip "
          "reaches every switch chip of a plane (got \"2\")");
    // A default that breaks a constraint is reported at the topology.kind line, with the value used.
    CHECK(error_of("topology:\n  kind: switched\n  switches_per_plane: 2\n") ==
          "cfg.yaml:2: topology.links_per_chip_per_plane: must be at least 2 (switches_per_plane), so every chip "
          "reaches every switch chip of a plane (got \"1\")");
    CHECK(error_of("topology:\n  kind: clos\n  chips_per_node: 8\n  spines_per_plane: 3\n") ==
          "cfg.yaml:4: topology.spines_per_plane: must divide the 8 uplinks per leaf (got \"3\")");
    CHECK(error_of("topology:\n  kind: torus\n  dims: [4, 4]\n  twist: [1]\n") ==
          "cfg.yaml:4: topology.twist: needs one entry per dimension (2) (got \"[1]\")");
    CHECK(error_of("topology:\n  kind: torus\n  dims: [4, 4, 4]\n  twist: [1, 1, 0]\n") ==
          "cfg.yaml:4: topology.twist: only one dimension may be twisted (more would need carries between the "
          "twists to stay a torus on which every chip looks alike) (got \"[1, 1, 0]\")");
    CHECK(error_of("topology:\n  kind: dragonfly\n  groups: 20\n") ==
          "cfg.yaml:3: topology.groups: at most routers_per_group * global_links_per_router + 1 = 9 groups can all "
          "be joined directly (got \"20\")");
    CHECK(error_of("topology:\n  kind: custom\n") == "cfg.yaml:2: topology.file: is required for topology.kind custom");
}

TEST_CASE("guard rail: graphs that would exhaust memory are refused before building", "[config][errors]") {
    CHECK(error_of("topology:\n  kind: full_mesh\n  chips: 100000\n") ==
          "cfg.yaml:3: topology.chips: graph would need about 1.746 TiB of memory, over the limit of 8 GiB "
          "(limits.graph_memory) (got \"100000\")");
    CHECK(error_of("topology:\n  kind: switched\n  chips: 3000000000\n") ==
          "cfg.yaml:3: topology.chips: must be at most 2147483647 (got \"3000000000\")");
    CHECK(error_of("topology:\n  kind: torus\n  dims: [100000, 100000]\n") ==
          "cfg.yaml:3: topology.dims: graph would need about 10.48 TiB of memory, over the limit of 8 GiB "
          "(limits.graph_memory) (got \"[100000, 100000]\")");
}

TEST_CASE("config errors: disconnected custom graph", "[config][errors]") {
    snsim::test::TempDir dir;
    dir.write("g.yaml", "nodes: [a, b, c, d]\nedges:\n  - [a, b]\n  - [c, d]\n");
    const std::string cfg = dir.write("cfg.yaml", "topology:\n  kind: custom\n  file: g.yaml\n");
    CHECK_THROWS_WITH(snsim::config::build_topology(Config::load(cfg)),
                      dir.file("g.yaml") + ": graph is disconnected: 2 of 4 chips unreachable from a: c, d");
}

TEST_CASE("run settings: defaults, communicator subsets and their errors", "[config]") {
    const Config c =
        Config::parse("topology:\n  kind: switched\n  chips: 16\ncommunicator:\n  first: 2\n  stride: 3\n", "cfg.yaml");
    const auto t = snsim::config::build_topology(c);
    const auto chips = snsim::config::communicator(c, t);
    REQUIRE(chips.size() == 5); // chips 2, 5, 8, 11, 14
    CHECK(t.node(chips[4]).name == "c14");
    const auto r = snsim::config::run_request(c);
    CHECK(r.collective == "allreduce");
    CHECK(r.algorithm == "ring");
    CHECK(r.sizes.size() == 24);
    CHECK(r.routing.strategy == snsim::RouteStrategy::Ecmp);

    auto error = [](const std::string& yaml) {
        try {
            const Config bad = Config::parse(yaml, "cfg.yaml");
            snsim::config::communicator(bad, snsim::config::build_topology(bad));
            snsim::config::run_request(bad);
        } catch (const snsim::InputError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(error("topology:\n  kind: switched\n  chips: 8\ncommunicator:\n  count: 9\n") ==
          "cfg.yaml:5: communicator.count: only 8 chips fit from chip 0 with stride 1 (got \"9\")");
    CHECK(error("topology:\n  kind: switched\n  chips: 8\ncommunicator:\n  first: 7\n") ==
          "cfg.yaml:5: communicator.first: selects 1 chip (from chip 7 of 8 with stride 1); a communicator needs at "
          "least 2 (got \"7\")");
    CHECK(error("topology:\n  kind: switched\ncollective:\n  sizes: 8G:1K:x2\n") ==
          "cfg.yaml:4: collective.sizes: the last size is smaller than the first (got \"8G:1K:x2\")");
    CHECK(error("topology:\n  kind: switched\ncost:\n  efficiency: 1.5\n") ==
          "cfg.yaml:4: cost.efficiency: must be between 1e-6 and 1 (got \"1.5\")");
    // A denormal efficiency made every time infinite (and SimGrid deadlock).
    CHECK(error("topology:\n  kind: switched\ncost:\n  efficiency: 1e-320\n") ==
          "cfg.yaml:4: cost.efficiency: must be between 1e-6 and 1 (got \"1e-320\")");
}

namespace {

// Runs `body` with `dir` as the working directory, restoring the old one afterwards.
template <class Body> void in_directory(const std::string& dir, const Body& body) {
    const auto old = std::filesystem::current_path();
    std::filesystem::current_path(dir);
    try {
        body();
    } catch (...) {
        std::filesystem::current_path(old);
        throw;
    }
    std::filesystem::current_path(old);
}

} // namespace

TEST_CASE("include: the config wins over later includes, which win over earlier ones, overrides over all",
          "[config][include]") {
    snsim::test::TempDir dir;
    dir.write("base.yaml", "seed: 5\ncost:\n  alpha: 1us\n  efficiency: 0.5\ncollective: {chunks: 2}\n");
    dir.write("fitted.yaml", "# fitted by snsim calibrate\ncost:\n  efficiency: 0.77696\ncollective: {chunks: 3}\n");
    const std::string cfg = dir.write("cfg.yaml", "include: [base.yaml, fitted.yaml]\n"
                                                  "topology: {kind: switched, chips: 8}\ncost: {alpha: 3us}\n");
    const Config c = Config::load(cfg);
    CHECK(c.file() == cfg);
    CHECK(c.real("cost.alpha") == Approx(3e-6).epsilon(1e-15));         // own key over both includes
    CHECK(c.real("cost.efficiency") == Approx(0.77696).epsilon(1e-15)); // later include over earlier
    CHECK(c.integer("collective.chunks") == 3);
    CHECK(c.integer("seed") == 5); // only in the first include
    CHECK(c.given("seed"));        // an included value counts as given
    CHECK_FALSE(c.given("collective.root"));
    CHECK(c.file_of("seed") == dir.file("base.yaml"));
    CHECK(c.file_of("cost.alpha") == cfg);
    CHECK(c.file_of("collective.root") == cfg); // defaults belong to the config
    CHECK(c.strings("include") == std::vector<std::string>{"base.yaml", "fitted.yaml"});

    const Config o = Config::load(cfg, {{"cost.efficiency", "0.25"}, {"seed", "9"}, {"cost.alpha", "7us"}});
    CHECK(o.real("cost.efficiency") == 0.25);
    CHECK(o.integer("seed") == 9);
    CHECK(o.real("cost.alpha") == Approx(7e-6).epsilon(1e-15));
    CHECK(o.file_of("seed") == cfg);

    // A single file name, an empty fragment, and a fragment of comments only.
    dir.write("empty.yaml", "");
    dir.write("comments.yaml", "# nothing fitted yet\n");
    const Config one = Config::load(dir.write("one.yaml", "include: fitted.yaml\ntopology: {kind: switched}\n"), {});
    CHECK(one.real("cost.efficiency") == Approx(0.77696).epsilon(1e-15));
    const Config none =
        Config::load(dir.write("none.yaml", "include: [empty.yaml, comments.yaml]\ntopology: {kind: switched}\n"));
    CHECK(none.real("cost.efficiency") == 1);
    // Even topology.kind may come from an include.
    dir.write("topo.yaml", "topology:\n  kind: torus\n");
    CHECK(Config::load(dir.write("k.yaml", "include: topo.yaml\n")).kind() == "torus");
}

TEST_CASE("include: errors about included values name the included file and line", "[config][include]") {
    snsim::test::TempDir dir;
    auto error = [&](const std::string& cfg_text, const Config::Overrides& overrides = {}) {
        try {
            const Config c = Config::load(dir.write("cfg.yaml", cfg_text), overrides);
            snsim::config::run_request(c);
            snsim::config::build_topology(c);
        } catch (const snsim::InputError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    const std::string cfg = dir.file("cfg.yaml");
    const std::string fitted = dir.file("fitted.yaml");
    dir.write("fitted.yaml", "# fitted\ncost:\n  efficiency: 2\n");
    // Checked after loading (run_request), from the entry's file and line.
    CHECK(error("include: fitted.yaml\ntopology: {kind: switched, chips: 8}\n") ==
          fitted + ":3: cost.efficiency: must be between 1e-6 and 1 (got \"2\")");
    // The config's own value replaces the bad one; an override does too.
    CHECK(error("include: fitted.yaml\ntopology: {kind: switched, chips: 8}\ncost: {efficiency: 0.5}\n") == "no error");
    CHECK(error("include: fitted.yaml\ntopology: {kind: switched, chips: 8}\n", {{"cost.efficiency", "0.5"}}) ==
          "no error");
    // Checked while loading: unknown key, bad unit, key of another generator, key given twice in one file.
    dir.write("fitted.yaml", "cost:\n  efficiency: 0.7\n  bogus: 43442.1ns\n");
    CHECK(error("include: fitted.yaml\ntopology: {kind: switched}\n") ==
          fitted + ":3: cost.bogus: unknown key (got \"43442.1ns\")");
    dir.write("fitted.yaml", "cost:\n  alpha: 5\n");
    CHECK(error("include: fitted.yaml\ntopology: {kind: switched}\n") ==
          fitted + ":2: cost.alpha: missing unit: write a time such as 1.2us, 200ns, 3ms (got \"5\")");
    dir.write("fitted.yaml", "topology:\n  dims: [2, 2]\n");
    CHECK(error("include: fitted.yaml\ntopology: {kind: switched}\n") ==
          fitted + ":2: topology.dims: not used by topology.kind switched (only by torus, mesh, nd_fullmesh) "
                   "(got \"[2, 2]\")");
    dir.write("fitted.yaml", "seed: 1\nseed: 2\n");
    CHECK(error("include: fitted.yaml\ntopology: {kind: switched}\n") == fitted + ":2: seed: key given twice");
    // The same key in the config and in an included file is not "given twice": the config wins.
    dir.write("fitted.yaml", "seed: 2\n");
    CHECK(error("include: fitted.yaml\nseed: 3\ntopology: {kind: switched, chips: 8}\n") == "no error");
    // A default broken by the generator is blamed on topology.kind, wherever that was written.
    dir.write("fitted.yaml", "\ntopology:\n  kind: switched\n  switches_per_plane: 2\n");
    CHECK(error("include: fitted.yaml\n") ==
          fitted + ":3: topology.links_per_chip_per_plane: must be at least 2 (switches_per_plane), so every chip "
                   "reaches every switch chip of a plane (got \"1\")");
    // Malformed YAML and a fragment that is not a map.
    dir.write("fitted.yaml", "cost:\n  efficiency: [0.5\n");
    CHECK(error("include: fitted.yaml\ntopology: {kind: switched}\n") ==
          fitted + ":3: malformed YAML: end of sequence flow not found");
    dir.write("fitted.yaml", "- 0.5\n");
    CHECK(error("include: fitted.yaml\ntopology: {kind: switched}\n") ==
          fitted + ":1: expected a map of keys at the top");
    // A bad `include` value itself.
    CHECK(error("topology: {kind: switched}\ninclude: {a: b}\n") ==
          cfg + ":2: include: expected a file name or a list of them such as [base.yaml, fitted.yaml] (got \"a map\")");
    CHECK(error("topology: {kind: switched}\ninclude: [fitted.yaml, \"\"]\n") ==
          cfg + ":2: include: expected a non-empty text");
}

TEST_CASE("include: a missing, unreadable or directory include is refused at the include line", "[config][include]") {
    snsim::test::TempDir dir;
    const std::string cfg = dir.file("cfg.yaml");
    dir.write("base.yaml", "seed: 2\n");
    std::filesystem::create_directory(dir.file("adir"));
    auto error = [&](const std::string& cfg_text) {
        try {
            Config::load(dir.write("cfg.yaml", cfg_text));
        } catch (const snsim::InputError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(error("topology: {kind: switched}\ninclude:\n  - base.yaml\n  - fitted.yaml\n") ==
          cfg + ":4: include: " + dir.file("fitted.yaml") +
              ": cannot open config file: No such file or directory (got \"fitted.yaml\")");
    CHECK(error("topology: {kind: switched}\ninclude: adir\n") ==
          cfg + ":2: include: " + dir.file("adir") + ": is a directory, not a config file (got \"adir\")");
    CHECK(error("topology: {kind: switched}\ninclude: base.yaml/x.yaml\n") ==
          cfg + ":2: include: " + dir.file("base.yaml/x.yaml") +
              ": cannot open config file: Not a directory (got \"base.yaml/x.yaml\")");
    // An include given as an override has no line.
    try {
        Config::load(dir.write("cfg.yaml", "topology: {kind: switched}\n"), {{"include", "nope.yaml"}});
        FAIL("no error");
    } catch (const snsim::InputError& e) {
        CHECK(std::string(e.what()) == cfg + ": include: " + dir.file("nope.yaml") +
                                           ": cannot open config file: No such file or directory (got \"nope.yaml\")");
    }
}

TEST_CASE("include: included files cannot include others", "[config][include]") {
    snsim::test::TempDir dir;
    dir.write("inner.yaml", "seed: 3\n");
    dir.write("middle.yaml", "seed: 2\ninclude: inner.yaml\n");
    const std::string cfg = dir.write("cfg.yaml", "include: middle.yaml\ntopology: {kind: switched}\n");
    CHECK_THROWS_WITH(Config::load(cfg),
                      dir.file("middle.yaml") +
                          ":2: include: an included file cannot include others; list them all in the including "
                          "config (got \"inner.yaml\")");
    // A config including itself is the same error, not a loop.
    const std::string self = dir.write("self.yaml", "include: self.yaml\ntopology: {kind: switched}\n");
    CHECK_THROWS_WITH(Config::load(self), self + ":1: include: an included file cannot include others; list them all "
                                                 "in the including config (got \"self.yaml\")");
}

TEST_CASE("include: paths are relative to the including config, from any working directory", "[config][include]") {
    snsim::test::TempDir dir;
    std::filesystem::create_directories(dir.file("sub/frag"));
    dir.write("fitted.yaml", "cost: {efficiency: 0.1}\n"); // a decoy in the working directory
    dir.write("sub/fitted.yaml", "cost: {efficiency: 0.9}\n");
    // A graph file named in an included file is relative to that file.
    dir.write("sub/frag/topo.yaml", "topology:\n  kind: custom\n  file: g.yaml\n");
    dir.write("sub/frag/g.yaml", "nodes: [a, b, c]\nedges:\n  - [a, b]\n  - [b, c]\n");
    dir.write("sub/cfg.yaml", "include: [fitted.yaml, frag/topo.yaml]\n");
    in_directory(dir.file(""), [] {
        const Config c = Config::load("sub/cfg.yaml");
        CHECK(c.real("cost.efficiency") == 0.9);
        CHECK(c.file_of("cost.efficiency") == "sub/fitted.yaml");
        CHECK(snsim::config::build_topology(c).count(snsim::NodeKind::Chip) == 3);
        // Config::parse resolves them from the directory of the name it is given.
        CHECK(
            Config::parse("include: fitted.yaml\ntopology: {kind: switched}\n", "sub/x.yaml").real("cost.efficiency") ==
            0.9);
        CHECK(Config::parse("include: fitted.yaml\ntopology: {kind: switched}\n", "x.yaml").real("cost.efficiency") ==
              0.1);
    });
}
