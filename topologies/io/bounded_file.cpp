#include "topologies/io/bounded_file.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace snsim {
namespace {

std::string size_text(std::size_t bytes) {
    return bytes >= (std::size_t{1} << 20) ? fmt::format("{} MiB", bytes >> 20) : fmt::format("{} bytes", bytes);
}

// Closes the descriptor it owns (not standard input's).
struct Descriptor {
    int fd = -1;
    bool owned = true;
    ~Descriptor() {
        if (owned && fd >= 0) ::close(fd);
    }
};

BoundedRead read_once(const std::string& path, std::string_view what, std::size_t max_bytes, bool standard);

} // namespace

bool is_standard_input(const std::string& path) {
    return path == "-" || path == "/dev/stdin";
}

BoundedRead read_input(const std::string& path, std::string_view what, std::size_t max_bytes) {
    // Standard input can be read once; a command that reads its input twice (compare: as an experiment file, then
    // as a config) gets the same text again.
    static std::optional<BoundedRead> standard_text;
    const bool standard = is_standard_input(path);
    if (standard && standard_text) return *standard_text;
    BoundedRead out = read_once(path, what, max_bytes, standard);
    if (standard) standard_text = out;
    return out;
}

namespace {

BoundedRead read_once(const std::string& path, std::string_view what, std::size_t max_bytes, bool standard) {
    BoundedRead out;
    Descriptor d;
    if (standard) {
        d.fd = STDIN_FILENO;
        d.owned = false;
    } else {
        // Non-blocking, so that opening a FIFO without a writer returns at once; the type is checked next.
        d.fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (d.fd < 0) {
            out.refusal = fmt::format("cannot open {}: {}", what, std::strerror(errno));
            return out;
        }
    }
    struct stat st {};
    if (::fstat(d.fd, &st) != 0) {
        out.refusal = fmt::format("cannot read {}: {}", what, std::strerror(errno));
        return out;
    }
    if (S_ISDIR(st.st_mode)) {
        out.refusal = fmt::format("is a directory, not a {}", what);
        return out;
    }
    if (!standard && !S_ISREG(st.st_mode)) {
        const char* kind = S_ISFIFO(st.st_mode)                         ? "a FIFO"
                           : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                           : S_ISSOCK(st.st_mode)                       ? "a socket"
                                                                        : "not a regular file";
        out.refusal = fmt::format("is {}, not a {} (give a regular file, or - for standard input)", kind, what);
        return out;
    }
    if (!standard && ::fcntl(d.fd, F_SETFL, 0) != 0) { // back to blocking reads
        out.refusal = fmt::format("cannot read {}: {}", what, std::strerror(errno));
        return out;
    }
    if (S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) > max_bytes) {
        out.refusal = fmt::format("{} is larger than {}", what, size_text(max_bytes));
        return out;
    }
    std::array<char, 1 << 16> block;
    for (;;) {
        const ssize_t n = ::read(d.fd, block.data(), block.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            out.refusal = fmt::format("cannot read {}: {}", what, std::strerror(errno));
            return out;
        }
        if (n == 0) break;
        out.text.append(block.data(), static_cast<std::size_t>(n));
        if (out.text.size() > max_bytes) {
            out.text.clear();
            out.refusal = fmt::format("{} is larger than {}", what, size_text(max_bytes));
            return out;
        }
    }
    return out;
}

} // namespace

} // namespace snsim
