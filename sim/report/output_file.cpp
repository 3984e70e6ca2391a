#include "sim/report/output_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <unistd.h>

#include "topologies/errors.hpp"

namespace snsim::report {
namespace fs = std::filesystem;
namespace {

// Symlinks are followed (even to a file not yet there), so the file they point at is replaced, not the link.
fs::path resolved(const std::string& path) {
    fs::path p(path);
    std::error_code ec;
    for (int hops = 0; hops < 40 && fs::is_symlink(p, ec); ++hops) {
        const fs::path target = fs::read_symlink(p, ec);
        if (ec) break;
        p = target.is_absolute() ? target : p.parent_path() / target;
    }
    return p;
}

// An existing target that is not a regular file (a terminal, a pipe, /dev/stdout) cannot be replaced by
// renaming; it is written in place. Asked of the path as given, which the kernel resolves: /dev/stdout into a pipe
// links to "pipe:[N]", which no path names.
bool is_stream(const fs::path& p) {
    std::error_code ec;
    return fs::exists(p, ec) && !fs::is_regular_file(p, ec);
}

[[noreturn]] void fail(const std::string& option, const std::string& path, const std::string& why) {
    throw InputError(fmt::format("{} \"{}\": {}", option, path, why));
}

} // namespace

void check_writable(const std::string& option, const std::string& path) {
    if (path.empty()) fail(option, path, "needs a file name");
    const fs::path p = resolved(path);
    std::error_code ec;
    const auto status = fs::status(p, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
        fail(option, path, ec == std::errc::too_many_symbolic_link_levels ? "a loop of symbolic links" : ec.message());
    if (fs::is_directory(status)) fail(option, path, "is a directory");
    if (is_stream(path)) return;
    const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
    if (!fs::is_directory(dir, ec)) fail(option, path, fmt::format("directory {} does not exist", dir.string()));
    if (::access(dir.c_str(), W_OK) != 0) fail(option, path, fmt::format("directory {} is not writable", dir.string()));
}

namespace {

// One spelling per file, for "same file" checks: ./o.csv, o.csv, a link to it and a dangling link to where it will
// be are one file. A pipe's /dev/stdout resolves to "pipe:[N]", which has no canonical form: compared as given.
std::string identity(const std::string& path) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(fs::absolute(resolved(path), ec), ec);
    return ec ? path : canonical.lexically_normal().string();
}

void check_distinct(const std::vector<std::pair<std::string, std::string>>& outputs,
                    const std::vector<std::string>& inputs) {
    std::vector<std::pair<std::string, std::string>> seen;
    for (const auto& [option, path] : outputs) {
        const std::string same = identity(path);
        for (const auto& [other, other_path] : seen)
            if (other_path == same) fail(option, path, "same file as " + other);
        for (const auto& input : inputs)
            if (!input.empty() && identity(input) == same)
                fail(option, path, fmt::format("is {}, an input of this command; choose another file", input));
        seen.emplace_back(option, same);
    }
}

// `path` without a trailing separator or dots ("nd/", "./nd/." are nd).
std::string directory_of(const std::string& path) {
    if (path.empty()) return path;
    fs::path p = fs::path(path).lexically_normal();
    if (!p.has_filename() && p.has_parent_path()) p = p.parent_path();
    return p.empty() ? "." : p.string();
}

} // namespace

void check_outputs(const std::vector<std::pair<std::string, std::string>>& outputs) {
    for (const auto& [option, path] : outputs)
        check_writable(option, path);
    check_distinct(outputs, {});
}

OutputSet::OutputSet(std::vector<std::pair<std::string, std::string>> outputs, std::string directory,
                     const std::vector<std::string>& inputs)
    : outputs_(std::move(outputs)), directory_(directory_of(directory)) {
    const std::string option = outputs_.empty() ? "--out" : outputs_.front().first;
    std::error_code ec;
    if (!directory_.empty() && !fs::exists(directory_, ec)) {
        // Made at the first write, parents too; for now the nearest existing ancestor must take them.
        fs::path ancestor = fs::absolute(directory_, ec);
        while (ancestor.has_parent_path() && ancestor != ancestor.parent_path() && !fs::exists(ancestor, ec))
            ancestor = ancestor.parent_path();
        if (!fs::is_directory(ancestor, ec))
            fail(option, directory, fmt::format("{} is not a directory", ancestor.string()));
        if (::access(ancestor.c_str(), W_OK) != 0)
            fail(option, directory, fmt::format("directory {} is not writable", ancestor.string()));
        check_distinct(outputs_, inputs);
        return;
    }
    if (!directory_.empty() && !fs::is_directory(directory_, ec))
        fail(option, directory, "exists and is not a directory");
    check_outputs(outputs_);
    check_distinct(outputs_, inputs);
}

OutputSet::~OutputSet() {
    if (!committed_) discard();
}

const std::string& OutputSet::option_of(const std::string& path) const {
    for (const auto& [option, p] : outputs_)
        if (p == path) return option;
    throw std::logic_error("OutputSet: " + path + " is not one of its outputs");
}

void OutputSet::discard() {
    std::error_code ignored;
    for (const auto& s : staged_)
        if (!s.temporary.empty()) fs::remove(s.temporary, ignored);
    staged_.clear();
    for (auto it = made_.rbegin(); it != made_.rend(); ++it)
        fs::remove(*it, ignored); // only when still empty
    made_.clear();
}

void OutputSet::write(const std::string& path, const std::function<void(std::ostream&)>& write) {
    const std::string& option = option_of(path);
    std::error_code ec;
    if (!directory_.empty() && !fs::exists(directory_, ec)) {
        std::vector<std::string> missing;
        for (fs::path p = fs::absolute(directory_, ec); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
            missing.insert(missing.begin(), p.string());
            if (p == p.parent_path()) break;
        }
        fs::create_directories(directory_, ec);
        if (ec) fail(option, directory_, fmt::format("cannot create the directory: {}", ec.message()));
        made_.insert(made_.end(), missing.begin(), missing.end());
    }
    check_writable(option, path);
    if (is_stream(path)) {
        staged_.push_back({option, path, "", "", write});
        return;
    }
    const fs::path target = resolved(path);
    Staged s{option, path, target.string() + fmt::format(".tmp{}", ::getpid()), target.string(), {}};
    try {
        std::ofstream out(s.temporary, std::ios::binary | std::ios::trunc);
        if (!out) fail(option, path, fmt::format("cannot write: {}", std::strerror(errno)));
        staged_.push_back(s); // removed by discard() from here on
        write(out);
        if (!out.flush()) fail(option, path, fmt::format("write failed: {}", std::strerror(errno)));
        out.close();
        if (out.fail()) fail(option, path, fmt::format("write failed: {}", std::strerror(errno)));
    } catch (...) {
        discard();
        throw;
    }
}

void OutputSet::write_json(const std::string& path, const nlohmann::ordered_json& json,
                           const std::vector<StreamedJson>& streamed) {
    write(path, [json, streamed](std::ostream& out) { write_json_text(out, json, streamed); });
}

void OutputSet::commit() {
    try {
        // Streams first: one that fails (a full /dev/stdout) leaves the files unreplaced.
        for (const auto& s : staged_) {
            if (!s.stream) continue;
            std::ofstream out(s.path, std::ios::binary);
            s.stream(out);
            if (!out.flush()) fail(s.option, s.path, fmt::format("write failed: {}", std::strerror(errno)));
        }
        for (auto& s : staged_) {
            if (s.temporary.empty()) continue;
            std::error_code ec;
            fs::rename(s.temporary, s.target, ec);
            if (ec) fail(s.option, s.path, fmt::format("cannot replace: {}", ec.message()));
            s.temporary.clear();
        }
    } catch (...) {
        discard();
        throw;
    }
    committed_ = true;
    made_.clear();
    staged_.clear();
}

void write_atomically(const std::string& option, const std::string& path,
                      const std::function<void(std::ostream&)>& write) {
    OutputSet set({{option, path}});
    set.write(path, write);
    set.commit();
}

namespace {

std::string dumped(const nlohmann::ordered_json& value) {
    return value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

void write_indented(std::ostream& out, const nlohmann::ordered_json& value, std::size_t indent) {
    const std::string text = dumped(value);
    std::string indented(indent, ' ');
    indented.reserve(text.size() + 8 * indent);
    for (char c : text) {
        indented += c;
        if (c == '\n') indented.append(indent, ' ');
    }
    out.write(indented.data(), static_cast<std::streamsize>(indented.size()));
}

void write_json_text(std::ostream& out, const nlohmann::ordered_json& json, const std::vector<StreamedJson>& streamed) {
    const std::string text = dumped(json);
    std::size_t from = 0;
    for (const auto& value : streamed) {
        const std::string token = dumped(value.placeholder);
        const std::size_t at = text.find(token, from);
        if (at == std::string::npos) throw std::logic_error("streamed JSON placeholder not in the document");
        const std::size_t line = text.rfind('\n', at) + 1;
        out.write(text.data() + from, static_cast<std::streamsize>(at - from));
        value.write(out, text.find_first_not_of(' ', line) - line);
        from = at + token.size();
    }
    out.write(text.data() + from, static_cast<std::streamsize>(text.size() - from));
    out << '\n';
}

void write_json(const std::string& option, const std::string& path, const nlohmann::ordered_json& json,
                const std::vector<StreamedJson>& streamed) {
    write_atomically(option, path, [&](std::ostream& out) { write_json_text(out, json, streamed); });
}

} // namespace snsim::report
