// The plain CSV of ../shared/data/calibration/: `#` comments, the header size_bytes,busbw_gbps, then one row per
// size. Other columns are refused rather than ignored: a file with a time or an out-of-place column would
// otherwise be read as something it does not say.
#include <fmt/format.h>

#include "sim/calibration/measured_formats.hpp"
#include "topologies/errors.hpp"
#include "topologies/text.hpp"

namespace snsim::calibration::detail {
namespace {

constexpr std::string_view kHeader = "size_bytes,busbw_gbps";

bool is_header(std::string_view text) {
    const auto fields = split(text, ',');
    return fields.size() == 2 && trim(fields[0]) == "size_bytes" && trim(fields[1]) == "busbw_gbps";
}

} // namespace

Points read_csv(const std::vector<Line>& lines, const std::string& file) {
    Points out;
    out.size_key = "size_bytes";
    bool header = false;
    for (const Line& line : lines) {
        if (is_comment_or_blank(line.text)) continue;
        const std::string_view text = trim(line.text);
        if (!header) {
            if (!is_header(text))
                throw InputError(
                    located(file, line.number, "", excerpt(text), fmt::format("expected the header {}", kHeader)));
            header = true;
            continue;
        }
        const auto fields = split(text, ',');
        if (fields.size() != 2)
            throw InputError(located(file, line.number, "", excerpt(text),
                                     fmt::format("expected 2 fields ({}), found {}", kHeader, fields.size())));
        MeasuredPoint p;
        p.size_bytes = size_bytes({file, line.number, "size_bytes", trim(fields[0])});
        p.busbw_Bps = bandwidth_Bps({file, line.number, "busbw_gbps", trim(fields[1])}, false);
        p.line = line.number;
        out.points.push_back(p);
    }
    return out;
}

} // namespace snsim::calibration::detail
