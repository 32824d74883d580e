// CPU back-end: a parallel loop over (ligand, chain) tasks, each with its own scratch and random stream.
#include "vscreen/cpu_backend.hpp"

#include "vscreen/detail/parallel.hpp"
#include "vscreen/error.hpp"

namespace vscreen {

CpuBackend::CpuBackend(int threads) : threads_(detail::resolve_threads(threads)) {}

std::vector<JobPoses> CpuBackend::search(const SearchBatch& batch) {
    if (!batch.table) fail<Error>("CpuBackend::search: no pair table");
    if (!batch.grid.maps && !batch.jobs.empty()) fail<Error>("CpuBackend::search: no grid maps in the batch");
    const long chains = batch.chains;
    const long tasks = static_cast<long>(batch.jobs.size()) * chains;
    std::vector<std::vector<float>> outputs(tasks);
    std::vector<std::vector<float>> scratch(detail::resolve_threads(threads_));
    const PairTableView table = batch.table->view();
    detail::parallel_for(tasks, threads_, [&](long t, int worker) {
        const SearchJob& job = batch.jobs[t / chains];
        const LigandView L = job.model->view();
        std::vector<float>& buf = scratch[worker];
        buf.resize(chain_scratch_floats(L));
        ChainScratch s = make_chain_scratch(L, buf.data());
        EnergyContext ctx = make_energy_context(L, batch.grid, table, s);
        std::vector<float>& out = outputs[t];
        out.assign(chain_poses_floats(L, job.params.capacity), 0.0f);
        ChainPoses poses = make_chain_poses(L, job.params.capacity, out.data());
        run_chain(ctx, job.params, Rng::for_chain(batch.seed, job.seed_key, static_cast<std::uint64_t>(t % chains)), s,
                  poses);
    });
    std::vector<JobPoses> result(batch.jobs.size());
    for (long t = 0; t < tasks; ++t) {
        const SearchJob& job = batch.jobs[t / chains];
        append_chain_poses(job.model->view(), job.params.capacity, outputs[t].data(), result[t / chains]);
    }
    return result;
}

}  // namespace vscreen
