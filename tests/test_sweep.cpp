// snsim sweep end to end, through the real binary: rows that agree with snsim run and with the closed form,
// outputs that are the same bytes across runs, --jobs values, shards merged and an interrupted-then-resumed run,
// failing points reported in their rows while the others complete, and bad specs refused with one line.
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <thread>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "support.hpp"

using snsim::test::lines;
using snsim::test::run_snsim;
using snsim::test::slurp;

namespace {

const std::string kFullMesh = std::string(SNSIM_SOURCE_DIR) + "/configs/fullmesh8.yaml";
const std::string kDomain64 = std::string(SNSIM_SOURCE_DIR) + "/configs/presets/al128_domain64.yaml";

// Fields of one CSV line (no quoted fields in the lines these tests read).
std::vector<std::string> fields(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream parts(line);
    for (std::string f; std::getline(parts, f, ',');)
        out.push_back(f);
    return out;
}

std::vector<std::string> csv_lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

// A spec over 8 chips in a full mesh: 2 bandwidths x 2 algorithms.
std::string small_spec(const snsim::test::TempDir& dir, const std::string& engine) {
    return dir.write("small.yaml", "sweep:\n  configs: [" + kFullMesh +
                                       "]\n  grid:\n    topology.link.bandwidth: [32GB/s, 64GB/s]\n"
                                       "    collective.algorithm: [ring, recursive_doubling]\n"
                                       "  sizes: 1M,64M\n  engine: " +
                                       engine + "\n");
}

// `latencies` x 2 points (16 by default) of about 0.1 s each (SimGrid, 64 chips): long enough to be interrupted
// between points; fewer where a test needs only one point in progress and the others to complete.
std::string slow_spec(const snsim::test::TempDir& dir, int latencies = 8) {
    std::string grid;
    for (int i = 1; i <= latencies; ++i)
        grid += (i > 1 ? ", " : "") + std::to_string(100 * i) + "ns";
    return dir.write("slow.yaml", "sweep:\n  configs: [" + kDomain64 + "]\n  grid:\n    topology.link.latency: [" +
                                      grid + "]\n    collective.algorithm: [ring, in_switch]\n  sizes: 1M,64M\n");
}

// Starts `snsim ARGS...` without waiting, its output in `log`.
pid_t start_snsim(const std::vector<std::string>& args, const std::string& log) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        std::vector<char*> argv{const_cast<char*>(SNSIM_BIN)};
        for (const auto& a : args)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(SNSIM_BIN, argv.data());
        ::_exit(127);
    }
    return pid;
}

