// The threaded CPU back-end: ligands x chains spread over all cores, running the shared chain code.
#pragma once

#include "vscreen/backend.hpp"

namespace vscreen {

/// Runs each (ligand, chain) task on a pool of threads; results do not depend on the thread count.
class CpuBackend : public Backend {
public:
    explicit CpuBackend(int threads = 0);
    std::string name() const override { return "cpu"; }
    int speed_rank() const override { return 1; }
    std::vector<JobPoses> search(const SearchBatch& batch) override;
    int threads() const { return threads_; }

private:
    int threads_;
};

}  // namespace vscreen
