#pragma once
// Error types for bad user input. topologies/ is the lowest layer, so the shared base lives here; the CLI maps
// every InputError to a one-line message and exit code 2.
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace snsim {

// `text` with control characters (newlines, tabs, NUL, escape codes from binary files) written as \n, \t or
// \xNN, so a message quoting user input stays on one line and cannot drive the terminal.
inline std::string one_line(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\n')
            out += "\\n";
        else if (c == '\t')
            out += "\\t";
        else if (c == '\r')
            out += "\\r";
        else if (u < 0x20 || u == 0x7f)
            out += fmt::format("\\x{:02x}", u);
        else
            out += c;
    }
    return out;
}

// Any error caused by what the user supplied (config, graph file, flag). what() is the complete one-line message.
class InputError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A failure of the machine rather than of the input (a full disk under a journal, a write that failed): the CLI
// prints its one line and exits with code 1, not as an internal error.
class SystemError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A generator parameter that cannot be built. `key` is the parameter's name, which is also its config key
// below `topology.`, so the config layer can add the file and line it came from.
class ParamError : public InputError {
  public:
    ParamError(std::string key, std::string value, const std::string& reason)
        : InputError(one_line(fmt::format("{}: {} (got \"{}\")", key, reason, value))), key_(std::move(key)),
          value_(std::move(value)), reason_(reason) {}
    const std::string& key() const { return key_; }
    const std::string& value() const { return value_; }
    const std::string& reason() const { return reason_; }

  private:
    std::string key_, value_, reason_;
};

// The one-line form of every input error: `file:line: key: reason (got "value")`. A zero line, an empty key or
// an empty value is left out.
inline std::string located(const std::string& file, int line, const std::string& key, const std::string& value,
                           const std::string& reason) {
    return one_line(fmt::format("{}{}: {}{}{}", file, line > 0 ? fmt::format(":{}", line) : "",
                                key.empty() ? "" : key + ": ", reason,
                                value.empty() ? "" : fmt::format(" (got \"{}\")", value)));
}

} // namespace snsim
