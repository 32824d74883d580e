// Exception types of the library and the variadic fail() helper that builds their messages.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace vscreen {

/// Base of every error the library throws.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& what) : std::runtime_error(what) {}
};

/// Malformed or unsupported input (files, molecules, parameters).
class InputError : public Error {
public:
    using Error::Error;
};

/// A size limit of a kernel or buffer was exceeded.
class CapacityError : public Error {
public:
    using Error::Error;
};

/// A compute device failed or is absent.
class DeviceError : public Error {
public:
    using Error::Error;
};

namespace detail {
template <typename... Args>
std::string cat(Args&&... args) {
    std::ostringstream os;
    (os << ... << std::forward<Args>(args));
    return os.str();
}
}  // namespace detail

/// Throws E with the concatenation of args as its message.
template <typename E = InputError, typename... Args>
[[noreturn]] void fail(Args&&... args) {
    throw E(detail::cat(std::forward<Args>(args)...));
}

}  // namespace vscreen
