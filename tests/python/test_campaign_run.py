# End-to-end campaigns with tiny docking (8 small molecules, exhaustiveness 1, a twentieth of Vina's steps): rows
# and failures, resume after kill -9, shards merged by the report, a Dask LocalCluster, the CLI with a YAML config
# and two targets, and the notebook API. Every comparison is against one uninterrupted run with the same chunks.
import glob
import os
import subprocess
import sys

import duckdb
import numpy as np
import pandas as pd
import pytest

import vscreen
from conftest import BOX_1IEP, kill_when, run_on_local_cluster
from vscreen.campaign import CampaignError, build_report, config_from_dict, plan_campaign, run_campaign

pytestmark = pytest.mark.skipif(not hasattr(vscreen._vscreen, "prepare_ligands"),
                                reason="this build has no ligand preparation (vscreen.prepare_ligands)")

LIBRARY = """smiles id name
CCO eth Ethanol
c1ccccc1O phenol Phenol
CC(=O)Nc1ccc(O)cc1 apap Paracetamol
Cn1cnc2c1c(=O)n(C)c(=O)n2C caf Caffeine
C1CC broken Unclosed ring
OCC eth_again Ethanol (duplicate)
CC(C)Cc1ccc(cc1)C(C)C(=O)O ibu Ibuprofen
c1ccc2ccccc2c1 naph Naphthalene
NCCc1ccc(O)c(O)c1 dopa Dopamine
"""
UNIQUE_IDS = ["eth", "phenol", "apap", "caf", "broken", "ibu", "naph", "dopa"]
CENTER, SIZE = BOX_1IEP["center"], (14.0, 14.0, 14.0)
FAST = {"exhaustiveness": 1, "search_scale": 0.05, "seed": 7, "num_modes": 3}
KEY_COLUMNS = ["position", "id", "status", "stage", "affinity", "inchikey", "smiles", "variant"]


def _config(tmp, data_dir):
    lib = tmp / "library.smi"
    lib.write_text(LIBRARY)
    return config_from_dict({
        "name": "tiny", "chunk_size": 2, "docking": FAST,
        "targets": [{"name": "abl", "receptor": str(data_dir / "1iep_receptor.pdbqt"), "center": list(CENTER),
                     "size": list(SIZE)}],
        "library": {"path": str(lib)}}, str(tmp))


def _rows(out_dir):
    files = os.path.join(str(out_dir), "results", "*", "chunk-*.parquet")
    return duckdb.sql(f"SELECT * FROM read_parquet('{files}') ORDER BY target, position").df()


def _same_rows(a, b):
    assert len(a) == len(b)
    pd.testing.assert_frame_equal(a[KEY_COLUMNS].reset_index(drop=True), b[KEY_COLUMNS].reset_index(drop=True))


@pytest.fixture(scope="module")
def reference(tmp_path_factory, data_dir):
    """One uninterrupted run: (config, campaign directory, its rows, its RunSummary)."""
    tmp = tmp_path_factory.mktemp("reference")
    cfg = _config(tmp, data_dir)
    summary = run_campaign(cfg, str(tmp / "camp"), threads=2)
    return cfg, tmp / "camp", _rows(tmp / "camp"), summary


