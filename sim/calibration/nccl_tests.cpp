// nccl-tests / rccl-tests text output (the printf formats of nccl-tests' src/common.cu). A row is
//   size count type redop root | time algbw busbw #wrong (out-of-place) | time algbw busbw #wrong (in-place)
// with time printed as %7.2f below 100 us, %7.1f below 10000 us and %7.0f above. Old versions print fewer
// columns before the times (all_gather: no redop or root), so the row is read from the right: the last 8 tokens
// are the two groups, whatever #wrong holds (an integer, N/A, 0e+00, with a '*' from rccl-tests). Everything that
// is not a row is skipped: `#` lines, rccl-tests' preamble without `#`, NCCL INFO and MPI lines, trailers.
#include <array>
#include <utility>

#include <fmt/format.h>

#include "sim/calibration/measured_formats.hpp"
#include "topologies/errors.hpp"
#include "topologies/text.hpp"

namespace snsim::calibration::detail {
namespace {

// size, count, type, then the two groups of 4.
constexpr std::size_t kMinColumns = 11;

constexpr std::array<std::pair<std::string_view, Collective>, 6> kTests{{
    {"all_reduce_perf", Collective::allreduce},
    {"all_gather_perf", Collective::allgather},
    {"reduce_scatter_perf", Collective::reduce_scatter},
    {"alltoall_perf", Collective::alltoall},
    {"broadcast_perf", Collective::broadcast},
    {"reduce_perf", Collective::reduce},
}};

bool is_integer(std::string_view token) {
    if (!token.empty() && token.front() == '-') token.remove_prefix(1);
    return !token.empty() && token.find_first_not_of("0123456789") == std::string_view::npos;
}

bool word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The test a line names ("# Collective test starting: all_reduce_perf", a command line "./build/all_reduce_perf
// -b 8"), as a whole word so that reduce_perf does not match all_reduce_perf; "all_reduce_perf_mpi" counts.
std::optional<std::pair<std::string_view, Collective>> test_named(std::string_view text) {
    for (const auto& [name, collective] : kTests) {
        for (auto at = text.find(name); at != std::string_view::npos; at = text.find(name, at + 1)) {
            const std::size_t end = at + name.size();
            const bool starts = at == 0 || !word_char(text[at - 1]);
            const bool ends = end == text.size() || !word_char(text[end]) || text[end] == '_';
            if (starts && ends) return std::pair{name, collective};
        }
    }
    return std::nullopt;
}

} // namespace

Points read_nccl_tests(const std::vector<Line>& lines, const std::string& file) {
    Points out;
    out.size_key = "size";
    std::string_view test;
    int test_line = 0;
    for (const Line& line : lines) {
        const auto t = tokens(line.text);
        if (t.empty() || !is_integer(t.front())) {
            const auto named = test_named(line.text);
            if (!named) continue;
            if (!test.empty() && named->first != test)
                throw InputError(located(file, line.number, "", "",
                                         fmt::format("output of two tests, {} (line {}) and {}; expected one per file",
                                                     test, test_line, named->first)));
            if (test.empty()) test_line = line.number;
            test = named->first;
            out.collective = named->second;
            continue;
        }
        const std::string_view row = trim(line.text);
        if (t.size() < kMinColumns)
            throw InputError(located(file, line.number, "", excerpt(row),
                                     fmt::format("nccl-tests row with {} columns, expected at least {}: size count "
                                                 "type [redop root] then time algbw busbw #wrong twice",
                                                 t.size(), kMinColumns)));
        MeasuredPoint p;
        p.size_bytes = size_bytes({file, line.number, "size", t.front()});
        p.time_s = time_s({file, line.number, "in-place time", t[t.size() - 4]});
        // Printed with 2 decimals in GB/s: small sizes read 0.00, which is a measurement, not an error.
        p.busbw_Bps = bandwidth_Bps({file, line.number, "in-place busbw", t[t.size() - 2]}, true);
        p.line = line.number;
        out.points.push_back(p);
    }
    return out;
}

} // namespace snsim::calibration::detail
