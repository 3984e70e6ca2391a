#pragma once
// One point of a sweep as an experiment: the base config with the spec's `set` and the point's grid values, its
// topology and communicator, and the experiment the spec asks for (collective, sizes, engine; a grid value of
// collective.algorithm is taken as --algorithm is, so a preset's dims or channels adapt to it).
#include <string>
#include <vector>

#include "sim/config/config.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/sweep/outputs.hpp"
#include "sim/sweep/record.hpp"
#include "sim/sweep/spec.hpp"

namespace snsim::cli {

struct PreparedPoint {
    config::Config config;
    Topology topology;
    std::vector<Topology::Vertex> chips;
    Experiment experiment;
};

// Throws InputError located in the spec: at the grid value's line when the error is about that key
// ("spec.yaml:9: topology.planes: ... (got "0")"), else at the config's line naming the point's values.
PreparedPoint prepare_point(const sweep::SweepSpec& spec, std::size_t index);
sweep::PointInfo info_of(const Experiment& x);

// Runs the point. Never throws: an experiment the point's topology refuses (an algorithm that does not fit it)
// or that fails becomes the record's status, "error: why".
sweep::Record run_point(const sweep::SweepSpec& spec, std::size_t index);

} // namespace snsim::cli
