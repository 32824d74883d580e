// libFuzzer target: bytes as one input of the ligand_pdbqt reader (vscreen::fuzz::ligand_pdbqt in fuzz_harness.hpp).
#include "fuzz_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    vscreen::fuzz::ligand_pdbqt(data, size);
    return 0;
}
