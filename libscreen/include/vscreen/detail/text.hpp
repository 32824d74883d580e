// Small string helpers shared by the file readers.
#pragma once

#include <string>

namespace vscreen::detail {

/// `s` without leading and trailing whitespace.
inline std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

/// Whether `s` starts with `prefix`.
inline bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace vscreen::detail
