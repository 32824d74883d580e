# Shared fixtures of the Python tests: the test data folder, the 1IEP complex, a CLI runner, a kill -9 helper.
import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"

# Vina's basic docking example box for 1IEP (example/basic_docking/solution/1iep_receptor_vina_box.txt).
BOX_1IEP = dict(center=(15.190, 53.903, 16.917), size=(20.0, 20.0, 20.0))


def pytest_configure(config):
    # campaigns cache prepared ligands (~/.cache/vscreen/prepared by default): keep the tests' out of the home
    cache = tempfile.mkdtemp(prefix="vscreen-test-prepared-")
    os.environ["VSCREEN_PREPARED_CACHE"] = cache
    atexit.register(shutil.rmtree, cache, True)
    config.addinivalue_line("markers", "gpu: needs a CUDA device (skipped with the reason when there is none)")


def _gpu_skip_reason():
    import vscreen
    if not vscreen.has_cuda:
        return "vscreen was built without the CUDA back-end"
    if vscreen.cuda_device_count() == 0:
        return "no CUDA device on this machine"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _gpu_skip_reason()
    if reason:
        for item in items:
            if "gpu" in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def complex_1iep():
    import vscreen
    receptor = vscreen.read_receptor_pdbqt_file(DATA / "1iep_receptor.pdbqt")
    ligand = vscreen.read_ligand_pdbqt_file(DATA / "1iep_ligand.pdbqt")
    return receptor, ligand


@pytest.fixture
def run_cli():
    """Runs `python -m vscreen ARGS` in a subprocess; returns the CompletedProcess (text)."""
    def run(*args, cwd=None):
        return subprocess.run([sys.executable, "-m", "vscreen", *map(str, args)], capture_output=True, text=True,
                              cwd=cwd, env=dict(os.environ), timeout=600)
    return run


def pdbqt_models(text: str):
    """Atom lines of each MODEL of a PDBQT text."""
    models, cur = [], None
    for line in text.splitlines():
        if line.startswith("MODEL"):
            cur = []
        elif line.startswith("ENDMDL"):
            models.append(cur)
            cur = None
        elif cur is not None and line.startswith(("ATOM", "HETATM")):
            cur.append(line)
    return models


def run_on_local_cluster(cfg, out_dir: str, executor_class=None):
    """run_campaign(cfg, out_dir) through `executor_class` (default DaskExecutor) on a local 2-worker Dask cluster,
    closed afterwards; returns (summary, executor)."""
    from vscreen.campaign import run_campaign
    from vscreen.campaign.dask_backend import DaskExecutor, local_cluster
    cluster, client = local_cluster(workers=2, threads_per_worker=1)
    try:
        with (executor_class or DaskExecutor)(client) as ex:
            return run_campaign(cfg, out_dir, threads=1, executor=ex), ex
    finally:
        client.close()
        cluster.close()


def kill_when(cmd, ready, ended_early: str, timeout: float = 300, poll: float = 0.005) -> None:
    """Starts ``cmd``, waits until ``ready()`` holds and kills it with SIGKILL (the tests' kill -9 faults); fails the
    test with ``ended_early`` and the process's output when it ends before that."""
    proc = subprocess.Popen([str(a) for a in cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + timeout
    while time.time() < deadline and not ready():
        if proc.poll() is not None:
            pytest.fail(f"{ended_early}: {proc.communicate()}")
        time.sleep(poll)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
