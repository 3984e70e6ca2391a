#include "sim/collectives/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace snsim {

FlowId Schedule::add(const Flow& flow, std::initializer_list<FlowId> deps) {
    return add(flow, std::span<const FlowId>(deps.begin(), deps.size()));
}

FlowId Schedule::add(const Flow& flow, std::span<const FlowId> deps) {
    if (flow.src >= endpoints() || flow.dst >= endpoints() || (flow.src == flow.dst) != flow.computes())
        throw std::logic_error("flow between invalid endpoints");
    if (!(flow.bytes >= 0)) throw std::logic_error("flow with negative size");
    if (flow.computes() && (flow.bytes != 0 || !(flow.seconds >= 0) || !std::isfinite(flow.seconds)))
        throw std::logic_error("compute flow that moves bytes or lasts no valid time");
    if (flow.block_begin >= flow.block_end || flow.block_end > blocks_)
        throw std::logic_error("flow carries no valid blocks");
    if (flow.rounds == 0) throw std::logic_error("flow of no rounds");
    const auto id = static_cast<FlowId>(flows_.size());
    for (FlowId d : deps)
        if (d >= id) throw std::logic_error("flow depends on a flow not yet added");
    if (flow.follows != kNoFlow && std::find(deps.begin(), deps.end(), flow.follows) == deps.end())
        throw std::logic_error("flow follows a flow it does not depend on");
    if (dep_list_.size() + deps.size() > 0xFFFFFFFFu) throw std::length_error("more than 2^32-1 dependencies");
    flows_.push_back(flow);
    dep_list_.insert(dep_list_.end(), deps.begin(), deps.end());
    dep_offsets_.push_back(static_cast<std::uint32_t>(dep_list_.size()));
    return id;
}

std::uint32_t Schedule::steps() const {
    std::uint32_t last = 0;
    for (const auto& f : flows_)
        last = std::max(last, f.step + f.rounds);
    return last;
}

std::size_t Schedule::uncoalesced_size() const {
    std::size_t n = 0;
    for (const auto& f : flows_)
        n += f.rounds;
    return n;
}

double Schedule::total_bytes() const {
    double sum = 0;
    for (const auto& f : flows_)
        sum += f.bytes;
    return sum;
}

} // namespace snsim
