# The plan step: the planned chunks are the chunks of the old stream (reader -> de-duplication -> chunker) over
# several files with duplicates across files and batches, malformed rows and records without a key; chunk files
# carry their plan; a plan killed with SIGKILL, or failing half-way, resumes into the same chunks. No docking.
import json
import os
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from vscreen.campaign import (CampaignError, KeySet, LibrarySpec, PlannedLibrary, build_plan, deduplicate,
                              iter_chunks, library_records)
from vscreen.campaign.planned import read_chunk
from conftest import kill_when

SMILES = """smiles id name
CCO eth Ethanol
c1ccccc1O phenol Phenol
C1CC broken Unclosed ring
OCC eth_again Ethanol, written backwards
CC(=O)Nc1ccc(O)cc1 apap Paracetamol
C1CC broken_again The same unparseable text: no key, never merged
c1ccc2ccccc2c1 naph Naphthalene
"""
CSV = """id,name,smiles
p1,Phenol again,Oc1ccccc1
bad,Too many cells,CC,extra
c1,Caffeine,Cn1cnc2c1c(=O)n(C)c(=O)n2C
e1,,
n2,Naphthalene again,c1ccc2ccccc2c1
i1,Ibuprofen,CC(C)Cc1ccc(cc1)C(C)C(=O)O
"""


def _library(tmp_path):
    (tmp_path / "a.smi").write_text(SMILES)
    (tmp_path / "b.csv").write_text(CSV)
    return LibrarySpec([str(tmp_path / "a.smi"), str(tmp_path / "b.csv")])


def _stream_chunks(library, size, tmp_path):
    """The chunks as every shard computed them before the plan."""
    with KeySet(str(tmp_path)) as keys:
        chunks = iter_chunks(deduplicate(library_records(library), keys), size)
        return [[(c.start + j, r.id, r.name, r.text, r.format, r.source, r.inchikey, r.error)
                 for j, r in enumerate(c.records)] for c in chunks]


def _planned_chunks(plan):
    out = []
    for k in range(plan.chunks):
        out.append([(k * plan.chunk_size + j, r.id, r.name, r.text, r.format, r.source, r.inchikey, r.error)
                    for j, r in enumerate(plan.records(k))])
    return out


@pytest.mark.parametrize("workers, batch_size", [(1, 100_000), (2, 3)])
def test_plan_gives_the_chunks_of_the_stream(tmp_path, workers, batch_size):
    library = _library(tmp_path)
    plan = build_plan(library, 3, str(tmp_path / "lib"), workers=workers, batch_size=batch_size)
    expected = _stream_chunks(library, 3, tmp_path)
    assert _planned_chunks(plan) == expected
    ids = [row[1] for chunk in expected for row in chunk]
    assert ids == ["eth", "phenol", "broken", "apap", "broken_again", "naph", "bad", "c1", "e1", "i1"]
    p = plan.plan
    assert (p["records_read"], p["duplicates"], p["unique"], p["chunks"]) == (13, 3, 10, 4)
    assert (p["reader_errors"], p["without_key"]) == (2, 2)  # bad + e1; broken + broken_again
    assert not os.path.exists(tmp_path / "lib" / ".work")  # staging is gone once plan.json is written
    index = pq.read_table(tmp_path / "lib" / "index.parquet").to_pydict()
    assert index["chunk"] == [0, 1, 2, 3] and index["start"] == [0, 3, 6, 9] and index["rows"] == [3, 3, 3, 1]
    assert len(set(index["sha256"])) == 4 and plan.verify() == []
    with open(plan.path(2), "ab") as f:  # a changed chunk file is found by its checksum
        f.write(b"\0")
    assert plan.verify() == [2]
    os.unlink(plan.path(2))
    assert plan.verify() == [2]
    plan = build_plan(library, 3, str(tmp_path / "lib2"), workers=workers, batch_size=batch_size)
    assert [plan.rows(k) for k in range(4)] == [3, 3, 3, 1]
    # An unchanged library keeps its finished plan; a chunk file from another plan is refused.
    assert build_plan(library, 3, str(tmp_path / "lib2")).plan["created"] == plan.plan["created"]
    other = build_plan(library, 2, str(tmp_path / "other"), workers=1)
    with pytest.raises(CampaignError, match="does not belong to the library plan"):
        read_chunk(other.path(0), 0, 0, plan.fingerprint)
    with pytest.raises(CampaignError, match="another library or chunk size"):
        build_plan(library, 2, str(tmp_path / "lib2"))


