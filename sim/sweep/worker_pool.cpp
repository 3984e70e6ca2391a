#include "sim/sweep/worker_pool.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace snsim::sweep {
namespace {

struct Worker {
    pid_t pid = -1;
    int fd = -1; // this side of the worker's socket
    std::string inbox;
    std::optional<std::size_t> point; // being computed
};

bool send_all(int fd, const void* data, std::size_t size) {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::send(fd, p, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

bool receive_all(int fd, void* data, std::size_t size) {
    char* p = static_cast<char*>(data);
    while (size > 0) {
        const ssize_t n = ::recv(fd, p, size, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

std::string exit_reason(int status) {
    if (WIFSIGNALED(status))
        return fmt::format("worker killed by signal {} ({})", WTERMSIG(status), ::strsignal(WTERMSIG(status)));
    return fmt::format("worker exited with code {} during the point", WEXITSTATUS(status));
}

class Pool {
  public:
    Pool(const std::vector<std::size_t>& points, unsigned jobs, const PoolCallbacks& callbacks)
        : points_(points), callbacks_(callbacks), workers_(std::min<std::size_t>(std::max(1u, jobs), points.size())) {
        sigemptyset(&stop_signals_);
        sigaddset(&stop_signals_, SIGINT);
        sigaddset(&stop_signals_, SIGTERM);
        ::sigprocmask(SIG_BLOCK, &stop_signals_, &original_mask_);
        signal_fd_ = ::signalfd(-1, &stop_signals_, SFD_CLOEXEC);
        if (signal_fd_ < 0) throw std::runtime_error(fmt::format("signalfd: {}", std::strerror(errno)));
    }

    // Workers still here were stopped by a signal or an exception (all others retired when out of work).
    ~Pool() {
        for (auto& w : workers_)
            retire(w, true);
        ::close(signal_fd_);
        ::sigprocmask(SIG_SETMASK, &original_mask_, nullptr);
    }

    int run() {
        for (auto& w : workers_)
            give_work(w);
        while (std::any_of(workers_.begin(), workers_.end(), [](const Worker& w) { return w.point.has_value(); })) {
            std::vector<pollfd> fds{{signal_fd_, POLLIN, 0}};
            for (const auto& w : workers_)
                fds.push_back({w.point ? w.fd : -1, POLLIN, 0});
            if (::poll(fds.data(), fds.size(), -1) < 0) {
                if (errno == EINTR) continue;
                throw std::runtime_error(fmt::format("poll: {}", std::strerror(errno)));
            }
            // Results first: a point that finished as the signal came is kept.
            for (std::size_t i = 0; i < workers_.size(); ++i)
                if (fds[i + 1].revents != 0) read_from(workers_[i]);
            if (fds[0].revents != 0) {
                signalfd_siginfo info{};
                const bool known = ::read(signal_fd_, &info, sizeof info) == sizeof info;
                return known ? static_cast<int>(info.ssi_signo) : SIGTERM;
            }
        }
        return 0;
    }

  private:
    void spawn(Worker& w) {
        int ends[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0)
            throw std::runtime_error(fmt::format("socketpair: {}", std::strerror(errno)));
        std::cout.flush();
        std::cerr.flush();
        std::fflush(nullptr); // or the worker would write this process's buffered output again
        const pid_t parent = ::getpid();
        const pid_t pid = ::fork();
        if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
        if (pid == 0) {
            ::close(ends[0]);
            serve(ends[1], parent);
        }
        ::setpgid(pid, pid);
        ::close(ends[1]);
        w = Worker{pid, ends[0], "", std::nullopt};
    }

    [[noreturn]] void serve(int fd, pid_t parent) {
        // Another worker's socket left open here would hide that worker's end of work from it.
        for (const auto& other : workers_)
            if (other.fd >= 0) ::close(other.fd);
        ::close(signal_fd_);
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL); // no orphan computing on when the sweep is killed outright
        if (::getppid() != parent) ::_exit(0);
        ::sigprocmask(SIG_SETMASK, &original_mask_, nullptr);
        try {
            for (std::uint64_t point = 0; receive_all(fd, &point, sizeof point);) {
                const std::string line = callbacks_.compute(point) + '\n';
                if (!send_all(fd, line.data(), line.size())) break;
            }
        } catch (...) {
            ::_exit(4);
        }
        ::_exit(0);
    }

    void give_work(Worker& w) {
        if (next_ == points_.size() && again_.empty()) {
            retire(w, false);
            return;
        }
        std::uint64_t point = 0;
        if (!again_.empty()) {
            point = again_.back();
            again_.pop_back();
        } else {
            point = points_[next_++];
        }
        if (w.pid < 0) spawn(w);
        w.point = point;
        // A worker that died since its last result cannot take the point: a fresh one does. A worker that dies
        // after this is found by the read that follows.
        if (!send_all(w.fd, &point, sizeof point)) {
            retire(w, false);
            spawn(w);
            w.point = point;
            send_all(w.fd, &point, sizeof point);
        }
    }

    // A worker stopped by SIGINT, SIGTERM or SIGHUP was interrupted (a job scheduler stopping the whole job
    // signals every process of it), not failed by its point: the point runs again, or stays missing for
    // --resume if the sweep itself is stopping.
    static bool interrupted(int status) {
        if (!WIFSIGNALED(status)) return false;
        const int signal = WTERMSIG(status);
        return signal == SIGINT || signal == SIGTERM || signal == SIGHUP;
    }

    void read_from(Worker& w) {
        char buffer[1 << 16];
        const ssize_t n = ::read(w.fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) return;
        if (n <= 0) {
            const std::size_t point = *w.point;
            const int status = retire(w, false);
            // Killed by another signal (kill -9, the OOM killer, a crash): run the point once more before
            // recording it failed, so that a worker killed from outside is an interruption, not the point's fault.
            const bool first_kill = WIFSIGNALED(status) && killed_.insert(point).second;
            if (interrupted(status) || first_kill)
                again_.push_back(point);
            else
                callbacks_.crashed(point, exit_reason(status) + (WIFSIGNALED(status) ? ", twice" : ""));
            return give_work(w);
        }
        w.inbox.append(buffer, static_cast<std::size_t>(n));
        const auto end = w.inbox.find('\n');
        if (end == std::string::npos) return;
        const std::string line = w.inbox.substr(0, end);
        w.inbox.erase(0, end + 1);
        const std::size_t point = *w.point;
        w.point.reset();
        callbacks_.finished(point, line);
        give_work(w);
    }

    // Closes the worker's socket (which ends its loop) or kills its process group, and reaps it.
    int retire(Worker& w, bool kill) {
        int status = 0;
        if (w.pid < 0) return status;
        if (kill) ::kill(-w.pid, SIGKILL);
        ::close(w.fd);
        while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
        }
        w = Worker{};
        return status;
    }

    const std::vector<std::size_t>& points_;
    const PoolCallbacks& callbacks_;
    std::vector<Worker> workers_;
    std::size_t next_ = 0;
    std::vector<std::size_t> again_; // points whose worker was interrupted, to run first
    std::set<std::size_t> killed_;   // points whose worker was killed by a signal once already
    sigset_t stop_signals_{}, original_mask_{};
    int signal_fd_ = -1;
};

} // namespace

int run_points(const std::vector<std::size_t>& points, unsigned jobs, const PoolCallbacks& callbacks) {
    if (points.empty()) return 0;
    Pool pool(points, jobs, callbacks);
    return pool.run();
}

} // namespace snsim::sweep
