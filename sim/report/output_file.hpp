#pragma once
// Output files are written whole or not at all: content goes to a temporary file beside the target, which is
// renamed over it once complete (and removed if writing fails). Symlinks are followed; a target that is not a
// regular file (a pipe, a terminal, /dev/stdout) is written in place. check_writable() lets a command refuse a
// bad path before doing any work.
#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace snsim::report {

// Throws InputError "`option` "PATH": reason" for an empty path, a directory, or a missing or read-only directory.
void check_writable(const std::string& option, const std::string& path);
// Checks every (option, path) with check_writable and refuses one file named by two options.
void check_outputs(const std::vector<std::pair<std::string, std::string>>& outputs);
void write_atomically(const std::string& option, const std::string& path,
                      const std::function<void(std::ostream&)>& write);
// `json` indented by 2, written atomically. Names come from user files: invalid UTF-8 is replaced rather than
// failing after the work is done.
void write_json(const std::string& option, const std::string& path, const nlohmann::ordered_json& json);

} // namespace snsim::report
