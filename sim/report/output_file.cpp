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

void check_writable(const std::string& option, const std::string& path) {
    const fs::path p(path);
    const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
    if (path.empty() || p.filename().empty()) throw InputError(fmt::format("{} \"{}\": not a file name", option, path));
    if (!fs::is_directory(dir))
        throw InputError(fmt::format("{} \"{}\": directory {} does not exist", option, path, dir.string()));
    if (fs::is_directory(p)) throw InputError(fmt::format("{} \"{}\": is a directory", option, path));
    if (::access(dir.c_str(), W_OK) != 0)
        throw InputError(fmt::format("{} \"{}\": directory {} is not writable", option, path, dir.string()));
}

void write_atomically(const std::string& option, const std::string& path,
                      const std::function<void(std::ostream&)>& write) {
    check_writable(option, path);
    const std::string temporary = fmt::format("{}.tmp{}", path, ::getpid());
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) throw InputError(fmt::format("{} \"{}\": cannot write: {}", option, path, std::strerror(errno)));
        write(out);
        out.flush();
        if (!out) {
            std::error_code ignored;
            fs::remove(temporary, ignored);
            throw InputError(fmt::format("{} \"{}\": write failed: {}", option, path, std::strerror(errno)));
        }
    }
    std::error_code ec;
    fs::rename(temporary, path, ec);
    if (ec) {
        fs::remove(temporary, ec);
        throw InputError(fmt::format("{} \"{}\": cannot replace: {}", option, path, ec.message()));
    }
}

} // namespace snsim::report
