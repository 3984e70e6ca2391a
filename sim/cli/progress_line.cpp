#include "sim/cli/progress_line.hpp"

#include <fmt/format.h>

#include "sim/engine/progress.hpp"

namespace snsim::cli {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// "45 s", "12 min 05 s", "3 h 05 min".
std::string duration(double s) {
    if (s < 60) return fmt::format("{:.0f} s", s);
    const auto whole = static_cast<long long>(s);
    if (s < 3600) return fmt::format("{} min {:02} s", whole / 60, whole % 60);
    return fmt::format("{} h {:02} min", whole / 3600, whole / 60 % 60);
}

} // namespace

ProgressLine::ProgressLine(std::ostream& out, bool terminal, std::string command, std::size_t total,
                           std::string unit, std::chrono::milliseconds period, std::chrono::milliseconds delay)
    : out_(out), terminal_(terminal), command_(std::move(command)), unit_(std::move(unit)), total_(total),
      period_(period), delay_(delay) {
    if (terminal_) thread_ = std::thread([this] { loop(); });
}

ProgressLine::~ProgressLine() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (drawn_) out_ << "\r\x1b[K" << std::flush;
}

void ProgressLine::begin(std::string now) {
    std::lock_guard lock(mutex_);
    now_ = std::move(now);
    unit_start_ = std::chrono::steady_clock::now();
    engine::start_flow_progress(0); // the flows shown are this unit's, once its simulation starts
}

void ProgressLine::done() {
    std::lock_guard lock(mutex_);
    ++done_;
}

void ProgressLine::print(const std::function<void()>& print) {
    std::lock_guard lock(mutex_);
    if (drawn_) out_ << "\r\x1b[K" << std::flush;
    drawn_ = false;
    print();
}

std::string ProgressLine::text() const {
    std::lock_guard lock(mutex_);
    return text_locked();
}

std::string ProgressLine::text_locked() const {
    std::string line = fmt::format("# {}: {}/{} {}", command_, done_, total_, unit_);
    if (!now_.empty()) {
        const double on_it = seconds_since(unit_start_);
        line += fmt::format(", now {} for {}", now_, duration(on_it));
        const auto flows = engine::flow_progress();
        if (flows.total > 0 && flows.done <= flows.total) {
            const double fraction = static_cast<double>(flows.done) / static_cast<double>(flows.total);
            line += fmt::format(": {:.1f}% of {} flows", 100 * fraction, flows.total);
            if (fraction > 0.01 && fraction < 1) line += fmt::format(", about {} left", duration(on_it * (1 - fraction) / fraction));
        }
    }
    return line + fmt::format("; {} elapsed", duration(seconds_since(start_)));
}

void ProgressLine::loop() {
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, delay_, [this] { return stopping_; })) return;
    do {
        out_ << '\r' << text_locked() << "\x1b[K" << std::flush;
        drawn_ = true;
    } while (!wake_.wait_for(lock, period_, [this] { return stopping_; }));
}

} // namespace snsim::cli
