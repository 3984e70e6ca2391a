#pragma once
// Small text helpers for what snsim reads: splitting lists (sizes "1M,4M", CSV rows, --fit keys) and trimming
// values ("50 GB/s ", measured fields).
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

// Without the spaces and tabs at both ends.
inline std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

} // namespace snsim
