// libFuzzer target: bytes as one input of the sdf reader (vscreen::fuzz::sdf in fuzz_harness.hpp).
#include "fuzz_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    vscreen::fuzz::sdf(data, size);
    return 0;
}
