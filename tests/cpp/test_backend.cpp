// Back-end registry: the CPU back-end is always there; unknown or absent back-ends give clear errors.
#include <gtest/gtest.h>

#include <algorithm>

#include "vscreen/backend.hpp"
#include "vscreen/error.hpp"

using namespace vscreen;

TEST(Backend, CpuIsAlwaysAvailable) {
    const auto names = available_backends();
    EXPECT_NE(std::find(names.begin(), names.end(), "cpu"), names.end());
    EXPECT_EQ(make_backend("cpu", 2)->name(), "cpu");
    EXPECT_FALSE(make_backend("auto")->name().empty());
}

TEST(Backend, UnknownNameIsAnInputError) {
    try {
        make_backend("quantum");
        FAIL() << "no exception";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("unknown back-end 'quantum'"), std::string::npos);
    }
    EXPECT_THROW(make_backend("cpu:x"), InputError);
}

TEST(Backend, RegisteredUnavailableBackendIsADeviceError) {
    register_backend(BackendFactory{"absent-test-device", 100, [] { return false; },
                                    [](int, int) -> std::unique_ptr<Backend> { return nullptr; }});
    EXPECT_THROW(make_backend("absent-test-device"), DeviceError);
    EXPECT_NE(make_backend("auto")->name(), "absent-test-device");  // auto skips unavailable ones
}
