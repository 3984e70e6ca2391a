// simulate(): routes every flow here, then runs SimGrid in a child process (SimGrid's Engine can run once per
// process) and reads the flow timings back through a pipe.
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/engine/analytic.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/link_plan.hpp"
#include "sim/engine/progress.hpp"
#include "sim/engine/simgrid_run.hpp"
#include "topologies/errors.hpp"

namespace snsim {
namespace {

enum class Status : char { Ok = 0, InputError = 1, Failure = 2 };

void write_all(int fd, const void* data, std::size_t size) {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::write(fd, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) ::_exit(3);
        p += n;
        size -= static_cast<std::size_t>(n);
    }
}

bool read_all(int fd, void* data, std::size_t size) {
    char* p = static_cast<char*>(data);
    while (size > 0) {
        const ssize_t n = ::read(fd, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

[[noreturn]] void child(int fd, const Topology& t, const Schedule& s, const std::vector<Topology::Vertex>& chips,
                        const LinkPlan& plan, const EngineOptions& options) {
    Status status = Status::Ok;
    std::string message;
    std::vector<FlowTiming> timings;
    try {
        timings = engine::run_simgrid(t, s, chips, plan, options);
    } catch (const InputError& e) {
        status = Status::InputError;
        message = e.what();
    } catch (const std::exception& e) {
        status = Status::Failure;
        message = e.what();
    }
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto peak_kib = static_cast<std::size_t>(usage.ru_maxrss);
    write_all(fd, &peak_kib, sizeof peak_kib);
    write_all(fd, &status, sizeof status);
    const std::size_t size = status == Status::Ok ? timings.size() * sizeof(FlowTiming) : message.size();
    write_all(fd, &size, sizeof size);
    write_all(fd, status == Status::Ok ? static_cast<const void*>(timings.data()) : message.data(), size);
    ::_exit(0); // no destructors: the parent owns everything the child inherited
}

// The flow timings, and the child's peak resident memory in `peak_kib`.
std::vector<FlowTiming> run_in_child(const Topology& t, const Schedule& s, const std::vector<Topology::Vertex>& chips,
                                     const LinkPlan& plan, const EngineOptions& options, std::size_t& peak_kib) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error(fmt::format("engine: pipe failed: {}", std::strerror(errno)));
    std::fflush(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(fmt::format("engine: fork failed: {}", std::strerror(errno)));
    if (pid == 0) {
        ::close(fds[0]);
        // A caller may catch SIGINT and SIGTERM to stop between runs (snsim compare); the simulation itself stops.
        ::signal(SIGINT, SIG_DFL);
        ::signal(SIGTERM, SIG_DFL);
        // A simulation nobody will read (its parent killed: a sweep worker, say) stops instead of running on.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(1);
        child(fds[1], t, s, chips, plan, options);
    }
    ::close(fds[1]);
    Status status = Status::Failure;
    std::size_t size = 0;
    std::vector<FlowTiming> timings;
    std::string message;
    bool complete = read_all(fds[0], &peak_kib, sizeof peak_kib) && read_all(fds[0], &status, sizeof status) &&
                    read_all(fds[0], &size, sizeof size);
    if (complete && status == Status::Ok) {
        timings.resize(size / sizeof(FlowTiming));
        complete = read_all(fds[0], timings.data(), size);
    } else if (complete) {
        message.resize(size);
        complete = read_all(fds[0], message.data(), size);
    }
    ::close(fds[0]);
    int wstatus = 0;
    ::waitpid(pid, &wstatus, 0);
    if (!complete) {
        if (WIFSIGNALED(wstatus))
            throw std::runtime_error(fmt::format("engine: SimGrid process killed by signal {}", WTERMSIG(wstatus)));
        throw std::runtime_error(
            fmt::format("engine: SimGrid process ended early (exit code {})", WEXITSTATUS(wstatus)));
    }
    if (status == Status::InputError) throw InputError(message);
    if (status == Status::Failure) throw std::runtime_error("engine: " + message);
    return timings;
}

} // namespace

std::string_view to_string(EngineKind kind) {
    return kind == EngineKind::analytic ? "analytic" : "simgrid";
}

std::optional<EngineKind> engine_from(std::string_view name) {
    if (name == "simgrid") return EngineKind::simgrid;
    if (name == "analytic") return EngineKind::analytic;
    return std::nullopt;
}

const std::vector<std::string>& default_simgrid_cfg() {
    static const std::vector<std::string> settings = {
        "network/model:CM02",     "network/bandwidth-factor:1", "network/TCP-gamma:0",
        "network/crosstraffic:0", "network/weight-S:0",
    };
    return settings;
}

RunResult simulate(const Topology& t, Router& router, const Schedule& s, const std::vector<Topology::Vertex>& chips,
                   const EngineOptions& options) {
    if (chips.size() != s.endpoints())
        throw InputError(fmt::format("schedule has {} ranks and {} reducing switches but {} vertices were given",
                                     s.ranks(), s.switches(), chips.size()));
    engine::start_flow_progress(s.size());
    RunResult result;
    result.hop_bytes.assign(2 * t.num_links(), 0.0);
    std::vector<const std::vector<Path>*> stripes(s.size());
    static const std::vector<Path> kNoPaths; // a compute flow's: it crosses no cable
    for (FlowId f = 0; f < s.size(); ++f) {
        const Flow& flow = s.flow(f);
        if (flow.computes()) {
            stripes[f] = &kNoPaths;
            continue;
        }
        stripes[f] = &router.paths(chips[flow.src], chips[flow.dst]);
        const double share = flow.bytes / static_cast<double>(stripes[f]->size());
        for (const auto& path : *stripes[f])
            for_each_hop(path, [&](Hop hop, double fraction) { result.hop_bytes[hop] += share * fraction; });
    }
    if (options.kind == EngineKind::analytic) {
        auto analytic = engine::run_analytic(t, s, stripes, options);
        result.flows = std::move(analytic.flows);
        engine::count_finished_flows(result.flows.size());
        result.estimate = !analytic.exact;
        for (const auto* paths : stripes)
            result.communications += paths->size();
    } else {
        const LinkPlan plan = plan_links(t, stripes, options.efficiency, options.bundle_stripes);
        result.communications = plan.communications();
        result.bundled = plan.bundled();
        result.approximate_plan = !plan.exact;
        result.flows = run_in_child(t, s, chips, plan, options, result.simgrid_peak_kib);
    }
    for (const auto& timing : result.flows)
        result.time_s = std::max(result.time_s, timing.finish_s);
    return result;
}

} // namespace snsim
