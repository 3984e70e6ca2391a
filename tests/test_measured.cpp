// Reading measured collective performance (sim/calibration/measured.hpp), the input of `snsim calibrate`.
// The nccl-tests and rccl-tests samples in tests/data/ are NOT captured runs: they were written with nccl-tests'
// own printf formats (src/common.cu) from made-up timings (tests/data/README.md), so their layout is real and
// their numbers measure nothing. all_reduce_perf_sample.txt's in-place busbw column reproduces the A100 CSV.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <string>

#include "sim/calibration/measured.hpp"
#include "support.hpp"
#include "topologies/errors.hpp"

using snsim::calibration::Measured;
using snsim::calibration::parse_measured;
using snsim::calibration::read_measured;

namespace {

std::string data(const std::string& name) {
    return std::string(SNSIM_SOURCE_DIR) + "/tests/data/" + name;
}

// The message of the InputError `f` throws, or "(accepted)".
std::string refusal(const std::function<void()>& f) {
    try {
        f();
    } catch (const snsim::InputError& e) {
        return e.what();
    }
    return "(accepted)";
}
std::string refusal(const std::string& text, const std::string& file) {
    return refusal([&] { parse_measured(text, file); });
}

const std::string kCsv = "# a comment\nsize_bytes,busbw_gbps\n";
const std::string kHeader = "#       size         count      type   redop    root     time   algbw   busbw #wrong     "
                            "time   algbw   busbw #wrong\n";
// A row as nccl-tests prints it, with the in-place time and busbw given.
std::string row(const std::string& size, const std::string& time, const std::string& busbw) {
    return "  " + size + "  256  float  sum  -1  45.74  0.02  0.04  0  " + time + "  0.02  " + busbw + "  0\n";
}

} // namespace

TEST_CASE("measured: the A100 CSV", "[measured]") {
    const Measured m = read_measured(data("a100x8_nvswitch_allreduce.csv"));
    CHECK_FALSE(m.collective); // a CSV comment is not parsed for it
    REQUIRE(m.points.size() == 24);
    CHECK(m.points.front().size_bytes == 1024);
    CHECK(m.points.front().busbw_Bps == Approx(0.04e9).epsilon(1e-12));
    CHECK(m.points.front().line == 5);
    CHECK(m.points.back().size_bytes == 8589934592.0);
    CHECK(m.points.back().busbw_Bps == Approx(231.58e9).epsilon(1e-12));
    for (std::size_t i = 0; i < m.points.size(); ++i) {
        CHECK(m.points[i].size_bytes == 1024.0 * (1 << i));
        CHECK(m.points[i].time_s == 0);
    }
}

TEST_CASE("measured: nccl-tests all_reduce_perf output", "[measured]") {
    const Measured m = read_measured(data("all_reduce_perf_sample.txt"));
    CHECK(m.collective == snsim::Collective::allreduce);
    REQUIRE(m.points.size() == 31); // 8 B to 8 GiB, doubling
    for (std::size_t i = 0; i < m.points.size(); ++i)
        CHECK(m.points[i].size_bytes == 8.0 * (1ull << i));
    CHECK(m.points[0].line == 18);
    CHECK(m.points[0].busbw_Bps == 0);                             // printed 0.00: a measurement, the time says more
    CHECK(m.points[0].time_s == Approx(44.12e-6).epsilon(1e-12));  // %7.2f
    CHECK(m.points[19].time_s == Approx(102.8e-6).epsilon(1e-12)); // %7.1f, 4 MiB
    CHECK(m.points[30].time_s == Approx(64912e-6).epsilon(1e-12)); // %7.0f, 8 GiB
    CHECK(m.points[30].busbw_Bps == Approx(231.58e9).epsilon(1e-12));

    // The in-place busbw column is the CSV's.
    const Measured csv = read_measured(data("a100x8_nvswitch_allreduce.csv"));
    for (const auto& c : csv.points) {
        const auto it =
            std::find_if(m.points.begin(), m.points.end(), [&](const auto& p) { return p.size_bytes == c.size_bytes; });
        REQUIRE(it != m.points.end());
        CHECK(it->busbw_Bps == Approx(c.busbw_Bps).epsilon(1e-12));
    }
}

