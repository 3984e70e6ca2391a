#pragma once
// Measured collective performance, what `snsim calibrate` (issue 7) fits the model to. Two formats, told apart by
// content (measured.cpp says how):
// - nccl-tests / rccl-tests text output of all_reduce_perf and friends, as printed (preamble, NCCL INFO lines and
//   trailers are skipped; a row is a line whose first token is an integer);
// - a CSV with `#` comments, the header `size_bytes,busbw_gbps` and one row per size (GB/s = 1e9 bytes/s).
// Every malformed file is refused with a one-line InputError `file:line: key: reason (got "text")`.
#include <optional>
#include <string>
#include <vector>

#include "sim/collectives/collective.hpp"

namespace snsim::calibration {

struct MeasuredPoint {
    double size_bytes = 0; // nccl-tests' "size" column, which is snsim's size convention (collective.hpp)
    // Bus bandwidth in bytes/s: the in-place column of nccl-tests (the CSVs carry that column too). nccl-tests
    // prints it with 2 decimals in GB/s, so below ~5 MB/s it reads 0; time_s is then the measurement to use.
    double busbw_Bps = 0;
    double time_s = 0; // in-place time; 0 when the file has none (CSV)
    int line = 0;      // where it was read, for messages
};

struct Measured {
    std::string file;
    // When the file names its test (nccl-tests' "all_reduce_perf" and friends, e.g. in "# Collective test
    // starting: all_reduce_perf"); rccl-tests' preamble and CSV comments do not say, so this is then empty.
    std::optional<Collective> collective;
    std::vector<MeasuredPoint> points; // sorted by size, sizes distinct, at least one
};

// Reads at most 16 MiB, as configs (topologies/io/bounded_file.hpp), and parses it. Throws InputError.
Measured read_measured(const std::string& path);
// `file` names the text in messages.
Measured parse_measured(const std::string& text, const std::string& file);

} // namespace snsim::calibration