def test_rows_failures_poses_and_report(reference):
    cfg, out, rows, summary = reference
    assert rows["id"].tolist() == UNIQUE_IDS and rows["position"].tolist() == list(range(8))
    assert (summary.records_read, summary.duplicates, summary.chunks_in_library) == (9, 1, 4)
    broken = rows[rows["id"] == "broken"].iloc[0]
    assert broken["status"] == "failed" and broken["stage"] == "prepare" and broken["error"]
    assert np.isnan(broken["affinity"])
    ok = rows[rows["status"] == "ok"]
    assert len(ok) == 7 and (ok["affinity"] < 0).all() and (ok["backend"].str.startswith("cpu")).all()
    assert (ok["evaluations"] > 0).all() and broken["evaluations"] == 0  # the search cost of each molecule
    terms = ok[[c for c in rows.columns if c.startswith("term_")]].sum(axis=1)
    np.testing.assert_allclose(terms, ok["inter"], atol=0.05)
    assert rows.loc[rows["id"] == "phenol", "inchikey"].item() == "ISWSIDIOOBJBQZ-UHFFFAOYSA-N"
    poses = "".join(open(f).read() for f in sorted(glob.glob(str(out / "poses" / "abl" / "*.sdf"))))
    assert poses.count("$$$$") == 7 and "> <vscreen_id>\nphenol" in poses
    rep = build_report(str(out))
    assert rep.complete and rep.duplicate_rows == 0
    hits = pd.read_csv(rep.csv_paths["abl"])
    assert len(hits) == 7 and hits["rank"].tolist() == list(range(1, 8))
    assert (hits["evaluations"] > 0).all()
    assert hits["affinity"].is_monotonic_increasing
    html = open(rep.html_path).read()
    assert html.count("<svg") >= 8  # the histogram and the 7 hits drawn
    assert "Failures" in html and html.index("Failures") < html.index("Queries (DuckDB)")
    assert "read_parquet" in open(rep.query_path).read()
    assert "broken" in open(os.path.join(os.path.dirname(rep.html_path), "failures.csv")).read()


def _cli(*args):
    return [sys.executable, "-m", "vscreen", "screen", *map(str, args)]


def _reference_cli(cfg, data_dir, *args):
    """`vscreen screen` of the reference campaign (same receptor, library, box and docking), plus `args`."""
    return _cli("--receptor", data_dir / "1iep_receptor.pdbqt", "--library", cfg.library.paths[0],
                "--center", *CENTER, "--size", *SIZE, "--chunk-size", 2, "--exhaustiveness", 1, "--search-scale",
                0.05, "--seed", 7, "--num-modes", 3, "--no-progress", "--no-report", *args)


def test_resume_after_kill_9(reference, tmp_path, data_dir):
    cfg, _, expected, _ = reference
    out = tmp_path / "camp"
    cmd = _reference_cli(cfg, data_dir, "--threads", 1, "--out", out)
    kill_when(cmd, lambda: glob.glob(str(out / "results" / "*" / "chunk-*.parquet")),
              "campaign ended before its first chunk", poll=0.01)
    done_at_kill = len(glob.glob(str(out / "results" / "*" / "chunk-*.parquet")))
    assert 1 <= done_at_kill < 4, "the kill should land in the middle of the campaign"
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert f"{done_at_kill} already done" in again.stdout
    rows = _rows(out)
    assert not rows.duplicated(["target", "position"]).any()
    _same_rows(rows, expected)
    leftovers = [n for _, _, names in os.walk(out) for n in names if n.endswith(".tmp")]
    assert len(leftovers) <= 2  # at most the killed writer's temporary files, never read as results
    assert not glob.glob(str(out / ".vscreen-keys-*"))  # the InChIKey set's file is never left behind


def test_shards_merge_to_the_unsharded_rows(reference, tmp_path, monkeypatch):
    cfg, _, expected, _ = reference
    out = tmp_path / "camp"
    with pytest.raises(CampaignError, match="vscreen plan"):  # a job array's task never plans by itself
        run_campaign(cfg, str(out), shard=(0, 2), threads=2)
    plan_campaign(cfg, str(out), workers=1)

    def no_library(*args, **kwargs):
        raise AssertionError("a shard read the library")
    monkeypatch.setattr("vscreen.campaign.runner.read_library", no_library)
    # Shard 0 reads only its own chunk files (0 and 2): without chunks 1 and 3 it runs just the same.
    aside = tmp_path / "aside"
    aside.mkdir()
    for k in (1, 3):
        os.replace(out / "library" / f"chunk-00000{k}.parquet", aside / f"chunk-00000{k}.parquet")
    first = run_campaign(cfg, str(out), shard=(0, 2), threads=2)
    assert first.chunks_owned == 2 and first.chunks_in_library == 4
    rep_half = build_report(str(out))
    assert not rep_half.complete and rep_half.missing_chunks["abl"] == [1, 3]
    with pytest.raises(CampaignError, match="chunk 1 of the library plan is missing"):
        run_campaign(cfg, str(out), shard=(1, 2), threads=2)
    for k in (1, 3):
        os.replace(aside / f"chunk-00000{k}.parquet", out / "library" / f"chunk-00000{k}.parquet")
    run_campaign(cfg, str(out), shard=(1, 2), threads=2)
    rep = build_report(str(out))
    assert rep.complete
    _same_rows(_rows(out), expected)
    assert len(pd.read_csv(rep.csv_paths["abl"])) == 7