TEST_CASE("measured: rccl-tests output and all_gather_perf with NCCL INFO lines", "[measured]") {
    // rccl-tests: preamble lines without '#', device lines without Group, the asterisk trailer, a "1*" #wrong.
    const Measured rccl = read_measured(data("rccl_all_reduce_perf_sample.txt"));
    CHECK_FALSE(rccl.collective); // rccl-tests' preamble does not name the test
    REQUIRE(rccl.points.size() == 11);
    CHECK(rccl.points.front().size_bytes == 1024);
    CHECK(rccl.points.front().time_s == Approx(18.51e-6).epsilon(1e-12));
    CHECK(rccl.points[6].size_bytes == 4194304); // the row with "1*" out of place
    CHECK(rccl.points[6].busbw_Bps == Approx(151.14e9).epsilon(1e-12));
    CHECK(rccl.points.back().size_bytes == 1073741824);
    CHECK(rccl.points.back().time_s == Approx(6185.3e-6).epsilon(1e-12));

    // nccl-tests all_gather_perf (redop none), NCCL INFO lines (one with a comma) before the header and mid-table.
    const Measured gather = read_measured(data("all_gather_perf_sample.txt"));
    CHECK(gather.collective == snsim::Collective::allgather);
    REQUIRE(gather.points.size() == 11);
    CHECK(gather.points.front().size_bytes == 1048576);
    CHECK(gather.points.front().busbw_Bps == Approx(55.49e9).epsilon(1e-12));
    CHECK(gather.points[6].size_bytes == 67108864); // after the NCCL INFO line
    CHECK(gather.points[6].time_s == Approx(176.2e-6).epsilon(1e-12));
    CHECK(gather.points.back().busbw_Bps == Approx(360.06e9).epsilon(1e-12));
}

TEST_CASE("measured: format variants", "[measured]") {
    SECTION("old all_gather_perf: no redop or root, an error column of 0e+00, N/A and asterisks") {
        const auto m = parse_measured("#  size count type time algbw busbw error time algbw busbw error\n"
                                      "  1024  32  float  20.1  0.05  0.04  0e+00  19.9  0.05  0.05  0e+00*\n"
                                      "  2048  64  float  20.3  0.10  0.09    N/A  20.0  0.10  0.09  N/A\n",
                                      "old.txt");
        REQUIRE(m.points.size() == 2);
        CHECK(m.points[0].time_s == Approx(19.9e-6).epsilon(1e-12));
        CHECK(m.points[1].busbw_Bps == Approx(0.09e9).epsilon(1e-12));
    }
    SECTION("rows without a header, out of order; the test named on a command line") {
        const auto m = parse_measured("$ mpirun -np 8 ./build/reduce_perf_mpi -b 1K\n" + row("4096", "50.5", "0.08") +
                                          row("1024", "45.0", "0.02"),
                                      "pasted.txt");
        CHECK(m.collective == snsim::Collective::reduce);
        REQUIRE(m.points.size() == 2);
        CHECK(m.points[0].size_bytes == 1024);
        CHECK(m.points[0].line == 3);
        CHECK(m.points[1].time_s == Approx(50.5e-6).epsilon(1e-12));
    }
    SECTION("test names are whole words") {
        CHECK(parse_measured("# Collective test starting: all_reduce_perf\n" + row("8", "44", "0"), "t").collective ==
              snsim::Collective::allreduce);
        CHECK_FALSE(parse_measured("# my_reduce_perf\n" + row("8", "44", "0"), "t").collective);
    }
    SECTION("a CSV with spaces, a byte-order mark, CRLF line ends and sizes out of order") {
        const auto m = parse_measured("\xEF\xBB\xBFsize_bytes, busbw_gbps\r\n2048, 0.08\r\n1024 ,0.04\r\n", "s.csv");
        REQUIRE(m.points.size() == 2);
        CHECK(m.points[0].size_bytes == 1024);
        CHECK(m.points[1].line == 2);
    }
}

