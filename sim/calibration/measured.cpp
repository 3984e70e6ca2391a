// Reading a measured file: bounded read, format detection, then sorting by size and refusing duplicates.
#include "sim/calibration/measured.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/calibration/measured_formats.hpp"
#include "topologies/errors.hpp"
#include "topologies/io/bounded_file.hpp"
#include "topologies/text.hpp"

namespace snsim::calibration {
namespace {

using detail::Line;

// The column header nccl-tests and rccl-tests print before their rows, in every version: a `#` line with the
// columns size, time and busbw.
bool is_nccl_tests_header(std::string_view text) {
    if (!detail::is_comment_or_blank(text) || trim(text).empty()) return false;
    const auto t = detail::tokens(text);
    const auto has = [&](std::string_view column) { return std::find(t.begin(), t.end(), column) != t.end(); };
    return has("size") && has("time") && has("busbw");
}

// nccl-tests output when it has the column header; otherwise a CSV when its first line that is not a comment has
// a comma (nccl-tests' NCCL INFO lines can have commas, but come with the header); otherwise nccl-tests again (rows
// pasted without the header, or a file that is neither, refused below for having no rows).
bool is_csv(const std::vector<Line>& lines) {
    if (std::any_of(lines.begin(), lines.end(), [](const Line& l) { return is_nccl_tests_header(l.text); }))
        return false;
    const auto first =
        std::find_if(lines.begin(), lines.end(), [](const Line& l) { return !detail::is_comment_or_blank(l.text); });
    return first != lines.end() && first->text.find(',') != std::string_view::npos;
}

} // namespace

Measured parse_measured(const std::string& text, const std::string& file) {
    std::string_view body = text;
    if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3); // the byte-order mark spreadsheets write
    const auto lines = detail::lines_of(body);
    detail::Points read = is_csv(lines) ? detail::read_csv(lines, file) : detail::read_nccl_tests(lines, file);
    if (read.points.empty())
        throw InputError(located(file, 0, "", "",
                                 "no measurements: expected nccl-tests output (the table of all_reduce_perf and "
                                 "friends) or a CSV with header size_bytes,busbw_gbps"));

    auto& points = read.points;
    std::stable_sort(points.begin(), points.end(),
                     [](const MeasuredPoint& a, const MeasuredPoint& b) { return a.size_bytes < b.size_bytes; });
    for (std::size_t i = 1; i < points.size(); ++i) {
        if (points[i].size_bytes != points[i - 1].size_bytes) continue;
        // Stable: of two equal sizes, the earlier line comes first.
        throw InputError(located(file, points[i].line, read.size_key, fmt::format("{}", points[i].size_bytes),
                                 fmt::format("size measured twice, also on line {}", points[i - 1].line)));
    }
    return Measured{file, read.collective, std::move(points)};
}

Measured read_measured(const std::string& path) {
    const std::string text = read_bounded(path, "measurements file", [&](const std::string& reason) {
        return InputError(located(path, 0, "", "", reason));
    });
    return parse_measured(text, path);
}

} // namespace snsim::calibration
