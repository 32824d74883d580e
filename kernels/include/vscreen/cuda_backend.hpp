// The CUDA back-end: every chain of every ligand of a batch in one launch, on the shared search code.
#pragma once

#include <string>

#include <vector>

#include "vscreen/backend.hpp"
#include "vscreen/energy.hpp"

namespace vscreen {

/// Adds the "cuda" factory to the back-end registry (available when a CUDA device is present).
/// Safe to call more than once; the library and the Python module call it at start-up.
void register_cuda_backend();

/// Number of CUDA devices usable now (0 without a GPU or driver; never throws).
int cuda_device_count();

/// Evaluates poses of one ligand on device `device` with the shared energy code (for CPU/GPU agreement
/// checks); returns inter and intra energies per pose.
std::vector<EnergyParts> cuda_pose_energies(int device, const GridView& grid, const PairTable& table,
                                            const LigandModel& model, const std::vector<std::vector<float>>& poses,
                                            EnergyCaps caps);

/// Name and properties of device `index` ("NVIDIA H100 80GB HBM3, 132 SMs, sm_90"); throws DeviceError.
std::string cuda_device_description(int index);

}  // namespace vscreen
