#pragma once
// One CSV field: as it is, or quoted (RFC 4180: in double quotes, a quote doubled) when it holds a comma, a quote
// or a line end. Names come from user files.
#include <string>

namespace snsim::report {

inline std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

} // namespace snsim::report
