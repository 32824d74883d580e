// libFuzzer target: bytes as one input of the mol2 reader (vscreen::fuzz::mol2 in fuzz_harness.hpp).
#include "fuzz_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    vscreen::fuzz::mol2(data, size);
    return 0;
}
