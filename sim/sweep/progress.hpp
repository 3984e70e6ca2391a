#pragma once
// Progress of a sweep on stderr. On a terminal, one line rewritten in place at most 5 times a second: points
// done of the total, the rate in points/s and the time left at that rate. Elsewhere (a log, a batch job)
// nothing per point, only the closing summary, so logs stay short.
#include <chrono>
#include <cstddef>
#include <ostream>

namespace snsim::sweep {

class Progress {
  public:
    // `done` points of `total` were finished before this run (--resume).
    Progress(std::ostream& out, bool terminal, std::size_t total, std::size_t done);
    void point_done();
    // The closing line: points run, wall time, rate, and how many failed.
    void finish(std::size_t failed);

  private:
    void draw();
    double elapsed_s() const;

    std::ostream& out_;
    bool terminal_;
    std::size_t total_, done_before_, done_ = 0;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), drawn_{};
};

} // namespace snsim::sweep
