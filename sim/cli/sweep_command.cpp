// snsim sweep: a grid of experiments from a spec (sim/sweep/spec.hpp), run on worker processes, every finished
// point journaled at once, resumable, shardable across machines, and merged back into one CSV and JSON.
#include <algorithm>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>

#include <fmt/format.h>
#include <unistd.h>

#include "sim/cli/commands.hpp"
#include "sim/cli/sweep_point.hpp"
#include "sim/report/output_file.hpp"
#include "sim/sweep/journal.hpp"
#include "sim/sweep/progress.hpp"
#include "sim/sweep/worker_pool.hpp"
#include "topologies/errors.hpp"

namespace snsim::cli {
namespace fs = std::filesystem;
namespace {

struct SweepOptions {
    std::string spec;
    std::vector<std::string> shard_files; // with --merge
    unsigned jobs = 1;
    std::string shard, out;
    bool resume = false, restart = false, merge = false, check = false;
};

struct Shard {
    std::size_t index = 0, count = 1;
    bool given() const { return count > 1 || index > 0; }
    std::string stem() const { return given() ? fmt::format("shard-{}-of-{}", index, count) : "sweep"; }
};

Shard shard_of(const std::string& text) {
    if (text.empty()) return {};
    std::size_t i = 0, n = 0;
    char slash = 0, rest = 0;
    const bool digits = text.find_first_not_of("0123456789/") == std::string::npos; // %zu would take "-1"
    if (!digits || std::sscanf(text.c_str(), "%zu%c%zu%c", &i, &slash, &n, &rest) != 3 || slash != '/' || n == 0 ||
        i >= n)
        throw InputError(fmt::format("--shard \"{}\": expected I/N with 0 <= I < N, e.g. 0/4", text));
    return {i, n};
}

// Every point is loaded and checked before any runs, so a bad value stops the sweep with its one line.
std::vector<sweep::PointInfo> check_points(const sweep::SweepSpec& spec) {
    std::vector<sweep::PointInfo> info;
    for (std::size_t i = 0; i < spec.points(); ++i)
        info.push_back(info_of(prepare_point(spec, i).experiment));
    return info;
}

void write_outputs(const sweep::SweepSpec& spec, const std::vector<sweep::PointInfo>& info,
                   const std::map<std::size_t, sweep::Record>& records, const Shard& shard) {
    const std::string base = spec.out + "/" + shard.stem();
    std::vector<std::string> inputs = spec.config_paths;
    inputs.push_back(spec.file);
    report::OutputSet files({{"--out", base + ".csv"}, {"--out", base + ".json"}}, {}, inputs);
    files.write(base + ".csv", [&](std::ostream& out) { sweep::write_sweep_csv(out, spec, info, records); });
    files.write_json(
        base + ".json",
        sweep::sweep_json(spec, info, records, shard.given() ? fmt::format("{}/{}", shard.index, shard.count) : ""));
    files.commit();
    std::size_t failed = 0;
    for (const auto& [point, r] : records)
        failed += r.ok() ? 0 : 1;
    std::cout << fmt::format("wrote {0}.csv and {0}.json: {1} points{2}\n", base, records.size(),
                             failed > 0 ? fmt::format(", {} failed (see the status column)", failed) : "");
}

// A journal's records must be what this sweep's points run: the point's collective and one row per size, in order
// (a record edited to another size, or to rows of another collective, would become rows of the outputs).
void check_records(const std::string& file, const std::map<std::size_t, sweep::Record>& records,
                   const std::vector<sweep::PointInfo>& info, const sweep::SweepSpec& spec) {
    const std::string engine = spec.engine.empty() ? "simgrid" : spec.engine;
    for (const auto& [point, r] : records) {
        if (!r.ok()) continue;
        const auto& expected = info.at(point);
        bool same = r.rows.size() == expected.sizes.size();
        for (std::size_t i = 0; same && i < r.rows.size(); ++i)
            same = r.rows[i].size_bytes == expected.sizes[i] && r.rows[i].collective == expected.collective &&
                   r.rows[i].algorithm == expected.algorithm && r.rows[i].engine == engine;
        if (!same)
            throw InputError(fmt::format("{}: point {} holds rows this sweep does not write (it runs {} {} at {} "
                                         "size{} on the {} engine); add --restart to run it again",
                                         file, point, expected.collective, expected.algorithm, expected.sizes.size(),
                                         expected.sizes.size() == 1 ? "" : "s", engine));
    }
}

// The journal to continue, if any: refused when it is another sweep's, or holds points and neither --resume nor
// --restart says what to do with them.
std::optional<sweep::JournalContents> existing_journal(const std::string& path, const sweep::JournalHeader& header,
                                                       const SweepOptions& o, const sweep::SweepSpec& spec,
                                                       const std::vector<sweep::PointInfo>& info) {
    if (o.restart || !fs::exists(path)) return std::nullopt;
    auto contents = sweep::read_journal(path);
    if (!(contents.header == header))
        throw InputError(fmt::format("{}: a journal of another sweep (the spec, its configs or --shard differ); "
                                     "add --restart to discard it, or choose another --out",
                                     path));
    if (!o.resume && !contents.records.empty())
        throw InputError(fmt::format("{}: {} points of this sweep are done already; add --resume to run only the "
                                     "missing ones, or --restart to run them all again",
                                     path, contents.records.size()));
    check_records(path, contents.records, info, spec);
    return contents;
}

int run_sweep(const sweep::SweepSpec& spec, const SweepOptions& o, const Shard& shard) {
    const auto info = check_points(spec);
    std::error_code ec;
    fs::create_directories(spec.out, ec);
    if (ec) throw InputError(fmt::format("--out \"{}\": cannot create the directory: {}", spec.out, ec.message()));
    const std::string base = spec.out + "/" + shard.stem();
    report::check_outputs({{"--out", base + ".csv"}, {"--out", base + ".json"}, {"--out", base + ".jsonl"}});

    const sweep::JournalHeader header{spec.fingerprint, spec.points(), shard.index, shard.count};
    const auto existing = existing_journal(base + ".jsonl", header, o, spec, info);
    std::map<std::size_t, sweep::Record> records =
        existing ? existing->records : std::map<std::size_t, sweep::Record>{};
    sweep::JournalWriter journal =
        existing ? sweep::JournalWriter(base + ".jsonl", *existing) : sweep::JournalWriter(base + ".jsonl", header);
    std::vector<std::size_t> todo;
    for (std::size_t i = shard.index; i < spec.points(); i += shard.count)
        if (!records.count(i)) todo.push_back(i);

    const std::size_t total = (spec.points() - shard.index + shard.count - 1) / shard.count;
    std::cerr << fmt::format("# sweep {}: {} points{}, {} to run on {} jobs, journal {}.jsonl\n", spec.file, total,
                             shard.given() ? fmt::format(" (shard {}/{})", shard.index, shard.count) : "", todo.size(),
                             o.jobs, base);
    sweep::Progress progress(std::cerr, ::isatty(STDERR_FILENO) == 1, total, records.size());
    std::size_t failed = 0;
    const auto keep = [&](sweep::Record r) {
        journal.append(r);
        failed += r.ok() ? 0 : 1;
        records[r.point] = std::move(r);
        progress.point_done();
    };
    const sweep::PoolCallbacks callbacks{
        [&](std::size_t point) { return sweep::to_line(run_point(spec, point)); },
        [&](std::size_t, const std::string& line) { keep(sweep::record_from(nlohmann::json::parse(line))); },
        [&](std::size_t point, const std::string& why) {
            keep({point, "error: " + why, {}});
        }};
    if (const int signal = sweep::run_points(todo, o.jobs, callbacks); signal != 0) {
        std::cerr << fmt::format("\nsnsim: sweep stopped by {}: {} of {} points are kept in {}.jsonl; run the same "
                                 "command with --resume to run only the missing ones\n",
                                 signal == SIGINT ? "SIGINT" : "SIGTERM", records.size(), total, base);
        return 128 + signal;
    }
    progress.finish(failed);
    write_outputs(spec, info, records, shard);
    return 0;
}

std::vector<std::string> shard_journals(const SweepOptions& o, const sweep::SweepSpec& spec) {
    if (!o.shard_files.empty()) return o.shard_files;
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(spec.out, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("shard-", 0) == 0 && entry.path().extension() == ".jsonl")
            files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    if (files.empty())
        throw InputError(
            fmt::format("--merge: no shard journals (shard-I-of-N.jsonl) in {}; name them after the spec", spec.out));
    return files;
}

// Checks that the shards are of this spec, each given once, and together hold every point exactly once.
int merge(const sweep::SweepSpec& spec, const SweepOptions& o) {
    const auto info = check_points(spec);
    std::map<std::size_t, sweep::Record> records;
    std::map<std::size_t, std::string> from; // point -> file
    std::map<std::size_t, std::string> shard_file;
    std::size_t shards = 0;
    for (const auto& file : shard_journals(o, spec)) {
        auto j = sweep::read_journal(file);
        if (j.header.sweep != spec.fingerprint || j.header.points != spec.points())
            throw InputError(
                fmt::format("{}: a shard of another sweep (fingerprint {}, {} points; {} is {}, {} points)", file,
                            j.header.sweep, j.header.points, spec.file, spec.fingerprint, spec.points()));
        if (shards != 0 && j.header.shards != shards)
            throw InputError(fmt::format("{}: shard {}/{} but {} is one of {}", file, j.header.shard, j.header.shards,
                                         shard_file.begin()->second, shards));
        shards = j.header.shards;
        if (const auto [at, fresh] = shard_file.emplace(j.header.shard, file); !fresh)
            throw InputError(
                fmt::format("{}: shard {}/{} given twice (also {})", file, j.header.shard, shards, at->second));
        check_records(file, j.records, info, spec);
        for (auto& [point, r] : j.records) {
            if (const auto [at, fresh] = from.emplace(point, file); !fresh)
                throw InputError(fmt::format("{}: point {} is also in {}", file, point, at->second));
            records.emplace(point, std::move(r));
        }
    }
    for (std::size_t s = 0; s < shards; ++s)
        if (!shard_file.count(s))
            throw InputError(
                fmt::format("--merge: shard {}/{} is missing (run it with --shard {}/{})", s, shards, s, shards));
    for (std::size_t point = 0; point < spec.points(); ++point)
        if (!records.count(point))
            throw InputError(fmt::format("{}: point {} is missing; finish that shard with --shard {}/{} --resume",
                                         shard_file[point % shards], point, point % shards, shards));
    std::error_code ec;
    fs::create_directories(spec.out, ec);
    report::check_outputs({{"--out", spec.out + "/sweep.csv"}, {"--out", spec.out + "/sweep.json"}});
    write_outputs(spec, info, records, {});
    return 0;
}

int sweep_command(SweepOptions o) {
    auto spec = sweep::read_spec(o.spec);
    if (!o.out.empty()) spec.out = o.out;
    const Shard shard = shard_of(o.shard);
    if (o.merge) {
        if (shard.given() || o.resume || o.restart)
            throw InputError("--merge: takes no --shard, --resume or --restart (it only reads shard journals)");
        return merge(spec, o);
    }
    if (!o.shard_files.empty())
        throw InputError(fmt::format("\"{}\": shard journals are read only with --merge", o.shard_files.front()));
    if (o.resume && o.restart) throw InputError("--resume and --restart: choose one");
    if (o.check) {
        const auto info = check_points(spec);
        std::size_t rows = 0;
        for (const auto& i : info)
            rows += i.sizes.size();
        std::cout << fmt::format("{}: {} points, {} rows, every point valid; outputs would go to {}\n", spec.file,
                                 info.size(), rows, spec.out);
        return 0;
    }
    if (o.jobs == 0) throw InputError("--jobs 0: needs at least one job");
    return run_sweep(spec, o, shard);
}

} // namespace

Action add_sweep_command(CLI::App& app) {
    auto o = std::make_shared<SweepOptions>();
    o->jobs = static_cast<unsigned>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
    auto* cmd = app.add_subcommand("sweep", "Run a grid of experiments from a sweep spec (configs x config-key values, "
                                            "e.g. configs/sweeps/), on every core, resumably");
    cmd->add_option("spec", o->spec,
                    "sweep spec YAML (docs/sweeps.md), e.g. configs/sweeps/al64_bandwidth_latency.yaml")
        ->required();
    cmd->add_option("shard_journals", o->shard_files,
                    "with --merge: the shards' journals (default: every shard-I-of-N.jsonl in the output directory)");
    cmd->add_option("--jobs,-j", o->jobs,
                    "worker processes, one point each at a time (default: the cores, here " + std::to_string(o->jobs) +
                        ")");
    cmd->add_option("--shard", o->shard,
                    "I/N: run only the points whose index modulo N is I, into OUT/shard-I-of-N.* (a Slurm array: "
                    "--shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)")
        ->type_name("I/N");
    cmd->add_flag("--resume", o->resume, "keep the points already in the journal and run only the missing ones");
    cmd->add_flag("--restart", o->restart, "discard the journal of an earlier run and run every point again");
    cmd->add_flag("--check", o->check,
                  "check every point of the spec and print how many points and rows it has; run "
                  "nothing");
    cmd->add_flag("--merge", o->merge,
                  "merge shard journals into OUT/sweep.csv and OUT/sweep.json (checks that they are of this spec and "
                  "that every point is there once)");
    cmd->add_option("--out", o->out, "output directory (default: the spec's `out`, else results/SPEC_NAME)")
        ->type_name("DIR");
    cmd->footer("Writes OUT/sweep.csv (one line per point and size: point,config, the grid keys, status, then the "
                "columns of snsim run --csv, times in us and bandwidths in GB/s)\nand OUT/sweep.json, sorted by point, "
                "the same bytes whatever --jobs, order or interruption. OUT/sweep.jsonl, the journal, gets each point "
                "as it finishes;\nSIGINT/SIGTERM stop the sweep keeping every finished point (exit code 128 + "
                "signal), --resume finishes it. Exit code 2 on bad input, before anything is written.");
    return [cmd, o] {
        if (!*cmd) return -1;
        return sweep_command(*o);
    };
}

} // namespace snsim::cli
