#pragma once
// Every input file snsim reads (a config, an included fragment, a graph, a spec, a workload, measured performance,
// a journal) is read here: whole, with a bound, and only from a regular file. A FIFO would block the open and a
// device (/dev/zero, /dev/urandom) never ends, so both are refused before a byte is read; standard input is
// legitimate when named `-` or /dev/stdin, and is read with the same bound.
#include <cstddef>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace snsim {

inline constexpr std::size_t kMaxInputBytes = std::size_t{16} << 20;  // configs, specs, workloads: a few KiB
inline constexpr std::size_t kMaxGraphBytes = std::size_t{256} << 20; // graph files of the largest supernodes

// "-" and "/dev/stdin" name standard input.
bool is_standard_input(const std::string& path);

// The text of `path`, or a reason it cannot be read (is a directory, is not a regular file, cannot be opened, is
// larger than the bound). `what` names the file in reasons ("config file").
struct BoundedRead {
    std::string text;
    std::string refusal; // empty when the read succeeded
};
BoundedRead read_input(const std::string& path, std::string_view what, std::size_t max_bytes);

// The text of `path`; `fail(reason)` makes the exception to throw, so that each caller places the error (the file
// itself, or the line that named it).
template <class Fail>
std::string read_bounded(const std::string& path, std::string_view what, const Fail& fail,
                         std::size_t max_bytes = kMaxInputBytes) {
    BoundedRead read = read_input(path, what, max_bytes);
    if (!read.refusal.empty()) throw fail(read.refusal);
    return std::move(read.text);
}

} // namespace snsim