def test_campaign_from_before_the_plan_resumes(reference, tmp_path):
    import shutil
    cfg, finished, expected, _ = reference
    out = tmp_path / "camp"  # a directory as the code before the plan left it: results, no library/
    shutil.copytree(finished, out, ignore=shutil.ignore_patterns("library", "report", "merged"))
    summary = run_campaign(cfg, str(out), threads=1)
    assert (summary.chunks_already_done, summary.chunks_docked, summary.chunks_in_library) == (4, 0, 4)
    _same_rows(_rows(out), expected)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # tornado's make_current, inside distributed
def test_dask_local_cluster_gives_the_same_rows(reference, tmp_path):
    pytest.importorskip("distributed")
    cfg, _, expected, _ = reference
    summary, _ = run_on_local_cluster(cfg, str(tmp_path / "camp"))
    assert summary.chunks_docked == 4
    _same_rows(_rows(tmp_path / "camp"), expected)


def test_cli_yaml_two_targets_and_report(tmp_path, data_dir, run_cli):
    (tmp_path / "lib.csv").write_text("id,name,smiles\np1,Phenol,c1ccccc1O\np2,Paracetamol,CC(=O)Nc1ccc(O)cc1\n")
    (tmp_path / "campaign.yaml").write_text(f"""
name: two
chunk_size: 5
targets:
  - name: abl
    receptor: {data_dir / '1iep_receptor.pdbqt'}
    center: {list(CENTER)}
    size: {list(SIZE)}
  - name: zn
    receptor: {data_dir / '1s63_receptor.pdbqt'}
    autobox_ligand: {data_dir / '1s63_ligand.pdbqt'}
    autobox_padding: 2
library:
  path: lib.csv
docking: {{exhaustiveness: 1, search_scale: 0.05, seed: 3}}
""")
    out = tmp_path / "camp"
    r = run_cli("screen", tmp_path / "campaign.yaml", "--out", out, "--no-progress", "--threads", 2)
    assert r.returncode == 0, r.stderr
    assert "Top hits for abl" in r.stdout and "Top hits for zn" in r.stdout and "report.html" in r.stdout
    rows = _rows(out)
    assert sorted(set(rows["target"])) == ["abl", "zn"] and (rows["status"] == "ok").all() and len(rows) == 4
    r = run_cli("report", out)
    assert r.returncode == 0, r.stderr
    assert "complete: all 1 chunk(s) done" in r.stdout and "Top hits for zn" in r.stdout
    r = run_cli("screen", tmp_path / "campaign.yaml", "--out", out, "--no-progress", "--chunk-size", 1)
    assert r.returncode == 2 and "other settings" in r.stderr and "Traceback" not in r.stderr


def test_notebook_api(data_dir, tmp_path):
    target = vscreen.Target.from_pdbqt(data_dir / "1iep_receptor.pdbqt", (CENTER, SIZE), name="abl")
    df = vscreen.screen(target, ["c1ccccc1O", ("apap", "CC(=O)Nc1ccc(O)cc1", "Paracetamol"), "C1CC"],
                        threads=2, **FAST)
    assert df["id"].tolist()[-1] == "mol2" and df["status"].tolist() == ["ok", "ok", "failed"]
    assert df["affinity"].iloc[0] <= df["affinity"].iloc[1]
    assert vscreen.write_poses(df, str(tmp_path / "poses.sdf")) == 2
    assert (tmp_path / "poses.sdf").read_text().count("$$$$") == 2
    import matplotlib
    matplotlib.use("Agg")
    ax = vscreen.plot_scores(df)
    assert ax.get_xlabel().startswith("affinity")
    with pytest.raises(vscreen.InputError, match="box"):
        vscreen.Target.from_pdbqt(data_dir / "1iep_receptor.pdbqt")
    _check_view_pose(df, target)


