# Executes examples/screening.ipynb (nbclient, a kernel on this Python) with a tiny search, as a reader would.
import json
import sys
from pathlib import Path

import pytest

import vscreen

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "screening.ipynb"
FAST_PARAMETERS = "EXHAUSTIVENESS = 1\nSEARCH_SCALE = 0.05"


@pytest.mark.skipif(not hasattr(vscreen._vscreen, "prepare_ligands"),
                    reason="this build has no ligand preparation (vscreen.prepare_ligands)")
def test_example_notebook_runs(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    # A kernel spec for the Python running the tests (the venv), found through JUPYTER_PATH.
    spec = tmp_path / "jupyter" / "kernels" / "vscreen-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "vscreen tests", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    params = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1
    params[0].source = FAST_PARAMETERS
    work = tmp_path / "run"
    work.mkdir()
    client = nbclient.NotebookClient(nb, kernel_name="vscreen-test", timeout=300,
                                     resources={"metadata": {"path": str(work)}})
    client.execute()
    text = "\n".join(str(o.get("data", {}).get("text/plain", "")) + str(o.get("text", ""))
                     for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "Paracetamol" in text and "failed" in text
    assert "3 molecules written to poses.sdf" in text
    assert (work / "poses.sdf").read_text().count("$$$$") == 3
