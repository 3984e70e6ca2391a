#pragma once
// The journal of a sweep (OUT/sweep.jsonl, or OUT/shard-I-of-N.jsonl for a shard): a first line naming the sweep,
// then one JSON line per finished point (sim/sweep/record.hpp), appended with one write(2) as each point
// finishes, so a killed sweep keeps every point it finished. `--resume` reads it back and runs only the points
// it lacks; `--merge` reads the shards' journals. Final CSV/JSON outputs are made from journals, sorted by point.
#include <map>
#include <string>

#include "sim/sweep/record.hpp"

namespace snsim::sweep {

// A journal holds a line per point; a million points of a few sizes each stay far below this.
inline constexpr std::size_t kMaxJournalBytes = std::size_t{1} << 30;

struct JournalHeader {
    std::string sweep;      // the spec's fingerprint
    std::size_t points = 0; // in the whole grid
    std::size_t shard = 0, shards = 1;
    bool operator==(const JournalHeader&) const = default;
};

struct JournalContents {
    JournalHeader header;
    std::map<std::size_t, Record> records; // by point
    std::size_t complete_bytes = 0;        // up to the end of the last whole line
};

// Reads a journal. A last line without its line end (the process was killed while writing it) is ignored.
// Throws InputError "path:line: reason" for anything else that is not a journal of whole records, and for a
// point outside the grid or the shard, recorded twice, or holding what no run writes (sim/sweep/record.hpp).
JournalContents read_journal(const std::string& path);

// Appends records to a journal.
class JournalWriter {
  public:
    // Starts `path` afresh with `header` (replacing any file there), or continues `existing` (the contents of the
    // same file as read_journal gave them), dropping a cut-short last line. Holds an exclusive lock (flock) on the
    // journal while it lives: a second sweep on the same journal is refused with one line.
    JournalWriter(const std::string& path, const JournalHeader& header);
    JournalWriter(const std::string& path, const JournalContents& existing);
    ~JournalWriter();
    JournalWriter(const JournalWriter&) = delete;
    JournalWriter& operator=(const JournalWriter&) = delete;

    void append(const Record& r);

  private:
    void write_line(const std::string& line);
    std::string path_;
    int fd_ = -1;
};

} // namespace snsim::sweep
