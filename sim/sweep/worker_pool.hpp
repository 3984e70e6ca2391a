#pragma once
// Runs sweep points in worker processes. Processes, not threads: the SimGrid engine forks a child per simulation
// (fork and threads do not mix), and a point that crashes takes down only its worker, which is replaced. Each
// worker is forked from this process after the spec was read, so it has every point's description; it gets
// point numbers on a socket and answers each with one line of text. Workers sit in their own process groups: a
// Ctrl-C on the terminal reaches only this process, which decides what stops.
#include <functional>
#include <string>
#include <vector>

namespace snsim::sweep {

struct PoolCallbacks {
    // Runs in a worker: the point's result as one line of text (no line end). Must not throw.
    std::function<std::string(std::size_t point)> compute;
    // Run here, in the order points finish, as soon as each does.
    std::function<void(std::size_t point, const std::string& line)> finished;
    // Run here when a worker dies during a point: `why` says how ("killed by signal 11 (Segmentation fault)").
    std::function<void(std::size_t point, const std::string& why)> crashed;
};

// Runs every point of `points` on up to `jobs` workers. SIGINT or SIGTERM stops it: no point is started after,
// the workers (and any simulation they were running) are killed, and the signal is returned; every point that
// finished before has been handed to `finished`. Returns 0 when all points ran.
int run_points(const std::vector<std::size_t>& points, unsigned jobs, const PoolCallbacks& callbacks);

} // namespace snsim::sweep
