#pragma once
// Presents collective runs the way the field reads them (nccl-tests): one row per message size with time,
// algbw = size / time and busbw = algbw x the collective's bus factor, next to the lower bound on time for that
// collective on that topology and the fraction of it achieved. Also what each cable direction carried.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/report/output_file.hpp"

namespace snsim::report {

struct RunRow {
    std::string collective, algorithm;
    double size_bytes = 0;
    double time_s = 0;
    double busbw_factor = 1; // nccl-tests: allreduce 2(n-1)/n; allgather, reduce-scatter, alltoall (n-1)/n; else 1
    double bound_s = 0;      // lower bound on time (sim/report/bounds.hpp)
    std::size_t flows = 0;
    std::uint64_t seed = 1;         // the config's seed, echoed
    std::string protocol;           // the cost.protocols entry used (the fastest that covers the size); "" without any
    std::string engine = "simgrid"; // simgrid, analytic, or both (--engine both: time_s is the discrete-event one)
    // The analytic engine's time (the row's, or analytic_time_s with both) is an estimate: its model did not
    // provably hold (sim/engine/analytic.hpp, conditions E1 and E2).
    bool estimate = false;
    double analytic_time_s = -1; // with both: the analytic engine's time (< 0: not run)
    // Flows the engine simulated: fewer than `flows` where ring phases in lockstep were coalesced (exact; the
    // shortcut that lets the largest machines run, docs/architecture.md "Step coalescing").
    std::size_t simulated_flows = 0;
};
// The run's footer line when some row was coalesced, naming the shortcut; "" when none was.
std::string coalesced_note(const std::vector<RunRow>& rows);

// With both engines: (analytic - discrete-event) / discrete-event; 0 otherwise.
double engine_difference(const RunRow& row);
// Above this relative difference the engines disagree (run tables mark the row).
inline constexpr double kEnginesAgree = 0.01;

double algbw_Bps(const RunRow& row);
double busbw_Bps(const RunRow& row);
double fraction(const RunRow& row); // bound / time

// The console table. The analytic engine adds a column `model`: exact, or estimate when its time is one; both
// engines add the analytic time, the relative difference (marked * above kEnginesAgree) and `model`.
std::string run_header(const std::string& engine = "simgrid");
std::string run_line(const RunRow& row);

// CSV columns: collective,algorithm,size_bytes,count,time_us,algbw_gbps,busbw_gbps,bound_us,bound_fraction,flows,seed,
// protocol,engine,estimate,analytic_time_us,engine_difference (count = size / 4, float32 elements as nccl-tests;
// GB/s = 1e9 bytes/s; estimate 0 or 1; the last two only with both engines, else empty).
void write_csv(std::ostream& out, const std::vector<RunRow>& rows);
// snsim run --csv: the same columns after system,config,chips (as snsim compare's without vary), so that files from
// several runs concatenate and still say where each row came from.
void write_run_csv(std::ostream& out, const std::string& system, const std::string& config, std::size_t chips,
                   const std::vector<RunRow>& rows);
std::string csv_header(); // the columns above, without a line end
std::string csv_line(const RunRow& row);
nlohmann::ordered_json rows_json(const std::vector<RunRow>& rows);

// One direction of one cable over a run.
struct CableUse {
    std::string from, to; // node names
    std::uint32_t cable = 0;
    double bandwidth_Bps = 0; // of this direction
    double bytes = 0;         // over the run
    double utilization = 0;   // bytes / (bandwidth x run time)
    bool scale_out = false;   // a cluster's scale-out cable (LinkTier::ScaleOut)
};
// "from -> to (cable N)", with ", scale-out" for a cluster's scale-out cables.
std::string cable_label(const CableUse& cable);
// The first `count` of `cables` (most used first) as a console table.
std::string busiest_table(const std::vector<CableUse>& cables, std::size_t count);
// Every entry of `cables`, for --json: an array of objects streamed where the document has `placeholder`.
// `cables` must outlive the result.
StreamedJson cables_json(const std::vector<CableUse>& cables, std::string placeholder);
// The placeholder of the n-th cable array of a document, "\x01cables n": the value of the key "cables" only (a
// system named exactly so would be taken for it, which no config does by accident).
std::string cables_placeholder(std::size_t n);

} // namespace snsim::report
