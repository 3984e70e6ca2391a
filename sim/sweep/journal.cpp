#include "sim/sweep/journal.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/sweep/spec.hpp"
#include "topologies/errors.hpp"
#include "topologies/io/bounded_file.hpp"

namespace snsim::sweep {
namespace {

nlohmann::ordered_json header_json(const JournalHeader& h) {
    return {{"snsim_sweep", h.sweep}, {"points", h.points}, {"shard", h.shard}, {"shards", h.shards}};
}

JournalHeader header_from(const nlohmann::json& j) {
    JournalHeader h{j.at("snsim_sweep").get<std::string>(), j.at("points").get<std::size_t>(),
                    j.at("shard").get<std::size_t>(), j.at("shards").get<std::size_t>()};
    if (h.points == 0 || h.points > kMaxPoints) throw std::invalid_argument("points out of range");
    if (h.shards == 0 || h.shard >= h.shards) throw std::invalid_argument("shard is not below shards");
    return h;
}

// Opens a journal to write, refusing what is not a regular file (a FIFO would block, a link to a device would
// swallow the records) and a journal another sweep holds: the lock lives as long as the descriptor.
int open_journal(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_WRONLY | O_APPEND | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0644);
    if (fd < 0) throw InputError(fmt::format("\"{}\": cannot write the sweep journal: {}", path, std::strerror(errno)));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw InputError(fmt::format("\"{}\": the sweep journal is not a regular file", path));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        ::close(fd);
        if (error == EWOULDBLOCK)
            throw InputError(fmt::format("\"{}\": another snsim sweep is writing this journal; wait for it, or give "
                                         "this one another --out",
                                         path));
        throw InputError(fmt::format("\"{}\": cannot lock the sweep journal: {}", path, std::strerror(error)));
    }
    ::fcntl(fd, F_SETFL, O_APPEND);
    return fd;
}

[[noreturn]] void fail(const std::string& path, int line, const std::string& why) {
    throw InputError(located(path, line, "", "", why));
}

} // namespace

JournalContents read_journal(const std::string& path) {
    const std::string text = read_bounded(
        path, "sweep journal", [&](const std::string& reason) { return InputError(located(path, 0, "", "", reason)); },
        kMaxJournalBytes);
    JournalContents out;
    int line = 0;
    for (std::size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
        ++line;
        try {
            const auto j = nlohmann::json::parse(text.begin() + start, text.begin() + end);
            if (line == 1) {
                out.header = header_from(j);
            } else {
                Record r = record_from(j);
                const auto& h = out.header;
                if (r.point >= h.points || r.point % h.shards != h.shard)
                    fail(path, line,
                         fmt::format("point {} is not in shard {} of {} of a {}-point sweep", r.point, h.shard,
                                     h.shards, h.points));
                if (out.records.count(r.point)) fail(path, line, fmt::format("point {} recorded twice", r.point));
                out.records.emplace(r.point, std::move(r));
            }
        } catch (const nlohmann::json::exception& e) {
            fail(path, line, fmt::format("not a sweep journal line: {}", e.what()));
        } catch (const std::invalid_argument& e) {
            fail(path, line, fmt::format("not a record snsim writes: {}", e.what()));
        }
        out.complete_bytes = end + 1;
    }
    if (line == 0) fail(path, 0, "empty sweep journal (no header line)");
    return out;
}

JournalWriter::JournalWriter(const std::string& path, const JournalHeader& header) : path_(path) {
    fd_ = open_journal(path, O_CREAT); // truncated only once locked: a running sweep's records stay
    if (::ftruncate(fd_, 0) != 0)
        throw InputError(fmt::format("\"{}\": cannot write the sweep journal: {}", path, std::strerror(errno)));
    write_line(header_json(header).dump());
}

JournalWriter::JournalWriter(const std::string& path, const JournalContents& existing) : path_(path) {
    fd_ = open_journal(path, 0);
    if (::ftruncate(fd_, static_cast<off_t>(existing.complete_bytes)) != 0)
        throw InputError(fmt::format("\"{}\": cannot append to the sweep journal: {}", path, std::strerror(errno)));
}

JournalWriter::~JournalWriter() {
    if (fd_ >= 0) ::close(fd_);
}

void JournalWriter::append(const Record& r) {
    write_line(to_line(r));
}

// One write(2) per line: what a kill leaves behind is whole lines and at most one cut-short last line.
void JournalWriter::write_line(const std::string& line) {
    const std::string text = line + '\n';
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            throw SystemError(fmt::format("{}: cannot write the sweep journal: {}; the points before are kept, and "
                                          "the same command with --resume runs the rest",
                                          path_, std::strerror(errno)));
        done += static_cast<std::size_t>(n);
    }
}

} // namespace snsim::sweep