int wait_for(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string points_run(std::size_t n) {
    return std::to_string(n) + " points run in";
}

std::string valid_points(int points) {
    return ": " + std::to_string(points) + " points, ";
}

// The first child of `pid` (the sweep's worker) is listed here.
std::string children_file(pid_t pid) {
    return "/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children";
}

// Journal lines after the header: the points it holds.
std::size_t journaled(const std::string& journal) {
    const auto n = lines(slurp(journal));
    return n > 0 ? n - 1 : 0;
}

// Waits until `journal` holds `points` points; false if the sweep `pid` ended first.
bool wait_journal(pid_t pid, const std::string& journal, std::size_t points) {
    while (journaled(journal) < points) {
        if (::waitpid(pid, nullptr, WNOHANG) != 0) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

} // namespace

TEST_CASE("sweep: each point's rows are snsim run's on that point, and the closed form", "[cli][sweep]") {
    snsim::test::TempDir dir;
    const auto r = run_snsim("sweep " + small_spec(dir, "analytic") + " --out " + dir.file("out"));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    const auto sweep = csv_lines(slurp(dir.file("out/sweep.csv")));
    REQUIRE(sweep.size() == 1 + 4 * 2);
    CHECK(sweep[0] ==
          "point,config,topology.link.bandwidth,collective.algorithm,status,collective,algorithm,"
          "size_bytes,count,time_us,algbw_gbps,busbw_gbps,bound_us,bound_fraction,flows,seed,protocol,engine,estimate,"
          "analytic_time_us,engine_difference");

    // Point 3 is 64GB/s (the config's own) and recursive_doubling: snsim run gives the same columns.
    const auto run = run_snsim("run " + kFullMesh +
                               " --engine analytic --algorithm recursive_doubling --sizes "
                               "1M,64M --csv " +
                               dir.file("run.csv"));
    REQUIRE(run.exit_code == 0);
    const auto alone = csv_lines(slurp(dir.file("run.csv")));
    REQUIRE(alone.size() == 3);
    const std::string point3 = "3," + kFullMesh + ",64GB/s,recursive_doubling,ok,";
    const std::string system = "fullmesh8," + kFullMesh + ",8,"; // run's own first columns
    REQUIRE(alone[1].starts_with(system));
    CHECK(sweep[7] == point3 + alone[1].substr(system.size()));
    CHECK(sweep[8] == point3 + alone[2].substr(system.size()));

    // A ring on a full mesh shares no cable: 2(p-1)(L + S/(pB)), p = 8, L = 150 ns, S = 64 MiB.
    for (const auto& [line, bandwidth] : {std::pair{2, 32e9}, {6, 64e9}}) {
        const auto f = fields(sweep[line]);
        REQUIRE(f.size() == 20);
        CHECK(f[6] == "ring");
        CHECK(std::stod(f[9]) == Approx(14 * (0.15 + 67108864 / (8 * bandwidth) * 1e6)).epsilon(1e-9));
        CHECK(f[15] == "1"); // the seed, echoed
    }
    const auto j = nlohmann::json::parse(slurp(dir.file("out/sweep.json")));
    CHECK(j["points"] == 4);
    CHECK(j["rows"].size() == 8);
    CHECK(j["rows"][7]["topology.link.bandwidth"] == "64GB/s");
    CHECK(j["rows"][7]["seed"] == 1);
}

TEST_CASE("sweep: outputs are the same bytes across runs and --jobs values", "[cli][sweep]") {
    snsim::test::TempDir dir;
    const auto spec = small_spec(dir, "simgrid");
    for (const char* run : {"a --jobs 2", "b --jobs 2", "c --jobs 1"})
        REQUIRE(run_snsim("sweep " + spec + " --out " + dir.file(run)).exit_code == 0);
    for (const char* file : {"/sweep.csv", "/sweep.json"}) {
        const std::string a = slurp(dir.file("a") + file);
        CHECK(lines(a) > 8);
        CHECK(slurp(dir.file("b") + file) == a);
        CHECK(slurp(dir.file("c") + file) == a);
    }
}

TEST_CASE("sweep: shards 0/2 and 1/2 merged are the unsharded outputs, merge checks the shards", "[cli][sweep]") {
    snsim::test::TempDir dir;
    const auto spec = small_spec(dir, "analytic");
    REQUIRE(run_snsim("sweep " + spec + " --out " + dir.file("whole")).exit_code == 0);
    const std::string shards = dir.file("shards");
    REQUIRE(run_snsim("sweep " + spec + " --out " + shards + " --shard 0/2").exit_code == 0);
    CHECK(lines(slurp(shards + "/shard-0-of-2.csv")) == 1 + 2 * 2);

    const auto missing = run_snsim("sweep " + spec + " --out " + shards + " --merge");
    CHECK(missing.exit_code == 2);
    CHECK(lines(missing.output) == 1);
    CHECK_THAT(missing.output, Catch::Contains("shard 1/2 is missing"));
    const auto twice = run_snsim("sweep " + spec + " --out " + shards + " --merge " + shards + "/shard-0-of-2.jsonl " +
                                 shards + "/shard-0-of-2.jsonl");
    CHECK(twice.exit_code == 2);
    CHECK_THAT(twice.output, Catch::Contains("given twice"));
    CHECK_FALSE(std::filesystem::exists(shards + "/sweep.csv"));

    REQUIRE(run_snsim("sweep " + spec + " --out " + shards + " --shard 1/2").exit_code == 0);
    const auto merged = run_snsim("sweep " + spec + " --out " + shards + " --merge");
    INFO(merged.output);
    REQUIRE(merged.exit_code == 0);
    CHECK(slurp(shards + "/sweep.csv") == slurp(dir.file("whole/sweep.csv")));
    CHECK(slurp(shards + "/sweep.json") == slurp(dir.file("whole/sweep.json")));

    // A shard of another sweep (another spec) is refused.
    const auto other = dir.write("other.yaml", "sweep:\n  configs: [" + kFullMesh +
                                                   "]\n  grid:\n    topology.link.bandwidth: [32GB/s, 64GB/s]\n"
                                                   "    collective.algorithm: [ring, recursive_doubling]\n"
                                                   "  sizes: 1M\n  engine: analytic\n");
    const auto foreign = run_snsim("sweep " + other + " --out " + shards + " --merge");
    CHECK(foreign.exit_code == 2);
    CHECK_THAT(foreign.output, Catch::Contains("a shard of another sweep"));
}

TEST_CASE("sweep: SIGTERM keeps every finished point, --resume runs only the rest, same bytes", "[cli][sweep]") {
    snsim::test::TempDir dir;
    const auto spec = slow_spec(dir);
    REQUIRE(run_snsim("sweep " + spec + " --jobs 2 --out " + dir.file("whole")).exit_code == 0);

    const std::string out = dir.file("cut"), journal = out + "/sweep.jsonl";
    const pid_t pid = start_snsim({"sweep", spec, "--jobs", "2", "--out", out}, dir.file("log"));
    REQUIRE(wait_journal(pid, journal, 3));
    ::kill(pid, SIGTERM);
    CHECK(wait_for(pid) == 128 + SIGTERM);
    const std::size_t kept = journaled(journal);
    INFO(slurp(dir.file("log")));
    CHECK(kept >= 3);
    REQUIRE(kept < 16);
    CHECK_FALSE(std::filesystem::exists(out + "/sweep.csv"));
    CHECK_THAT(slurp(dir.file("log")), Catch::Contains("with --resume"));

    // Without --resume the journal is not overwritten.
    const auto again = run_snsim("sweep " + spec + " --out " + out);
    CHECK(again.exit_code == 2);
    CHECK(journaled(journal) == kept);

    const auto resumed = run_snsim("sweep " + spec + " --jobs 1 --resume --out " + out);
    INFO(resumed.output);
    REQUIRE(resumed.exit_code == 0);
    CHECK_THAT(resumed.output, Catch::Contains(points_run(16 - kept)));
    CHECK(slurp(out + "/sweep.csv") == slurp(dir.file("whole/sweep.csv")));
    CHECK(slurp(out + "/sweep.json") == slurp(dir.file("whole/sweep.json")));
}

TEST_CASE("sweep: a point that fails or crashes is reported in its rows and the others complete", "[cli][sweep]") {
    snsim::test::TempDir dir;
    // in_switch needs switch chips; a full mesh has none.
    const auto spec = dir.write("fail.yaml", "sweep:\n  configs: [" + kFullMesh +
                                                 "]\n  grid:\n    collective.algorithm: [ring, in_switch, "
                                                 "recursive_doubling]\n  sizes: 1M,4M\n  engine: analytic\n");
    const auto r = run_snsim("sweep " + spec + " --out " + dir.file("out"));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Contains("3 points, 1 failed"));
    const auto rows = csv_lines(slurp(dir.file("out/sweep.csv")));
    REQUIRE(rows.size() == 1 + 3 * 2);
    for (int i : {1, 2, 5, 6})
        CHECK(fields(rows[i])[3] == "ok");
    for (int i : {3, 4}) {
        CHECK_THAT(rows[i], Catch::StartsWith("1," + kFullMesh + ",in_switch,error: in_switch needs switch chips"));
        CHECK_THAT(rows[i], Catch::EndsWith(",,,,,,,1,,,,,"));
    }

    // Runs the slow spec on one worker, sends `signal` to the worker once a point is on disk, and returns the
    // sweep's CSV lines.
    const auto signal_worker = [&](int signal, const std::string& name) {
        const std::string out = dir.file(name);
        const pid_t pid =
            start_snsim({"sweep", slow_spec(dir, 3), "--jobs", "1", "--out", out}, dir.file(name + ".log"));
        REQUIRE(wait_journal(pid, out + "/sweep.jsonl", 1));
        std::size_t worker = 0;
        std::ifstream(children_file(pid)) >> worker;
        REQUIRE(worker > 0);
        ::kill(static_cast<pid_t>(worker), signal);
        REQUIRE(wait_for(pid) == 0);
        const auto rows = csv_lines(slurp(out + "/sweep.csv"));
        CHECK(rows.size() == 1 + 6 * 2);
        return rows;
    };

    // A worker killed mid-point from outside (kill -9): an interruption, like SIGTERM. The point runs once more
    // in a fresh worker, and only a second death on it would record it failed (a crash of the point itself).
    std::size_t crashed = 0;
    for (const auto& line : signal_worker(SIGKILL, "crash"))
        crashed += line.find("error: worker killed") != std::string::npos;
    CHECK(crashed == 0);

    // A worker stopped by SIGTERM alone (a job scheduler signals every process of a job; here only the worker):
    // an interruption, not a failure of its point, which runs again in a fresh worker.
    const auto again = signal_worker(SIGTERM, "again");
    const auto header = fields(again.at(0));
    const auto status = std::find(header.begin(), header.end(), "status") - header.begin();
    REQUIRE(status < static_cast<long>(header.size()));
    for (std::size_t i = 1; i < again.size(); ++i)
        CHECK(fields(again[i])[status] == "ok");
}

TEST_CASE("sweep: a bad spec is one line naming the spec, line, key and value, exit 2, nothing written",
          "[cli][sweep][errors]") {
    snsim::test::TempDir dir;
    const auto refused = [&](const std::string& yaml, const std::string& flags = "") {
        const auto spec = dir.write("bad.yaml", yaml);
        const auto r = run_snsim("sweep " + spec + " --out " + dir.file("out") + flags);
        CHECK(r.exit_code == 2);
        CHECK(lines(r.output) == 1);
        CHECK_FALSE(std::filesystem::exists(dir.file("out")));
        return r.output.substr(0, r.output.size() - 1);
    };
    const std::string spec = dir.file("bad.yaml");
    const std::string head = "sweep:\n  configs: [" + kFullMesh + "]\n  grid:\n";
    CHECK(refused(head + "    topology.link.bandwidth: [64GB/s,\n      50 GB]\n") ==
          "snsim: error: " + spec +
              ":5: topology.link.bandwidth: unknown unit \"GB\" for a bandwidth; use e.g. 392GB/s, 224Gbps, "
              "28 GBps (got \"50 GB\")");
    CHECK(refused(head + "    topology.chips: [4, 0]\n") ==
          "snsim: error: " + spec + ":4: topology.chips: must be at least 2 (got \"0\")");
    CHECK(refused(head + "    topology.chips: [4]\n  engin: analytic\n") ==
          "snsim: error: " + spec +
              ":5: sweep.engin: unknown key; expected configs, grid, set, collective, sizes, engine or out (got "
              "\"engin\")");
    CHECK(refused(head + "    collective.algorithm: [ring,\n      rnig]\n") ==
          "snsim: error: " + spec +
              ":5: collective.algorithm: unknown algorithm (snsim run --help lists them) (got \"rnig\")");
    CHECK(refused("sweep:\n  configs: [" + kFullMesh + "]\n  set:\n    topology.chips: 1\n") ==
          "snsim: error: " + spec + ":4: topology.chips: must be at least 2 (got \"1\")");
    CHECK_THAT(refused("sweep:\n  configs: [nowhere.yaml]\n"),
               Catch::Contains(spec + ":2: sweep.configs: no such config file"));
    CHECK(refused(head + "    topology.chips: [4]\n", " --shard 1/1") ==
          "snsim: error: --shard \"1/1\": expected I/N with 0 <= I < N, e.g. 0/4");
}

TEST_CASE("sweep: the specs in configs/sweeps and bench/configs are valid, the analytic example runs", "[cli][sweep]") {
    const std::string root = SNSIM_SOURCE_DIR;
    for (const auto& [spec, points] : {std::pair{"/configs/sweeps/al64_bandwidth_latency.yaml", 27},
                                       {"/configs/sweeps/nvl72_algorithms_chunks.yaml", 9},
                                       {"/bench/configs/sweep_1000.yaml", 1000}}) {
        const auto r = run_snsim(std::string("sweep ") + root + spec + " --check");
        INFO(r.output);
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.output, Catch::Contains(valid_points(points)));
    }
    snsim::test::TempDir dir;
    const auto r = run_snsim("sweep " + root + "/configs/sweeps/al64_bandwidth_latency.yaml --out " + dir.file("o"));
    REQUIRE(r.exit_code == 0);
    const auto rows = csv_lines(slurp(dir.file("o/sweep.csv")));
    REQUIRE(rows.size() == 1 + 27 * 3);
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const auto f = fields(rows[i]);
        REQUIRE(f.size() == 21);
        CHECK(f[5] == "ok");
        // No allreduce moves more than 2(p-1)/p x S through a chip's 14 cables: busbw <= 14 x the cable bandwidth
        // (in-switch reduction halves what a chip sends, so it may reach twice that).
        const double cable_gbps = std::stod(f[2]); // "25GB/s" -> 25
        CHECK(std::stod(f[12]) <= (f[4] == "in_switch" ? 2 : 1) * 14 * cable_gbps * (1 + 1e-9));
    }
}

