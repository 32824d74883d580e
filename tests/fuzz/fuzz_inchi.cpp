// libFuzzer target: bytes as one input of the inchi reader (vscreen::fuzz::inchi in fuzz_harness.hpp).
#include "fuzz_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    vscreen::fuzz::inchi(data, size);
    return 0;
}