def _check_view_pose(df, target):
    """view_pose with a stand-in py3Dmol (the real one is optional): receptor + the top pose as SDF."""
    import types
    calls = []

    class View:
        def __init__(self, **kw):
            calls.append(("view", kw))

        def __getattr__(self, name):
            return lambda *a, **kw: calls.append((name, a))

    real = sys.modules.get("py3Dmol")
    sys.modules["py3Dmol"] = types.SimpleNamespace(view=View)
    try:
        vscreen.view_pose(df.iloc[0], target)
    finally:
        if real is None:
            del sys.modules["py3Dmol"]
        else:
            sys.modules["py3Dmol"] = real
    models = [a for name, a in calls if name == "addModel"]
    assert [m[1] for m in models] == ["pdbqt", "sdf"] and models[1][0].count("$$$$") == 1
    with pytest.raises(vscreen.InputError, match="no pose"):
        vscreen.view_pose(df.iloc[-1], target)


def test_targets_from_pdb_files(data_dir, tmp_path):
    from vscreen.campaign.targets import needs_preparation
    with_h = data_dir / "1iep_receptorH_excerpt.pdb"  # has hydrogens: docked as it is, no preparation
    assert not needs_preparation(str(with_h))
    t = vscreen.Target.from_pdb(with_h, ligand=data_dir / "1iep_ligand.pdbqt", padding=2)
    assert t.receptor_path == str(with_h) and t.receptor.num_atoms > 0
    np.testing.assert_allclose(t.size, vscreen.autobox(data_dir / "1iep_ligand.pdbqt", 2)[1], atol=1e-4)
    raw = tmp_path / "raw.pdb"  # the same residues without hydrogens: receptor_prep's job
    raw.write_text("".join(l for l in with_h.read_text().splitlines(True) if l[76:78].strip() != "H"))
    assert needs_preparation(str(raw)) and needs_preparation("x.cif")


def test_cli_unichem_with_reference_and_sources(tmp_path, data_dir, run_cli):
    import gzip
    (tmp_path / "structure.tsv.gz").write_bytes(gzip.compress((
        "UCI\tSTANDARDINCHI\tSTANDARDINCHIKEY\n"
        "1\tInChI=1S/C6H6O/c7-6-4-2-1-3-5-6/h1-5,7H\tISWSIDIOOBJBQZ-UHFFFAOYSA-N\n"
        "2\tInChI=1S/C8H9NO2/c1-6(10)9-7-2-4-8(11)5-3-7/h2-5,11H,1H3,(H,9,10)\tRZVAJINKPMORJF-UHFFFAOYSA-N\n"
        "3\tInChI=1S/C2H6O/c1-2-3/h3H,2H2,1H3\tLFQSCWFLJHTTHZ-UHFFFAOYSA-N\n").encode()))
    (tmp_path / "reference.tsv.gz").write_bytes(gzip.compress((
        "UCI\tSRC_ID\tSRC_COMPOUND_ID\tASSIGNMENT\n2\t2\tDB00316\t1\n1\t1\tCHEMBL14060\t1\n1\t2\tDB03255\t1\n"
    ).encode()))
    out = tmp_path / "camp"
    r = run_cli("screen", "--receptor", data_dir / "1iep_receptor.pdbqt", "--library", tmp_path / "structure.tsv.gz",
                "--library-option", f"reference={tmp_path / 'reference.tsv.gz'}", "--library-option", "sources=[2]",
                "--center", *CENTER, "--size", *SIZE, "--exhaustiveness", 1, "--search-scale", 0.05,
                "--no-progress", "--out", out)
    assert r.returncode == 0, r.stderr
    rows = _rows(out)
    assert rows["id"].tolist() == ["DB03255", "DB00316"]  # ethanol has no DrugBank ID: not in this library
    assert rows["inchikey"].tolist() == ["ISWSIDIOOBJBQZ-UHFFFAOYSA-N", "RZVAJINKPMORJF-UHFFFAOYSA-N"]
    if getattr(vscreen._vscreen, "has_inchi", False):
        assert (rows["status"] == "ok").all()
    else:  # a build without InChI input: the molecules are results with the reason, not dropped
        assert (rows["stage"] == "prepare").all() and rows["error"].str.contains("InChI").all()


