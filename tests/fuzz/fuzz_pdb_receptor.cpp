// libFuzzer target: bytes as one input of the pdb_receptor reader (vscreen::fuzz::pdb_receptor in fuzz_harness.hpp).
#include "fuzz_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    vscreen::fuzz::pdb_receptor(data, size);
    return 0;
}
