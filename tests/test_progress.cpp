// Progress of long runs: the line on a terminal (sim/cli/progress_line.hpp) with the engine's flow count shared
// from its child process (sim/engine/progress.hpp), and snsim run streaming its rows and keeping them when stopped.
#include <catch2/catch.hpp>

#include <sstream>
#include <thread>

#include "sim/cli/progress_line.hpp"
#include "sim/collectives/collective.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/progress.hpp"
#include "topologies/generate.hpp"
#include "support.hpp"

using namespace snsim;
using namespace std::chrono_literals;

TEST_CASE("progress line: drawn on a terminal after the delay, cleared for output, silent elsewhere",
          "[cli][progress]") {
    std::ostringstream out;
    {
        cli::ProgressLine line(out, true, "run", 3, "sizes", 5ms, 0ms);
        line.begin("1 GiB");
        engine::start_flow_progress(200);
        engine::count_finished_flows(50);
        CHECK(line.text().rfind("# run: 0/3 sizes, now 1 GiB for 0 s: 25.0% of 200 flows, about 0 s left; 0 s "
                                "elapsed", 0) == 0);
        std::this_thread::sleep_for(50ms);
        line.print([&] { out << "ROW\n"; });
        line.done();
        line.begin("4 GiB"); // a new unit: no flows of its own yet
        CHECK(line.text() == "# run: 1/3 sizes, now 4 GiB for 0 s; 0 s elapsed");
        std::this_thread::sleep_for(50ms);
    }
    const std::string text = out.str();
    CHECK(text.find("\r# run: 0/3 sizes, now 1 GiB for 0 s: 25.0% of 200 flows") != std::string::npos);
    // The line is cleared before the row and at the end.
    CHECK(text.find("\r\x1b[KROW\n") != std::string::npos);
    CHECK(text.substr(text.size() - 4) == "\r\x1b[K");

    std::ostringstream quiet;
    {
        cli::ProgressLine line(quiet, false, "run", 3, "sizes", 1ms, 0ms);
        line.begin("1 GiB");
        std::this_thread::sleep_for(20ms);
        line.print([] {});
    }
    CHECK(quiet.str().empty());
}

TEST_CASE("progress: the discrete-event engine's child process counts its flows into the parent's view",
          "[cli][progress][engine]") {
    // A ring allreduce on 4 chips of a full mesh: 2 x 3 steps of 4 flows. The counting happens in SimGrid's child
    // process; the parent sees every flow done once simulate() returns.
    const Topology t = full_mesh({4, 1, {50e9, 100e-9, LinkKind::Electrical}});
    const auto chips = t.nodes_of(NodeKind::Chip);
    const Schedule s = build_schedule(Collective::allreduce, Algorithm::ring, 4, {.bytes = 1 << 20});
    Router router(t, {});
    engine::start_flow_progress(0);
    simulate(t, router, s, chips, EngineOptions{});
    const auto p = engine::flow_progress();
    CHECK(p.total == s.size());
    CHECK(p.done == s.size());
    CHECK(s.size() == 24);
}

TEST_CASE("run: rows stream to --csv as sizes finish, an interrupt keeps them and exits 128 + signal",
          "[cli][progress]") {
    test::TempDir dir;
    // cloudmatrix384's direct alltoall of 1M and more is 147,072 flows at once: seconds per size. The interrupt reaches the process
    // group (as Ctrl-C does), so the simulation in progress ends too.
    const std::string csv = dir.file("rows.csv");
    const std::string script = "setsid " + std::string(SNSIM_BIN) + " run " + std::string(SNSIM_SOURCE_DIR) +
                               "/configs/presets/cloudmatrix384.yaml --collective alltoall --algorithm direct "
                               "--sizes 1M,2M,4M --csv " + csv + " >" + dir.file("log") + " 2>&1 & pid=$!; " +
                               "for i in $(seq 1200); do [ -s " + csv + " ] && break; sleep 0.05; done; " +
                               "/bin/kill -INT -- -$pid; wait $pid; echo exit=$?";
    const auto r = test::run_shell(script);
    CHECK_THAT(r.output, Catch::Contains("exit=130"));
    const std::string log = test::slurp(dir.file("log"));
    INFO(log);
    // The signal stops the simulation in progress, or, when it came while the next size was being set up in this
    // process (routing 147,072 flows), the run after that size: 1 or 2 sizes kept, never the third.
    const auto kept_at = log.find("snsim: stopped by signal 2: kept the ");
    REQUIRE(kept_at != std::string::npos);
    const char kept = log[kept_at + 37];
    CHECK((kept == '1' || kept == '2'));
    CHECK_THAT(log, Catch::Contains(" of 3 sizes finished in " + csv));
    const std::string rows = test::slurp(csv);
    CHECK(test::lines(rows) == 1 + static_cast<std::size_t>(kept - '0')); // the header and each size kept
    CHECK_THAT(rows, Catch::Contains(",alltoall,direct,1048576,"));
    CHECK(rows.find(",4194304,") == std::string::npos);
}
