#include "sim/sweep/journal.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include "topologies/errors.hpp"

namespace snsim::sweep {
namespace {

nlohmann::ordered_json header_json(const JournalHeader& h) {
    return {{"snsim_sweep", h.sweep}, {"points", h.points}, {"shard", h.shard}, {"shards", h.shards}};
}

JournalHeader header_from(const nlohmann::json& j) {
    return {j.at("snsim_sweep").get<std::string>(), j.at("points").get<std::size_t>(), j.at("shard").get<std::size_t>(),
            j.at("shards").get<std::size_t>()};
}

[[noreturn]] void fail(const std::string& path, int line, const std::string& why) {
    throw InputError(located(path, line, "", "", why));
}

} // namespace

JournalContents read_journal(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path, 0, fmt::format("cannot read the sweep journal: {}", std::strerror(errno)));
    std::ostringstream s;
    s << in.rdbuf();
    const std::string text = s.str();
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
        }
        out.complete_bytes = end + 1;
    }
    if (line == 0) fail(path, 0, "empty sweep journal (no header line)");
    return out;
}

JournalWriter::JournalWriter(const std::string& path, const JournalHeader& header) : path_(path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0)
        throw InputError(fmt::format("\"{}\": cannot write the sweep journal: {}", path, std::strerror(errno)));
    write_line(header_json(header).dump());
}

JournalWriter::JournalWriter(const std::string& path, const JournalContents& existing) : path_(path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd_ < 0 || ::ftruncate(fd_, static_cast<off_t>(existing.complete_bytes)) != 0)
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
            throw std::runtime_error(
                fmt::format("{}: cannot write the sweep journal: {}", path_, std::strerror(errno)));
        done += static_cast<std::size_t>(n);
    }
}

} // namespace snsim::sweep
