#pragma once
// Splitting text on a separator, for the lists snsim reads (sizes "1M,4M", CSV rows, --fit keys).
#include <string_view>
#include <vector>

namespace snsim {

// Every part between separators, empty ones included ("a,,b" -> a, "", b; "" -> one empty part).
inline std::vector<std::string_view> split(std::string_view text, char sep) {
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        const std::size_t end = text.find(sep, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

} // namespace snsim
