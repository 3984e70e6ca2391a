#pragma once
// A sweep's final outputs, made from its records sorted by point, so they are the same bytes whatever order
// points finished in, however many jobs ran them, and whether they came from one run, a resumed run or merged
// shards. CSV: one line per point and size, the columns `point,config,<grid keys>,status` then those of
// `snsim run --csv`; a point that failed keeps one line per size with its status and no measurements. JSON: the
// spec, its fingerprint, the grid and the same rows.
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/sweep/record.hpp"
#include "sim/sweep/spec.hpp"

namespace snsim::sweep {

// What each point would run, known before it runs: the fields of its rows when it fails.
struct PointInfo {
    std::string collective, algorithm;
    std::vector<double> sizes;
    std::uint64_t seed = 1;
};

void write_sweep_csv(std::ostream& out, const SweepSpec& spec, const std::vector<PointInfo>& info,
                     const std::map<std::size_t, Record>& records);
// `shard` is "I/N" for a shard's own output, empty otherwise. The spec is named by its file name, not its path.
nlohmann::ordered_json sweep_json(const SweepSpec& spec, const std::vector<PointInfo>& info,
                                  const std::map<std::size_t, Record>& records, const std::string& shard);

} // namespace snsim::sweep