TEST_CASE("sweep --help explains every option", "[cli][sweep]") {
    const auto r = run_snsim("sweep --help");
    CHECK(r.exit_code == 0);
    for (const char* option : {"spec", "shard_journals", "--jobs", "--shard", "--resume", "--restart", "--check",
                               "--merge", "--out", "SIGTERM", "sweep.csv"})
        CHECK_THAT(r.output, Catch::Contains(option));
}

TEST_CASE("sweep: a journal line cut short by a kill is dropped and its point run again", "[cli][sweep]") {
    snsim::test::TempDir dir;
    const auto spec = small_spec(dir, "analytic");
    const std::string out = dir.file("o");
    REQUIRE(run_snsim("sweep " + spec + " --out " + out).exit_code == 0);
    const std::string whole = slurp(out + "/sweep.csv");
    const std::string journal = slurp(out + "/sweep.jsonl");
    std::filesystem::remove(out + "/sweep.csv");
    std::ofstream(out + "/sweep.jsonl", std::ios::binary | std::ios::trunc) << journal.substr(0, journal.size() - 20);

    const auto r = run_snsim("sweep " + spec + " --resume --out " + out);
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Contains(points_run(1) + " ")); // the one cut short
    CHECK(slurp(out + "/sweep.csv") == whole);
    CHECK(lines(slurp(out + "/sweep.jsonl")) == 1 + 4);
}
