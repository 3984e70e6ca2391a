#pragma once
// Where a workload's ranks are and which groups they form: rank r is chip r of the communicator, and its
// coordinate along each parallel dimension follows workload.order (the first varies fastest). A group of a kind is
// the ranks that share every coordinate but those of the kind's dimensions, in rank order.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "sim/collectives/schedule.hpp"
#include "sim/workload/workload.hpp"
#include "topologies/topology.hpp"

namespace snsim::workload {

class Placement {
  public:
    // Resolves dp (left out: the chips left over) and checks that the grid fits `chips` chips; throws InputError
    // naming workload.parallel otherwise. The workload uses the first ranks() chips.
    Placement(const Workload& workload, std::size_t chips);

    Rank ranks() const { return ranks_; }
    std::uint32_t size(Dim d) const { return size_[static_cast<std::size_t>(d)]; }
    std::uint32_t coord(Rank r, Dim d) const { return r / stride_[static_cast<std::size_t>(d)] % size(d); }
    // Every group of the kind, each as its ranks in rank order; groups in order of their first rank.
    std::vector<std::vector<Rank>> groups(GroupKind kind) const;
    // The rank one pipeline stage later (step +1) or earlier (-1), if there is one.
    std::optional<Rank> stage_neighbour(Rank r, int step) const;

  private:
    std::array<std::uint32_t, 4> size_{};
    std::array<std::uint32_t, 4> stride_{};
    Rank ranks_ = 0;
};

// placement: strict: throws InputError naming workload.placement when a tp group's chips (rank r on chips[r])
// are in different racks (Place::rack; chips of no rack count as one).
void check_strict(const Workload& workload, const Placement& placement, const Topology& topology,
                  const std::vector<Topology::Vertex>& chips);

} // namespace snsim::workload