TEST_CASE("measured: malformed CSV files get one line naming file, line and text", "[measured][errors]") {
    const std::string h = "m.csv:2: expected the header size_bytes,busbw_gbps";
    CHECK(refusal("# x\n1024,0.04\n", "m.csv") == h + " (got \"1024,0.04\")");
    CHECK(refusal("# x\nsize_bytes,busbw_gbps,time_us\n", "m.csv") == h + " (got \"size_bytes,busbw_gbps,time_us\")");
    CHECK(refusal("# x\nsize,busbw\n", "m.csv") == h + " (got \"size,busbw\")");
    CHECK(refusal(kCsv + "1024,0.04,7\n", "m.csv") ==
          "m.csv:3: expected 2 fields (size_bytes,busbw_gbps), found 3 (got \"1024,0.04,7\")");
    CHECK(refusal(kCsv + "1024\n", "m.csv") ==
          "m.csv:3: expected 2 fields (size_bytes,busbw_gbps), found 1 (got \"1024\")");

    const auto size = [](const std::string& text) { return refusal(kCsv + text + ",1\n", "m.csv"); };
    CHECK(size("1K") == "m.csv:3: size_bytes: expected a size in bytes (got \"1K\")");
    CHECK(size("-1024") == "m.csv:3: size_bytes: size must be positive (got \"-1024\")");
    CHECK(size("0") == "m.csv:3: size_bytes: size must be positive (got \"0\")");
    CHECK(size("nan") == "m.csv:3: size_bytes: not a finite size in bytes (got \"nan\")");
    CHECK(size("inf") == "m.csv:3: size_bytes: not a finite size in bytes (got \"inf\")");
    CHECK(size("1.5") == "m.csv:3: size_bytes: not a whole number of bytes (got \"1.5\")");
    CHECK(size("1e30") ==
          "m.csv:3: size_bytes: size is above 8 TiB, the largest message snsim simulates (got \"1e30\")");
    CHECK(size("1e400") == "m.csv:3: size_bytes: number out of range (got \"1e400\")");
    CHECK(size("10\x1b[31m24") == "m.csv:3: size_bytes: expected a size in bytes (got \"10\\x1b[31m24\")");

    const auto bw = [](const std::string& text) { return refusal(kCsv + "1024," + text + "\n", "m.csv"); };
    CHECK(bw("fast") == "m.csv:3: busbw_gbps: expected a bandwidth in GB/s (got \"fast\")");
    CHECK(bw("") == "m.csv:3: busbw_gbps: expected a bandwidth in GB/s");
    CHECK(bw("0") == "m.csv:3: busbw_gbps: bandwidth must be positive (got \"0\")");
    CHECK(bw("-3") == "m.csv:3: busbw_gbps: bandwidth must be positive (got \"-3\")");
    CHECK(bw("nan") == "m.csv:3: busbw_gbps: not a finite bandwidth (got \"nan\")");
    CHECK(bw("inf") == "m.csv:3: busbw_gbps: not a finite bandwidth (got \"inf\")");
    // Finite but absurd (issue 17: the optimizer failed with no file or line), as link bandwidths are bounded.
    CHECK(bw("1e-320") == "m.csv:3: busbw_gbps: bandwidth out of range: 1 B/s to 1 EB/s (1e-9 to 1e9 GB/s) (got "
                          "\"1e-320\")");
    CHECK(bw("1e308") == "m.csv:3: busbw_gbps: bandwidth out of range: 1 B/s to 1 EB/s (1e-9 to 1e9 GB/s) (got "
                         "\"1e308\")");

    CHECK(refusal(kCsv + "1024,0.04\n2048,0.08\n1024,0.05\n", "m.csv") ==
          "m.csv:5: size_bytes: size measured twice, also on line 3 (got \"1024\")");
    const std::string none = "no measurements: expected nccl-tests output (the table of all_reduce_perf and friends) "
                             "or a CSV with header size_bytes,busbw_gbps";
    CHECK(refusal(kCsv, "m.csv") == "m.csv: " + none);
    CHECK(refusal("", "m.csv") == "m.csv: " + none);
    CHECK(refusal("# only a comment\n\n", "m.csv") == "m.csv: " + none);
    CHECK(refusal(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), "m.png") == "m.png: " + none);
    // A long line is quoted up to 80 characters.
    CHECK(refusal(std::string(200, 'x') + ",1\n", "m.csv") ==
          "m.csv:1: expected the header size_bytes,busbw_gbps (got \"" + std::string(77, 'x') + "...\")");
}

