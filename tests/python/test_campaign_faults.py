# Faults of a real cluster met by a campaign, each compared with one uninterrupted run (test_campaign_run's
# reference): chunk files truncated or corrupted on disk, a full disk while writing, a Dask worker killed in the
# middle of a chunk, two processes started on the same shard, kill -9 during refinement.
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

import vscreen
from conftest import kill_when, run_on_local_cluster
from test_campaign_run import _reference_cli, _rows, _same_rows, reference  # noqa: F401 (fixture)
from vscreen.campaign import CampaignError, run_campaign
from vscreen.campaign import store as store_module
from vscreen.campaign.store import CampaignStore

pytestmark = pytest.mark.skipif(not hasattr(vscreen._vscreen, "prepare_ligands"),
                                reason="this build has no ligand preparation (vscreen.prepare_ligands)")


def _copy(finished, tmp_path):
    out = tmp_path / "camp"
    shutil.copytree(finished, out, ignore=shutil.ignore_patterns("report", "merged"))
    return out


def _temporary_files(out):
    return [os.path.join(d, n) for d, _, names in os.walk(out) for n in names if n.endswith(".tmp")]


def test_damaged_chunk_files_are_found_on_resume_redone_and_reported(reference, tmp_path):
    cfg, finished, expected, _ = reference
    out = _copy(finished, tmp_path)
    store = CampaignStore(str(out))
    results = store.results_path("abl", 1)
    with open(results, "r+b") as f:  # truncated: a node lost power before its disk flushed
        f.truncate(os.path.getsize(results) // 2)
    poses = store.poses_path("abl", 2)
    data = bytearray(open(poses, "rb").read())
    data[len(data) // 2] ^= 0x20  # one flipped bit: the Parquet file of that chunk is fine, its poses are not
    open(poses, "wb").write(bytes(data))
    os.unlink(store.checksum_path("abl", 3))  # no checksum (a vscreen before them): trusted when it reads
    messages = []
    summary = run_campaign(cfg, str(out), threads=2, log=messages.append)
    assert [(t, k) for t, k, _ in summary.corrupt_chunks] == [("abl", 1), ("abl", 2)]
    assert "chunk-000001.parquet does not match its checksum" in summary.corrupt_chunks[0][2]
    assert "chunk-000002.sdf does not match its checksum" in summary.corrupt_chunks[1][2]
    assert (summary.chunks_docked, summary.chunks_already_done) == (2, 2)
    assert any("chunk 1 of target abl" in m and "redoing it" in m for m in messages)
    status = json.load(open(store.shard_path(0, 1)))
    assert [c["chunk"] for c in status["corrupt_chunks_redone"]] == [1, 2]
    _same_rows(_rows(out), expected)
    assert open(poses, "rb").read() == open(CampaignStore(str(finished)).poses_path("abl", 2), "rb").read()
    # a truncated chunk without its checksum file cannot be read: redone too
    os.unlink(store.checksum_path("abl", 0))
    with open(store.results_path("abl", 0), "r+b") as f:
        f.truncate(100)
    again = run_campaign(cfg, str(out), threads=2)
    assert [(t, k) for t, k, _ in again.corrupt_chunks] == [("abl", 0)]
    assert "unreadable results file" in again.corrupt_chunks[0][2]
    _same_rows(_rows(out), expected)


@pytest.mark.parametrize("which", ["results", "poses"])
def test_disk_full_while_writing_a_chunk(reference, tmp_path, monkeypatch, which):
    """ENOSPC from the kernel: chunk 2's file is written through a link to /dev/full."""
    cfg, _, expected, _ = reference
    out = tmp_path / "camp"
    real = store_module._tmp_name
    target = CampaignStore(str(out)).results_path("abl", 2) if which == "results" else \
        CampaignStore(str(out)).poses_path("abl", 2)

    def full_disk(path):
        tmp = real(path)
        if path == target:
            os.symlink("/dev/full", tmp)
        return tmp
    monkeypatch.setattr(store_module, "_tmp_name", full_disk)
    with pytest.raises(CampaignError, match=r"chunk-000002\.(parquet|sdf): no space left on the device"):
        run_campaign(cfg, str(out), threads=2)
    store = CampaignStore(str(out))
    assert sorted(store.done_chunks("abl")) == [0, 1]  # nothing half-written is taken for done
    assert not _temporary_files(out) and not [p for p in glob.glob(str(out / "*" / "*" / ".*"))]
    assert not os.path.exists(store.checksum_path("abl", 2))
    monkeypatch.setattr(store_module, "_tmp_name", real)
    summary = run_campaign(cfg, str(out), threads=2)
    assert (summary.chunks_docked, summary.chunks_already_done) == (2, 2)
    _same_rows(_rows(out), expected)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # tornado's make_current, inside distributed
def test_dask_worker_killed_in_the_middle_of_a_chunk(reference, tmp_path):
    pytest.importorskip("distributed")
    from vscreen.campaign.dask_backend import DaskExecutor
    from vscreen.campaign.chunk_job import run_chunk_job
    cfg, _, expected, _ = reference
    marker = str(tmp_path / "killed")

    def dies_once_on_chunk_1(job):
        """The chunk job, except that the first worker given chunk 1 is killed (SIGKILL) while it docks it."""
        if job.chunk == 1 and not os.path.exists(marker):
            with open(marker, "w") as f:
                f.write(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)
        out = run_chunk_job(job)
        out.seconds = float(os.getpid())  # which worker process finished the chunk
        return out

    class KillingExecutor(DaskExecutor):
        def map_unordered(self, fn, jobs):
            self.done_by = {}
            for out in super().map_unordered(dies_once_on_chunk_1, jobs):
                self.done_by[out.chunk] = int(out.seconds)
                yield out

    summary, ex = run_on_local_cluster(cfg, str(tmp_path / "camp"), KillingExecutor)
    killed = int(open(marker).read())
    assert summary.chunks_docked == 4 and ex.done_by[1] != killed  # redone by another worker process
    _same_rows(_rows(tmp_path / "camp"), expected)


def test_second_process_on_the_same_shard_is_refused(reference, tmp_path, data_dir):
    cfg, _, expected, _ = reference
    out = tmp_path / "camp"
    cmd = _reference_cli(cfg, data_dir, "--threads", 1, "--out", out)
    first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 300
        while not glob.glob(str(out / "results" / "*" / "chunk-*.parquet")) and first.poll() is None \
                and time.time() < deadline:
            time.sleep(0.01)
        assert first.poll() is None, f"the first run ended before the second started: {first.communicate()}"
        second = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        assert second.returncode != 0
        assert "shard 0/1 is already running (pid" in second.stderr, second.stderr
        assert first.wait(timeout=600) == 0, first.communicate()
    finally:
        if first.poll() is None:
            first.kill()
    rows = _rows(out)
    assert not rows.duplicated(["target", "position"]).any()
    _same_rows(rows, expected)
    # the lock goes with the process that held it: a later run of the shard starts (and finds everything done)
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and "4 already done" in again.stdout, again.stderr


def test_shard_lock_names_its_holder(reference, tmp_path):
    cfg, _, _, _ = reference
    out = tmp_path / "camp"
    store = CampaignStore(str(out))
    with store.lock_shard(0, 1):
        with pytest.raises(CampaignError, match=f"already running \\(pid {os.getpid()} on "):
            run_campaign(cfg, str(out), threads=1)
        run_campaign(cfg, str(out), shard=(1, 2), threads=1, plan_if_missing=True)  # another shard runs


def test_refinement_resumes_after_kill_9(tmp_path, data_dir):
    pytest.importorskip("openmm")
    from test_refine_campaign import _doc
    from vscreen.campaign import config_from_dict
    cfg = config_from_dict(_doc(tmp_path, data_dir), str(tmp_path))
    docked = tmp_path / "docked"
    run_campaign(cfg, str(docked), threads=2)
    killed = tmp_path / "killed"
    shutil.copytree(docked, killed)

    def refine(out):
        return [sys.executable, "-m", "vscreen", "refine", "--campaign", out, "--top", "2", "--pocket-radius", "6",
                "--workers", "1"]
    done = subprocess.run(refine(docked), capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    expected = pd.read_csv(docked / "refine" / "dhfr" / "refine.csv")
    work = killed / "refine" / "dhfr"
    seen = []

    def refining() -> bool:
        """The target's folder is made just before its hits are refined; the kill lands 2 s into the refinement."""
        if not seen and work.exists():
            seen.append(time.time())
        return bool(seen) and time.time() - seen[0] > 2.0
    kill_when(refine(killed), refining, "refinement ended within 2 s of starting", timeout=600)
    assert not (work / "refine.csv").exists() and not (work / "refined.sdf").exists(), \
        "the kill should land in the middle of the refinement"
    again = subprocess.run(refine(killed), capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stderr
    table = pd.read_csv(work / "refine.csv")
    assert table["id"].tolist() == expected["id"].tolist()
    assert table["refine_status"].tolist() == expected["refine_status"].tolist() == ["ok", "ok"]
    pd.testing.assert_series_equal(table["refine_dg_mmgbsa"], expected["refine_dg_mmgbsa"], rtol=1e-4)
    assert not _temporary_files(killed / "refine")
