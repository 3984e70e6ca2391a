// Size sweeps, lower bounds and the run report's columns.
#include <catch2/catch.hpp>

#include <sstream>

#include "sim/config/sizes.hpp"
#include "sim/report/bounds.hpp"
#include "sim/report/run_report.hpp"
#include "topologies/units.hpp"

using snsim::config::parse_sizes;

TEST_CASE("size sweeps: nccl-tests style ranges, steps and lists", "[sizes]") {
    const auto sweep = parse_sizes("1K:8G:x2");
    REQUIRE(sweep.size() == 24);
    CHECK(sweep.front() == 1024);
    CHECK(sweep.back() == 8589934592.0);
    CHECK(parse_sizes("1M:4M:+1M") == std::vector<double>{1048576, 2097152, 3145728, 4194304});
    CHECK(parse_sizes("256M") == std::vector<double>{268435456});
    CHECK(parse_sizes("1KB,2KB") == std::vector<double>{1000, 2000});
    CHECK(parse_sizes("1K:4K:x1.5").size() == 4); // 1024, 1536, 2304, 3456
}

TEST_CASE("size sweeps: bad ranges say why", "[sizes][errors]") {
    using snsim::units::UnitError;
    CHECK_THROWS_WITH(parse_sizes("8G:1K:x2"), "the last size is smaller than the first");
    CHECK_THROWS_WITH(parse_sizes("1K:8G:2"), "step \"2\" must be xFACTOR (e.g. x2) or +SIZE (e.g. +1M)");
    CHECK_THROWS_WITH(parse_sizes("1K:8G:x1"), "factor \"1\" must be a number above 1");
    CHECK_THROWS_WITH(parse_sizes("0"), "size \"0\" must be positive");
    CHECK_THROWS_WITH(parse_sizes("1K:2K"), "expected SIZE, FIRST:LAST:xFACTOR, FIRST:LAST:+STEP or a comma list");
    CHECK_THROWS_WITH(parse_sizes("1:1G:+1"), "sweep has more than 100000 sizes");
    CHECK_THROWS_AS(parse_sizes("1 parsec"), UnitError);
}

TEST_CASE("lower bound: the larger bandwidth term plus one cable, or the latency term", "[bounds]") {
    using snsim::report::BoundInputs;
    using snsim::report::lower_bound_s;
    // Ring allreduce of 1 GB over 8 chips at 100 GB/s: 2 * 7/8 GB through each chip's cables.
    BoundInputs in{.per_rank_bytes = 1.75e9, .injection_Bps = 100e9, .near_latency_s = 1e-6};
    CHECK(lower_bound_s(in) == Approx(17.5e-3 + 1e-6).epsilon(1e-12));
    in.bisection_bytes = 1e9;
    in.bisection_Bps = 40e9; // a thin cut dominates
    CHECK(lower_bound_s(in) == Approx(25e-3 + 1e-6).epsilon(1e-12));
    BoundInputs tiny{
        .per_rank_bytes = 8, .injection_Bps = 100e9, .far_latency_s = 3e-6, .near_latency_s = 1e-6, .alpha_s = 2e-6};
    CHECK(lower_bound_s(tiny) == Approx(5e-6).epsilon(1e-12));
}

TEST_CASE("run report: nccl-tests columns and bus bandwidth", "[report]") {
    using namespace snsim::report;
    const RunRow row{"allreduce", "ring", 1e9, 0.01, 2.0 * 7 / 8, 0.005, 112};
    CHECK(algbw_Bps(row) == 1e11);
    CHECK(busbw_Bps(row) == Approx(1.75e11).epsilon(1e-12));
    std::ostringstream csv;
    write_csv(csv, {row});
    CHECK(csv.str() == "collective,algorithm,size_bytes,count,time_us,algbw_gbps,busbw_gbps,bound_us,bound_fraction,"
                       "flows,seed,protocol,engine,estimate,analytic_time_us,engine_difference\n"
                       "allreduce,ring,1000000000,250000000,10000,100,175,5000,0.500000,112,1,,simgrid,0,,\n");
    const auto j = rows_json({row});
    CHECK(j[0]["busbw_gbps"] == Approx(175).epsilon(1e-12));
    CHECK(j[0]["bound_fraction"] == 0.5);
    CHECK(j[0]["engine"] == "simgrid");
    CHECK(run_line(row).find("50.0%") != std::string::npos);

    // --engine both: the analytic time 2% below, starred, and an estimate.
    RunRow both = row;
    both.engine = "both";
    both.estimate = true;
    both.analytic_time_s = 0.0098;
    CHECK(engine_difference(both) == Approx(-0.02).epsilon(1e-12));
    CHECK_THAT(run_line(both), Catch::Contains("9800.00") && Catch::Contains("-2.00%*") && Catch::Contains("estimate"));
    CHECK_THAT(run_header("both"), Catch::Contains("analytic(us)") && Catch::Contains("model"));
    CHECK_THAT(csv_line(both), Catch::EndsWith(",both,1,9800,-0.02"));
    const auto jb = rows_json({both});
    CHECK(jb[0]["estimate"] == true);
    CHECK(jb[0]["analytic_time_us"] == Approx(9800).epsilon(1e-12));
    both.analytic_time_s = 0.01005; // 0.5% above: no star
    CHECK_THAT(run_line(both), Catch::Contains("+0.50% "));
}

TEST_CASE("bounds: one rank slower than the rest", "[report][faults]") {
    // 8 ranks, allreduce of 1 GB: every rank must move the buffer (1 GB), the ranks together 2(p-1) GB = 14 GB.
    // Seven ranks inject 100 GB/s and one 50 GB/s: 1 GB / 50 GB/s = 20 ms, 14 GB / 750 GB/s = 18.67 ms. The bound
    // that divided 2(p-1)/p of the buffer by the slowest rank (35 ms) could be beaten by sending less through it.
    using namespace snsim::report;
    using snsim::Algorithm;
    using snsim::Collective;
    CHECK(every_rank_bytes(Collective::allreduce, Algorithm::ring, 8, 1e9) == 1e9);
    CHECK(every_rank_bytes(Collective::allreduce, Algorithm::in_switch, 8, 1e9) == 1e9);
    CHECK(every_rank_bytes(Collective::allgather, Algorithm::ring, 8, 1e9) == Approx(0.875e9).epsilon(1e-15));
    BoundInputs in{.per_rank_bytes = 1e9,
                   .injection_Bps = 50e9,
                   .total_bytes = 8 * injected_bytes(Collective::allreduce, Algorithm::ring, 8, 1e9),
                   .total_injection_Bps = 750e9};
    CHECK(lower_bound_s(in) == Approx(20e-3).epsilon(1e-12));
    in.injection_Bps = 100e9; // all alike: the total term is the old bound, 2(p-1)/p GB / 100 GB/s
    in.total_injection_Bps = 800e9;
    CHECK(lower_bound_s(in) == Approx(17.5e-3).epsilon(1e-12));
    // alltoall across a balanced cut of 7 ranks: 3 x 4 shares of S/7 cross each way, not 7/4 S.
    CHECK(bisection_bytes(Collective::alltoall, 7, 7e9) == Approx(12e9).epsilon(1e-15));
    CHECK(bisection_bytes(Collective::alltoall, 8, 8e9) == Approx(16e9).epsilon(1e-15));
}
