// Unit parsing: the accepted spellings convert to base units exactly; everything else is refused with a reason.
#include <catch2/catch.hpp>

#include "topologies/units.hpp"

using namespace snsim::units;

TEST_CASE("bandwidths convert to bytes per second", "[units]") {
    CHECK(parse_bandwidth("392GB/s") == 392e9);
    CHECK(parse_bandwidth("28 GBps") == 28e9);
    CHECK(parse_bandwidth("224Gbps") == 28e9);
    CHECK(parse_bandwidth("1.6Tb/s") == 200e9);
    CHECK(parse_bandwidth("100GiB/s") == 100.0 * 1024 * 1024 * 1024);
    CHECK(parse_bandwidth(" 50 MB/s ") == 50e6);
    CHECK(parse_bandwidth("-5GB/s") == -5e9); // sign is the caller's to refuse, with its key
}

TEST_CASE("times convert to seconds", "[units]") {
    CHECK(parse_time("1.2us") == Approx(1.2e-6).epsilon(1e-15));
    CHECK(parse_time("1.2µs") == Approx(1.2e-6).epsilon(1e-15));
    CHECK(parse_time("200ns") == Approx(200e-9).epsilon(1e-15));
    CHECK(parse_time("3ms") == Approx(3e-3).epsilon(1e-15));
    CHECK(parse_time("0s") == 0);
}

TEST_CASE("sizes convert to bytes", "[units]") {
    CHECK(parse_bytes("8GiB") == 8589934592.0);
    CHECK(parse_bytes("64KB") == 64000);
    CHECK(parse_bytes("1K") == 1024);
    CHECK(parse_bytes("1M") == 1048576);
    CHECK(parse_bytes("4096") == 4096);
}

TEST_CASE("bad units are refused with the reason", "[units]") {
    CHECK_THROWS_WITH(parse_bandwidth("50 GB"),
                      "unknown unit \"GB\" for a bandwidth; use e.g. 392GB/s, 224Gbps, 28 GBps");
    CHECK_THROWS_WITH(parse_bandwidth("50"), "missing unit: write a bandwidth such as 392GB/s, 224Gbps, 28 GBps");
    CHECK_THROWS_WITH(parse_time("fast"), "expected a time such as 1.2us, 200ns, 3ms");
    CHECK_THROWS_WITH(parse_time("10"), "missing unit: write a time such as 1.2us, 200ns, 3ms");
    CHECK_THROWS_WITH(parse_time("nan s"), "not a finite time");
    CHECK_THROWS_WITH(parse_bandwidth("inf GB/s"), "not a finite bandwidth");
    CHECK_THROWS_WITH(parse_bytes("1.5B"), "not a whole number of bytes");
    CHECK_THROWS_WITH(parse_bytes("1e308TiB"), "size in bytes is out of range");
    // Finite but absurd: times would come out as denormals or infinities.
    CHECK_THROWS_WITH(parse_bandwidth("1e-300GB/s"), "bandwidth out of range: 1 B/s to 1 EB/s");
    CHECK_THROWS_WITH(parse_bandwidth("1e30GB/s"), "bandwidth out of range: 1 B/s to 1 EB/s");
    CHECK(parse_bandwidth("1B/s") == 1);
    CHECK(parse_bandwidth("0GB/s") == 0); // zero and negatives are refused by the checks that know the key
    CHECK_THROWS_WITH(parse_time("1e300s"), "time out of range: at most 1e6 s");
    CHECK_THROWS_WITH(parse_bytes("3 furlongs"),
                      "unknown unit \"furlongs\" for a size in bytes; use e.g. 8GiB, 64KB, 1M, 4096");
}

TEST_CASE("quantities format with a unit and 4 significant digits", "[units]") {
    CHECK(format_bandwidth(700e9) == "700 GB/s");
    CHECK(format_bandwidth(3136e9) == "3.136 TB/s");
    CHECK(format_time(1.2e-6) == "1.2 us");
    CHECK(format_time(200e-9) == "200 ns");
    CHECK(format_bytes(8589934592.0) == "8 GiB");
}