def test_report_resumes_after_kill_9(reference, tmp_path):
    import shutil
    _, finished, _, _ = reference
    expected = build_report(str(finished))
    out = tmp_path / "camp"  # the same finished campaign, not yet reported
    shutil.copytree(finished, out, ignore=shutil.ignore_patterns("report", "merged"))
    kill_when([sys.executable, "-m", "vscreen", "report", out], (out / "merged").exists,
              "the report ended before merging", timeout=120, poll=0.002)
    assert not (out / "report" / "report.html").exists(), "the kill should land in the middle of the report"
    for part in glob.glob(str(out / "merged" / "*" / "part-*.parquet")):  # whole parts or none
        duckdb.sql(f"SELECT count(*) FROM read_parquet('{part}')").fetchone()
    rep = build_report(str(out))
    assert rep.complete and rep.duplicate_rows == 0
    for name in ("hits_abl.csv", "failures.csv"):
        assert (out / "report" / name).read_text() == (finished / "report" / name).read_text()
    pd.testing.assert_frame_equal(rep.counts, expected.counts)
    _same_rows(duckdb.sql(f"SELECT * FROM read_parquet('{out}/merged/*/part-*.parquet') ORDER BY target, position"
                          ).df(), _rows(finished))


FAKE_SBATCH = """#!/bin/bash
# A stand-in for SLURM's sbatch: records the job script and arguments, then runs the script here as the job.
n=$$  # unique per call: the cluster submits its jobs at once
cp "${@: -1}" "$FAKE_SLURM_DIR/job-$n.sh"
echo "$@" > "$FAKE_SLURM_DIR/job-$n.args"
setsid bash "$FAKE_SLURM_DIR/job-$n.sh" > "$FAKE_SLURM_DIR/job-$n.log" 2>&1 < /dev/null &
echo "Submitted batch job $!"
"""
FAKE_SCANCEL = """#!/bin/bash
# A stand-in for SLURM's scancel: records the job ids and ends those jobs (process groups).
echo "$@" >> "$FAKE_SLURM_DIR/scancel.log"
for id in "$@"; do kill -- -"$id" 2>/dev/null; done
exit 0
"""


def test_cluster_slurm_submits_workers_with_sbatch(reference, tmp_path, data_dir):
    pytest.importorskip("dask_jobqueue")
    cfg, _, expected, _ = reference
    bin_dir, record = tmp_path / "bin", tmp_path / "slurm"
    bin_dir.mkdir()
    record.mkdir()
    for name, text in (("sbatch", FAKE_SBATCH), ("scancel", FAKE_SCANCEL)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", FAKE_SLURM_DIR=str(record))
    out = tmp_path / "camp"
    r = subprocess.run(_reference_cli(cfg, data_dir, "--name", "tiny", "--cluster", "slurm", "--cluster-queue", "short",
                                      "--cluster-cores", 1, "--cluster-memory", "2GB", "--cluster-walltime", "00:10:00",
                                      "--cluster-jobs", 2, "--cluster-directive=--gres=gpu:0", "--out", out),
                       capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr + "".join(p.read_text() for p in record.glob("*.log"))
    assert "4 docked" in r.stdout
    _same_rows(_rows(out), expected)
    scripts = sorted(record.glob("job-*.sh"))
    assert len(scripts) == 2
    script = scripts[0].read_text()
    for directive in ("#SBATCH -J vscreen-tiny", "#SBATCH -p short", "#SBATCH --cpus-per-task=1",
                      "#SBATCH --mem=2G", "#SBATCH -t 00:10:00", "#SBATCH --gres=gpu:0"):
        assert directive in script
    assert "distributed.cli.dask_worker" in script and "--nthreads 1" in script
    cancelled = (record / "scancel.log").read_text().split()  # the cluster's jobs end with the campaign
    assert len(cancelled) == 2
