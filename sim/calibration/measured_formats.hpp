#pragma once
// Internal to sim/calibration: the file's lines, the checks both formats apply to a size, a bandwidth or a time,
// and the two format readers. Each reader returns its points in file order; measured.cpp sorts them and refuses
// duplicate sizes.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/calibration/measured.hpp"

namespace snsim::calibration::detail {

struct Line {
    int number = 0;        // from 1
    std::string_view text; // without the line break (a CR before it is dropped too)
};
std::vector<Line> lines_of(std::string_view text);

std::vector<std::string_view> tokens(std::string_view text); // separated by spaces and tabs
bool is_comment_or_blank(std::string_view text);             // CSV comments, and nccl-tests' own `#` lines

// User text for a message: the first 80 characters (a binary file can have a line of megabytes).
std::string excerpt(std::string_view text);

// One value of a row: where it is and what it is called, for the message if it is refused.
struct Field {
    const std::string& file;
    int line = 0;
    std::string key; // "size_bytes", "in-place busbw", ...
    std::string_view text;
};
[[noreturn]] void refuse(const Field& field, const std::string& reason);

double size_bytes(const Field& field);                  // a whole number of bytes, 1 B to 8 TiB
double bandwidth_Bps(const Field& field, bool zero_ok); // GB/s -> bytes/s, finite, positive (or zero)
double time_s(const Field& field);                      // microseconds -> s, finite, positive

struct Points {
    std::optional<Collective> collective;
    std::vector<MeasuredPoint> points;
    std::string size_key; // the size column's name, for the duplicate-size message
};
Points read_csv(const std::vector<Line>& lines, const std::string& file);
Points read_nccl_tests(const std::vector<Line>& lines, const std::string& file);

} // namespace snsim::calibration::detail
