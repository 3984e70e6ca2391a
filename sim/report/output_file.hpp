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
// A JSON value too large to hold as a document (every cable direction of a 15,488-chip fabric: 1.2 million
// objects, 1 GB as nlohmann values), written by a function where the document has the string `placeholder`.
struct StreamedJson {
    std::string placeholder;
    // Writes the value; `indent`: the spaces before the key it belongs to, as dump(2) would lay it out.
    std::function<void(std::ostream&, std::size_t indent)> write;
};

// `json` indented by 2, written atomically, each of `streamed` in place of its placeholder. Names come from user
// files: invalid UTF-8 is replaced rather than failing after the work is done.
void write_json(const std::string& option, const std::string& path, const nlohmann::ordered_json& json,
                const std::vector<StreamedJson>& streamed = {});
// `value` as dump(2) lays it out at `indent` spaces (an element of an array whose key is at indent - 2).
void write_indented(std::ostream& out, const nlohmann::ordered_json& value, std::size_t indent);

} // namespace snsim::report