TEST_CASE("measured: malformed nccl-tests output gets one line naming file, line and text", "[measured][errors]") {
    CHECK(refusal(kHeader + "        1024           256     float     sum      -1    45.74    0.02\n", "n.txt") ==
          "n.txt:2: nccl-tests row with 7 columns, expected at least 11: size count type [redop root] then time "
          "algbw busbw #wrong twice (got \"1024           256     float     sum      -1    45.74    0.02\")");
    CHECK(refusal(kHeader + row("1024", "fast", "0.04"), "n.txt") ==
          "n.txt:2: in-place time: expected a time in microseconds (got \"fast\")");
    CHECK(refusal(kHeader + row("1024", "0.00", "0.04"), "n.txt") ==
          "n.txt:2: in-place time: time must be positive (got \"0.00\")");
    CHECK(refusal(kHeader + row("1024", "nan", "0.04"), "n.txt") ==
          "n.txt:2: in-place time: not a finite time (got \"nan\")");
    CHECK(refusal(kHeader + row("1024", "44.8", "N/A"), "n.txt") ==
          "n.txt:2: in-place busbw: expected a bandwidth in GB/s (got \"N/A\")");
    CHECK(refusal(kHeader + row("1024", "44.8", "-0.04"), "n.txt") ==
          "n.txt:2: in-place busbw: bandwidth must not be negative (got \"-0.04\")");
    CHECK(refusal(kHeader + row("0", "44.8", "0.04"), "n.txt") == "n.txt:2: size: size must be positive (got \"0\")");
    CHECK(refusal(kHeader + row("1024", "44.8", "0.04") + row("1024", "44.9", "0.04"), "n.txt") ==
          "n.txt:3: size: size measured twice, also on line 2 (got \"1024\")");
    CHECK(refusal("# Collective test starting: all_reduce_perf\n" + kHeader + row("8", "44", "0") +
                      "# Collective test starting: all_gather_perf\n",
                  "n.txt") ==
          "n.txt:4: output of two tests, all_reduce_perf (line 1) and all_gather_perf; expected one per file");
    CHECK(refusal("# nThread 1 nGpus 8\n" + kHeader + "# Out of bounds values : 0 OK\n", "n.txt") ==
          "n.txt: no measurements: expected nccl-tests output (the table of all_reduce_perf and friends) or a CSV "
          "with header size_bytes,busbw_gbps");
}

TEST_CASE("measured: files that cannot be read", "[measured][errors]") {
    snsim::test::TempDir dir;
    const auto missing = dir.file("nope.txt");
    CHECK(refusal([&] { read_measured(missing); }) ==
          missing + ": cannot open measurements file: No such file or directory");
    CHECK(refusal([&] { read_measured(dir.file("")); }) == dir.file("") + ": is a directory, not a measurements file");
    CHECK(refusal([] { read_measured("/dev/zero"); }) ==
          "/dev/zero: is a device, not a measurements file (give a regular file, or - for standard input)");
    const auto empty = dir.write("empty.csv", "");
    CHECK(refusal([&] { read_measured(empty); }) ==
          empty + ": no measurements: expected nccl-tests output (the table of all_reduce_perf and friends) or a "
                  "CSV with header size_bytes,busbw_gbps");
}
