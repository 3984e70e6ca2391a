#pragma once
// SIGINT and SIGTERM as a request to stop (`snsim compare`): while a StopSignal lives, either signal is recorded
// instead of ending the process, and the command asks `received()` between runs, then keeps and writes out what
// finished. A second signal ends the process as usual. A simulation in progress is not waited for when the signal
// also reached it (Ctrl-C on a terminal, a job scheduler or `timeout` signal the whole process group): it ends and
// its run fails, and the command stops there; a signal sent to snsim alone takes effect when that run ends.
#include <csignal>

namespace snsim::cli {

class StopSignal {
  public:
    StopSignal();
    ~StopSignal(); // restores the previous handlers
    StopSignal(const StopSignal&) = delete;
    StopSignal& operator=(const StopSignal&) = delete;

    int received() const; // the signal, or 0

  private:
    struct sigaction previous_int_{}, previous_term_{};
};

} // namespace snsim::cli
