// libFuzzer target: bytes as one input of the smiles reader (vscreen::fuzz::smiles in fuzz_harness.hpp).
#include "fuzz_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    vscreen::fuzz::smiles(data, size);
    return 0;
}
