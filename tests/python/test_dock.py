# Fast docking runs (exhaustiveness 2, a tenth of Vina's steps): output files, determinism, batches.
import numpy as np
import pytest

import vscreen
from conftest import BOX_1IEP, pdbqt_models

FAST = ["--exhaustiveness", "2", "--search-scale", "0.1", "--seed", "7"]


def _dock_cli(run_cli, data_dir, out, *ligands, extra=()):
    ligands = ligands or (data_dir / "1iep_ligand.pdbqt",)
    return run_cli("dock", "--receptor", data_dir / "1iep_receptor.pdbqt", "--ligand", *ligands,
                   "--center", *BOX_1IEP["center"], "--size", *BOX_1IEP["size"], *FAST, *extra, "--out", out)


def test_dock_writes_pdbqt(run_cli, data_dir, tmp_path):
    out = tmp_path / "out.pdbqt"
    r = _dock_cli(run_cli, data_dir, out)
    assert r.returncode == 0, r.stderr
    assert "mode |   affinity" in r.stdout
    text = out.read_text()
    assert text.count("REMARK VINA RESULT") >= 1
    models = pdbqt_models(text)
    assert len(models) == text.count("REMARK VINA RESULT")
    n_input = sum(1 for l in (data_dir / "1iep_ligand.pdbqt").read_text().splitlines()
                  if l.startswith(("ATOM", "HETATM")))
    assert all(len(m) == n_input for m in models)


def test_same_seed_same_bytes(run_cli, data_dir, tmp_path):
    a, b = tmp_path / "a.pdbqt", tmp_path / "b.pdbqt"
    assert _dock_cli(run_cli, data_dir, a).returncode == 0
    assert _dock_cli(run_cli, data_dir, b).returncode == 0
    assert a.read_bytes() == b.read_bytes()


def test_dock_api(complex_1iep):
    receptor, ligand = complex_1iep
    settings = vscreen.DockingSettings(**BOX_1IEP, exhaustiveness=2, search_scale=0.1, seed=3, num_modes=5)
    assert settings.search_scale == pytest.approx(0.1)
    results = vscreen.dock(receptor, [ligand], settings, device="cpu", threads=2)
    assert len(results) == 1
    res = results[0]
    assert res.name == ligand.name and res.backend.startswith("cpu")
    assert 1 <= len(res.modes) <= 5
    affinities = [m.affinity for m in res.modes]
    assert affinities == sorted(affinities)
    best = res.modes[0]
    assert best.rmsd_lb == 0 and best.rmsd_ub == 0
    assert best.coords.shape == (ligand.num_atoms, 3) and best.coords.dtype == np.float32
    assert sum(best.terms.values()) == pytest.approx(best.inter, abs=1e-2)
    lo = np.array(BOX_1IEP["center"]) - np.array(BOX_1IEP["size"]) / 2 - 1e-3
    hi = np.array(BOX_1IEP["center"]) + np.array(BOX_1IEP["size"]) / 2 + 1e-3
    assert np.all(best.coords.mean(axis=0) > lo) and np.all(best.coords.mean(axis=0) < hi)
    text = vscreen.write_pdbqt_modes(None, ligand, res)
    assert text.count("MODEL") == len(res.modes)


def test_dock_batch_to_directory(run_cli, data_dir, tmp_path):
    out = tmp_path / "poses"
    second = data_dir / "1s63_ligand.pdbqt"
    if not second.exists():
        pytest.skip("tests/data/1s63_ligand.pdbqt not present")
    r = _dock_cli(run_cli, data_dir, out, data_dir / "1iep_ligand.pdbqt", second)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["1iep_ligand_out.pdbqt", "1s63_ligand_out.pdbqt"]
    assert r.stdout.count("mode |   affinity") == 2


def test_multi_ligand_pdbqt_out_is_refused(run_cli, data_dir, tmp_path):
    r = _dock_cli(run_cli, data_dir, tmp_path / "x.pdbqt", data_dir / "1iep_ligand.pdbqt",
                  data_dir / "1iep_ligand.pdbqt")
    assert r.returncode == 2 and ".sdf" in r.stderr


@pytest.mark.skipif(not vscreen.has_rdkit, reason="built without the RDKit readers (vscreen::prep)")
def test_dock_sdf_in_sdf_out(run_cli, data_dir, tmp_path):
    out = tmp_path / "out.sdf"
    r = _dock_cli(run_cli, data_dir, out, data_dir / "1iep_ligand.sdf",
                  extra=("--num-modes", "3"))
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert 1 <= text.count("$$$$") <= 3
    assert "vscreen_affinity" in text


def test_autobox(data_dir):
    center, size = vscreen.autobox(data_dir / "1iep_ligand.pdbqt", padding=4.0)
    lig = vscreen.read_ligand_pdbqt_file(data_dir / "1iep_ligand.pdbqt")
    heavy = lig.coords[np.array(lig.elements) != 1]
    np.testing.assert_allclose(center, (heavy.min(0) + heavy.max(0)) / 2, atol=1e-4)
    np.testing.assert_allclose(size, heavy.max(0) - heavy.min(0) + 8.0, atol=1e-4)


def test_dock_releases_the_gil(complex_1iep):
    import threading
    import time
    receptor, ligand = complex_1iep
    settings = vscreen.DockingSettings(**BOX_1IEP, exhaustiveness=2, search_scale=0.2, seed=5)
    t = threading.Thread(target=vscreen.dock, args=(receptor, [ligand], settings), kwargs={"device": "cpu"})
    stamps = [time.perf_counter()]
    t.start()
    while t.is_alive():
        stamps.append(time.perf_counter())
    t.join()
    assert stamps[-1] - stamps[0] > 0.2, "docking finished too fast to tell"
    assert max(b - a for a, b in zip(stamps, stamps[1:])) < 0.1  # this thread ran while dock() worked


@pytest.mark.gpu
def test_dock_on_cuda(complex_1iep):
    receptor, ligand = complex_1iep
    assert vscreen.available_backends()[0] == "cuda"
    settings = vscreen.DockingSettings(**BOX_1IEP, exhaustiveness=8, search_scale=0.2, seed=11)
    first = vscreen.dock(receptor, [ligand, ligand], settings)  # "auto" picks the GPU
    again = vscreen.dock(receptor, [ligand, ligand], settings, device="cuda:0")
    cpu = vscreen.dock(receptor, [ligand], settings, device="cpu")
    assert first[0].backend.startswith("cuda")
    for a, b in zip(first, again):
        assert len(a.modes) == len(b.modes) >= 1
        np.testing.assert_array_equal(a.modes[0].coords, b.modes[0].coords)
    # Different hardware, same search: the best modes agree to within a kcal/mol on this easy pocket.
    assert first[0].modes[0].affinity == pytest.approx(cpu[0].modes[0].affinity, abs=1.0)
    text = vscreen.write_pdbqt_modes(None, ligand, first[0])
    assert all(len(m) == ligand.num_atoms for m in pdbqt_models(text))


def test_cuda_without_a_gpu_is_refused(complex_1iep):
    receptor, ligand = complex_1iep
    settings = vscreen.DockingSettings(**BOX_1IEP, exhaustiveness=1, search_scale=0.01)
    if vscreen.cuda_device_count() > 0:
        pytest.skip("a CUDA device is present")
    # Built with CUDA: the back-end is known but unavailable; built without: the name is unknown.
    expected = vscreen.DeviceError if vscreen.has_cuda else vscreen.InputError
    with pytest.raises(expected, match="cuda"):
        vscreen.dock(receptor, [ligand], settings, device="cuda")
