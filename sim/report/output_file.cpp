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
    if (fs::is_directory(p)) fail(option, path, "is a directory");
    if (is_stream(path)) return;
    const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
    if (!fs::is_directory(dir)) fail(option, path, fmt::format("directory {} does not exist", dir.string()));
    if (::access(dir.c_str(), W_OK) != 0) fail(option, path, fmt::format("directory {} is not writable", dir.string()));
}

void check_outputs(const std::vector<std::pair<std::string, std::string>>& outputs) {
    std::vector<std::pair<std::string, std::string>> seen;
    for (const auto& [option, path] : outputs) {
        check_writable(option, path);
        // A pipe's /dev/stdout resolves to "pipe:[N]", which has no canonical form: compare it as given.
        std::error_code ec;
        const fs::path canonical = fs::weakly_canonical(path, ec);
        const std::string same = ec ? path : canonical.string();
        for (const auto& [other, other_path] : seen)
            if (other_path == same) fail(option, path, "same file as " + other);
        seen.emplace_back(option, same);
    }
}

void write_atomically(const std::string& option, const std::string& path,
                      const std::function<void(std::ostream&)>& write) {
    check_writable(option, path);
    if (is_stream(path)) {
        std::ofstream out(path, std::ios::binary);
        write(out);
        if (!out.flush()) fail(option, path, fmt::format("write failed: {}", std::strerror(errno)));
        return;
    }
    const fs::path target = resolved(path);
    const fs::path temporary = target.string() + fmt::format(".tmp{}", ::getpid());
    auto discard = [&] {
        std::error_code ignored;
        fs::remove(temporary, ignored);
    };
    try {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) fail(option, path, fmt::format("cannot write: {}", std::strerror(errno)));
        write(out);
        if (!out.flush()) fail(option, path, fmt::format("write failed: {}", std::strerror(errno)));
    } catch (...) {
        discard();
        throw;
    }
    std::error_code ec;
    fs::rename(temporary, target, ec);
    if (ec) {
        discard();
        fail(option, path, fmt::format("cannot replace: {}", ec.message()));
    }
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

void write_json(const std::string& option, const std::string& path, const nlohmann::ordered_json& json,
                const std::vector<StreamedJson>& streamed) {
    const std::string text = dumped(json);
    write_atomically(option, path, [&](std::ostream& out) {
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
    });
}

} // namespace snsim::report
