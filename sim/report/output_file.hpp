#pragma once
// A command's output files are written all or none. OutputSet is the transaction: each file goes to a temporary
// beside its target as the command produces it, and commit() renames them all into place once every one is
// written; a failure before that (a full disk, a bad path, an error in a later file) removes the temporaries and
// leaves every target as it was, and a directory the set created for them (`--out newdir`) is removed again.
// Symlinks are followed; a target that is not a regular file (a pipe, a terminal, /dev/stdout) cannot be staged
// and is written at commit, after the files. check_outputs() lets a command refuse bad paths before any work.
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

// A JSON value too large to hold as a document (every cable direction of a 15,488-chip fabric: 1.2 million
// objects, 1 GB as nlohmann values), written by a function where the document has the string `placeholder`.
struct StreamedJson {
    std::string placeholder;
    // Writes the value; `indent`: the spaces before the key it belongs to, as dump(2) would lay it out.
    std::function<void(std::ostream&, std::size_t indent)> write;
};

class OutputSet {
  public:
    // The (option, path) pairs are checked at once (check_outputs), and refused when one is the same file as one
    // of `inputs` (the command's config, measured file, ...: an output must not replace what it was made from).
    // `directory`, when given, is the --out directory the paths lie in: it and its parents may not exist yet (the
    // nearest existing one must be a writable directory), and they are made at the first write.
    explicit OutputSet(std::vector<std::pair<std::string, std::string>> outputs, std::string directory = {},
                       const std::vector<std::string>& inputs = {});
    ~OutputSet(); // discards what was staged unless committed
    OutputSet(const OutputSet&) = delete;
    OutputSet& operator=(const OutputSet&) = delete;

    // Stages `path` (one of the outputs). A stream's writer runs at commit: what it refers to must live until then.
    void write(const std::string& path, const std::function<void(std::ostream&)>& write);
    void write_json(const std::string& path, const nlohmann::ordered_json& json,
                    const std::vector<StreamedJson>& streamed = {});
    // Writes the streams, then renames every staged file into place (a stream that fails leaves every file as it
    // was). Throws InputError naming the file that failed.
    void commit();

  private:
    struct Staged {
        std::string option, path, temporary, target;
        std::function<void(std::ostream&)> stream; // for a target that is not a regular file
    };
    const std::string& option_of(const std::string& path) const;
    void discard();

    std::vector<std::pair<std::string, std::string>> outputs_;
    std::string directory_;
    std::vector<std::string> made_; // directories this set made, outermost first
    bool committed_ = false;
    std::vector<Staged> staged_;
};

// One file as a set of one.
void write_atomically(const std::string& option, const std::string& path,
                      const std::function<void(std::ostream&)>& write);
// `json` indented by 2, each of `streamed` in place of its placeholder. Names come from user files: invalid UTF-8 is
// replaced rather than failing after the work is done.
void write_json_text(std::ostream& out, const nlohmann::ordered_json& json, const std::vector<StreamedJson>& streamed);
// write_json_text as one atomically written file.
void write_json(const std::string& option, const std::string& path, const nlohmann::ordered_json& json,
                const std::vector<StreamedJson>& streamed = {});
// `value` as dump(2) lays it out at `indent` spaces (an element of an array whose key is at indent - 2).
void write_indented(std::ostream& out, const nlohmann::ordered_json& value, std::size_t indent);

} // namespace snsim::report
