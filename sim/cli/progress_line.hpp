#pragma once
// A progress line on stderr for run, compare and workload (sweep has its own, sim/sweep/progress.hpp). On a
// terminal, once the command has run for 2 s, a line rewritten in place every second: units done of the total
// (sizes, or systems x sizes), what runs now and for how long, the engine's flows finished of that simulation
// (sim/engine/progress.hpp) with the time left at that rate, and the time since the start. Elsewhere (a log, a
// pipe, a batch job) nothing: results on stdout are the record.
//
// The line is drawn by a thread of its own; whoever prints on the same terminal does it through print(), which
// clears the line first and keeps it from being drawn in the middle.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

namespace snsim::cli {

class ProgressLine {
  public:
    // `command` names the line ("run"), `unit` what is counted ("sizes"). `period` and `delay` are for tests.
    ProgressLine(std::ostream& out, bool terminal, std::string command, std::size_t total, std::string unit,
                 std::chrono::milliseconds period = std::chrono::seconds(1),
                 std::chrono::milliseconds delay = std::chrono::seconds(2));
    ~ProgressLine(); // stops drawing and clears the line
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    void begin(std::string now); // what runs from here ("1 GiB", "al128: 1 GiB")
    void done();                 // one unit finished
    // Runs `print` (which writes to stdout or stderr) with the line cleared and not redrawn meanwhile.
    void print(const std::function<void()>& print);

    // The line as drawn now, without the terminal's control characters; for tests.
    std::string text() const;

  private:
    void loop();
    std::string text_locked() const;

    std::ostream& out_;
    const bool terminal_;
    const std::string command_, unit_;
    const std::size_t total_;
    const std::chrono::milliseconds period_, delay_;
    const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point unit_start_ = start_;
    std::size_t done_ = 0;
    std::string now_;
    bool drawn_ = false, stopping_ = false;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::thread thread_; // last: started once everything above is set
};

} // namespace snsim::cli
