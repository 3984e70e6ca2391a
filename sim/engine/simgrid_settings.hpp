#pragma once
// The SimGrid settings a user may give (`--cfg KEY:VALUE`), checked in the parent before any child starts: a value
// SimGrid cannot take (network/model:Bogus, maxmin/precision:nan, contexts/stack-size:1) otherwise kills the
// simulation child with SimGrid's banner and a backtrace. Only the keys that matter to snsim's network model and
// to running it are taken, each with the values that work (docs/engines.md, "SimGrid settings"); anything else
// (SMPI, tracing, plugins, other models) is refused with the list.
#include <string>
#include <vector>

namespace snsim {

// The settings as KEY:VALUE without surrounding spaces, which is how they must reach SimGrid. Throws InputError
// `--cfg "SETTING": reason` for the first setting that is malformed, unknown to snsim, or out of range.
std::vector<std::string> check_simgrid_settings(const std::vector<std::string>& settings);

} // namespace snsim
