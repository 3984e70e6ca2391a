#pragma once
// Reading a whole input file (a config, an included fragment, measured performance) with a bound: read in blocks,
// so that a device that never ends (/dev/zero, /dev/urandom) is refused rather than read until memory runs out.
// Real inputs are a few KiB.
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace snsim {

inline constexpr std::size_t kMaxInputBytes = 16 << 20;

// The text of `path`. `what` names the file in reasons ("config file"); `fail(reason)` makes the exception to
// throw, so that each caller places the error (the file itself, or the line that named it).
template <class Fail> std::string read_bounded(const std::string& path, std::string_view what, const Fail& fail) {
    if (std::filesystem::is_directory(path)) throw fail(fmt::format("is a directory, not a {}", what));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw fail(fmt::format("cannot open {}: {}", what, std::strerror(errno)));
    std::string text;
    std::array<char, 1 << 16> block;
    while (in.read(block.data(), block.size()) || in.gcount() > 0) {
        text.append(block.data(), static_cast<std::size_t>(in.gcount()));
        if (text.size() > kMaxInputBytes) throw fail(fmt::format("{} is larger than 16 MiB", what));
    }
    if (in.bad()) throw fail(fmt::format("cannot read {}: {}", what, std::strerror(errno)));
    return text;
}

} // namespace snsim
