// snsim: wires the CLI to the stages; all work happens in the libraries.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <malloc.h>
#include <new>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "sim/cli/commands.hpp"
#include "topologies/errors.hpp"

namespace {

// Named loggers on stderr, one per module that logs (the CLI's stage timings, the experiment's schedules, what a
// config's graph file had that snsim ignored); -v
// raises them to debug.
void setup_logging(bool verbose) {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    for (const char* name : {"cli", "experiment", "config"}) {
        auto logger = std::make_shared<spdlog::logger>(name, sink);
        logger->set_level(verbose ? spdlog::level::debug : spdlog::level::warn);
        logger->set_pattern("[%H:%M:%S.%e] [%n] %v");
        spdlog::register_logger(logger);
    }
}

// Results printed to a standard output that cannot take them (a full disk, /dev/full, a closed pipe) are lost: that
// is a failure, not exit 0. Checked once the command is done, when what it printed has been flushed.
int checked_stdout(int code) {
    std::cout.flush();
    errno = 0;
    const bool flushed = std::fflush(stdout) == 0;
    const int error = errno;
    if (flushed && !std::cout.fail() && !std::ferror(stdout)) return code;
    // The write that failed may have been an earlier one, whose errno is gone: the reason only when known.
    std::cerr << "snsim: error: cannot write to standard output"
              << (error ? std::string(": ") + std::strerror(error) : "") << "; the results printed there are lost\n";
    return code == 0 ? 1 : code;
}

} // namespace

int main(int argc, char** argv) {
    // Allocations of 1 MiB and more get their own mappings, returned on free. glibc's default raises this
    // threshold as large blocks are freed (up to 32 MiB), so a large schedule's growing vectors leave holes in the
    // heap that the simulation child then fills with SimGrid's small objects, scattered: measured 1,024-chip ring
    // (bench/run_scale), 7.9 s with the default against 5.8 s with this, the bare SimGrid ring taking 5.0 s.
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    CLI::App app{"snsim: simulate collective communication on AI supernodes (scale-up domains of 64 to 15,000+ "
                 "chips).\nStart with `snsim topo` (the default 128-chip supernode) or `snsim topo CONFIG`.",
                 "snsim"};
    app.fallthrough();
    app.set_version_flag("--version", std::string("snsim ") + SNSIM_VERSION);
    bool verbose = false;
    app.add_flag("-v,--verbose", verbose, "debug logs on stderr (stage timings, graph sizes)");
    const std::vector<snsim::cli::Action> actions = {
        snsim::cli::add_topo_command(app),      snsim::cli::add_run_command(app),
        snsim::cli::add_compare_command(app),   snsim::cli::add_sweep_command(app),
        snsim::cli::add_calibrate_command(app), snsim::cli::add_keys_command(app),
        snsim::cli::add_workload_command(app)};
    app.require_subcommand(0, 1);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return checked_stdout(app.exit(e)); // --help
        std::cerr << "snsim: error: " << e.what() << " (see snsim --help)\n";
        return 2;
    }
    if (app.get_subcommands().empty()) {
        std::cout << app.help();
        return checked_stdout(0);
    }

    setup_logging(verbose);
    try {
        for (const auto& action : actions)
            if (const int code = action(); code >= 0) {
                rusage usage{};
                ::getrusage(RUSAGE_SELF, &usage);
                spdlog::get("cli")->debug("peak memory of snsim: {} KiB", usage.ru_maxrss);
                return checked_stdout(code);
            }
        return checked_stdout(0);
    } catch (const snsim::InputError& e) {
        std::cerr << "snsim: error: " << snsim::one_line(e.what()) << '\n'; // paths from flags may hold newlines
        return 2;
    } catch (const snsim::SystemError& e) {
        std::cerr << "snsim: error: " << snsim::one_line(e.what()) << '\n';
        return 1;
    } catch (const std::bad_alloc&) {
        std::cerr << "snsim: error: out of memory (lower limits.graph_memory to refuse such graphs up front)\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "snsim: internal error: " << e.what() << '\n';
        return 1;
    }
}
