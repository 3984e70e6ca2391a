#include "sim/sweep/progress.hpp"

#include <fmt/format.h>

namespace snsim::sweep {
namespace {

// "45 s", "12 min", "3 h 05 min".
std::string duration(double s) {
    if (s < 120) return fmt::format("{:.0f} s", s);
    if (s < 7200) return fmt::format("{:.0f} min", s / 60);
    const auto minutes = static_cast<long long>(s / 60);
    return fmt::format("{} h {:02} min", minutes / 60, minutes % 60);
}

} // namespace

Progress::Progress(std::ostream& out, bool terminal, std::size_t total, std::size_t done)
    : out_(out), terminal_(terminal), total_(total), done_before_(done) {
    if (terminal_) draw();
}

double Progress::elapsed_s() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::point_done() {
    ++done_;
    if (!terminal_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - drawn_ < std::chrono::milliseconds(200) && done_before_ + done_ < total_) return;
    drawn_ = now;
    draw();
}

void Progress::draw() {
    const double rate = done_ > 0 ? done_ / elapsed_s() : 0;
    const std::size_t left = total_ - done_before_ - done_;
    const std::string eta = rate > 0 ? duration(left / rate) : "?";
    out_ << fmt::format("\r# sweep: {}/{} points, {:.1f} points/s, ETA {}\x1b[K", done_before_ + done_, total_, rate,
                        eta)
         << std::flush;
}

void Progress::finish(std::size_t failed) {
    if (terminal_) out_ << '\n';
    const double wall = elapsed_s();
    out_ << fmt::format("# sweep: {} points run in {:.1f} s ({:.1f} points/s){}; {} of {} points done, {} failed\n",
                        done_, wall, wall > 0 ? done_ / wall : 0.0,
                        done_before_ > 0 ? fmt::format(", {} from before", done_before_) : "", done_before_ + done_,
                        total_, failed);
}

} // namespace snsim::sweep
