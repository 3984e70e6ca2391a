#include "sim/cli/stop_signal.hpp"

namespace snsim::cli {
namespace {

// A signal handler can only reach static storage.
volatile std::sig_atomic_t stop_received = 0;

void record(int signal) {
    stop_received = signal;
}

} // namespace

StopSignal::StopSignal() {
    stop_received = 0;
    struct sigaction action{};
    action.sa_handler = record;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND; // the second signal acts as if none was caught
    ::sigaction(SIGINT, &action, &previous_int_);
    ::sigaction(SIGTERM, &action, &previous_term_);
}

StopSignal::~StopSignal() {
    ::sigaction(SIGINT, &previous_int_, nullptr);
    ::sigaction(SIGTERM, &previous_term_, nullptr);
}

int StopSignal::received() const {
    return stop_received;
}

} // namespace snsim::cli
