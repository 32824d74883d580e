// The CUDA back-end: a warp per (ligand, chain) in size buckets, grid maps on the device, on the shared search code.
#pragma once

#include <string>

#include <vector>

#include "vscreen/backend.hpp"
#include "vscreen/box.hpp"
#include "vscreen/energy.hpp"
#include "vscreen/receptor.hpp"

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

/// Grid maps computed on device `device` (the CUDA back-end's builder, the CPU builder's per-point math), in GridMaps'
/// layout: the maps of the flagged types in type order, points x-fastest; for checks against GridMaps::data().
std::vector<float> cuda_grid_maps(int device, const Receptor& receptor, const PairTable& table, const Box& box,
                                  const std::vector<bool>& types, float spacing = 0.375f);

/// Name and properties of device `index` ("NVIDIA H100 80GB HBM3, 132 SMs, sm_90"); throws DeviceError.
std::string cuda_device_description(int index);

}  // namespace vscreen