def test_unichem_keys_are_taken_from_the_dump(tmp_path):
    import gzip
    (tmp_path / "structure.tsv.gz").write_bytes(gzip.compress((
        "UCI\tSTANDARDINCHI\tSTANDARDINCHIKEY\n"
        "1\tInChI=1S/C6H6O/c7-6-4-2-1-3-5-6/h1-5,7H\tISWSIDIOOBJBQZ-UHFFFAOYSA-N\n"
        "2\tnot an InChI\tXXX\n"
        "3\tInChI=1S/C6H6O/c7-6-4-2-1-3-5-6/h1-5,7H\tISWSIDIOOBJBQZ-UHFFFAOYSA-N\n"
        "4\tInChI=1S/C2H6O/c1-2-3/h3H,2H2,1H3\tLFQSCWFLJHTTHZ-UHFFFAOYSA-N\n").encode()))
    library = LibrarySpec([str(tmp_path / "structure.tsv.gz")])
    plan = build_plan(library, 10, str(tmp_path / "lib"), workers=1)
    records = plan.records(0)
    assert [r.id for r in records] == ["UCI1", "UCI2", "UCI4"] and records[1].error
    assert records[2].inchikey == "LFQSCWFLJHTTHZ-UHFFFAOYSA-N"
    assert _planned_chunks(plan) == _stream_chunks(library, 10, tmp_path)


def test_one_plan_at_a_time(tmp_path):
    import fcntl
    library = _library(tmp_path)
    os.makedirs(tmp_path / "lib")
    with open(tmp_path / "lib" / ".plan.lock", "a") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        with pytest.raises(CampaignError, match="another vscreen plan"):
            build_plan(library, 3, str(tmp_path / "lib"), workers=1)
    assert build_plan(library, 3, str(tmp_path / "lib"), workers=1).chunks == 4


def test_failed_plan_leaves_no_plan_and_reruns_to_the_same_chunks(tmp_path, monkeypatch):
    library = _library(tmp_path)
    expected = _stream_chunks(library, 2, tmp_path)
    import vscreen.campaign.plan as plan_module
    real = plan_module._renamed_into_place
    written = []

    def fail_at_third_chunk(path, write):
        if os.path.basename(path).startswith("chunk-"):
            written.append(path)
            if len(written) == 3:
                raise OSError("disk full (simulated)")
        real(path, write)
    monkeypatch.setattr(plan_module, "_renamed_into_place", fail_at_third_chunk)
    with pytest.raises(OSError, match="simulated"):
        build_plan(library, 2, str(tmp_path / "lib"), workers=1, batch_size=4)
    assert not PlannedLibrary.exists(str(tmp_path / "lib"))
    with pytest.raises(CampaignError, match="no finished library plan"):
        PlannedLibrary.open(str(tmp_path / "lib"))
    monkeypatch.setattr(plan_module, "_renamed_into_place", real)
    plan = build_plan(library, 2, str(tmp_path / "lib"), workers=1, batch_size=4)
    assert _planned_chunks(plan) == expected


def test_plan_resumes_after_kill_9(tmp_path, data_dir):
    groups = [c + e for c in ("", "C", "CC", "CCC", "C(C)", "OC") for e in ("C", "O", "N", "F", "Cl", "C#N", "OC")]
    lines = ["smiles id"] + [f"c1cc({groups[i % 42]})c({groups[i // 42 % 42]})cc1{groups[i // 1764]} m{i}"
                             for i in range(3000)]
    (tmp_path / "lib.smi").write_text("\n".join(lines) + "\n")
    cmd = [sys.executable, "-m", "vscreen", "plan", "--receptor", str(data_dir / "1iep_receptor.pdbqt"),
           "--library", str(tmp_path / "lib.smi"), "--center", "0", "0", "0", "--size", "20", "20", "20",
           "--chunk-size", "7", "--workers", "1", "--batch-size", "50"]
    reference = subprocess.run(cmd + ["--out", str(tmp_path / "ref")], capture_output=True, text=True, timeout=300)
    assert reference.returncode == 0, reference.stderr
    out = tmp_path / "camp"
    work = out / "library" / ".work"
    kill_when(cmd + ["--out", str(out)], (work / "stage-000002.parquet").exists,
              "the plan ended before its third batch")
    assert not PlannedLibrary.exists(str(out / "library")), "the kill should land before the plan is finished"
    again = subprocess.run(cmd + ["--out", str(out)], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "resuming after" in again.stdout
    ref, got = PlannedLibrary.open(str(tmp_path / "ref" / "library")), PlannedLibrary.open(str(out / "library"))
    assert got.fingerprint == ref.fingerprint and got.chunks == ref.chunks > 100
    assert _planned_chunks(got) == _planned_chunks(ref)
    done = json.loads((out / "library" / "plan.json").read_text())
    assert done["records_read"] == 3000 and done["unique"] == json.loads(
        (tmp_path / "ref" / "library" / "plan.json").read_text())["unique"] > 1500
    assert not work.exists()
    verified = subprocess.run(cmd + ["--out", str(out), "--verify"], capture_output=True, text=True, timeout=300)
    assert verified.returncode == 0 and f"checksums of {got.chunks} chunk file(s)" in verified.stdout
