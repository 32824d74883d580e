# Chunking and sharding determinism, shard indices from job-array variables, config files (YAML/TOML) and the
# campaign directory (manifest checks, atomic chunk files). No docking here.
import json
import os

import pandas as pd
import pytest

from vscreen.campaign import (CampaignError, CampaignStore, KeySet, config_from_dict, deduplicate, iter_chunks,
                              load_config, parse_shard, read_smiles, shard_chunks)
from vscreen.campaign.store import atomic_write_text


def _library(tmp_path, n=23):
    path = tmp_path / "lib.smi"
    # n distinct alkanols plus two duplicates spelled differently
    lines = [f"{'C' * (i + 1)}O m{i}" for i in range(n)] + ["OC dup0", "OCC dup1"]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def _chunk_ids(path, size, tmp_path):
    with KeySet(str(tmp_path)) as keys:
        return [(c.index, c.start, [r.id for r in c.records])
                for c in iter_chunks(deduplicate(read_smiles(path), keys), size)]


def test_chunks_are_deterministic_and_cover_the_deduplicated_stream(tmp_path):
    path = _library(tmp_path)
    first = _chunk_ids(path, 5, tmp_path)
    assert first == _chunk_ids(path, 5, tmp_path)
    assert [len(ids) for _, _, ids in first] == [5, 5, 5, 5, 3]
    assert [start for _, start, _ in first] == [0, 5, 10, 15, 20]
    flat = [i for _, _, ids in first for i in ids]
    assert flat == [f"m{i}" for i in range(23)]  # duplicates dropped, order kept


def test_shards_partition_the_chunks(tmp_path):
    path = _library(tmp_path)
    with KeySet(str(tmp_path)) as keys:
        chunks = list(iter_chunks(deduplicate(read_smiles(path), keys), 3))
    owned = [[c.index for c in shard_chunks(chunks, i, 3)] for i in range(3)]
    assert owned == [[0, 3, 6], [1, 4, 7], [2, 5]]
    assert sorted(k for o in owned for k in o) == list(range(len(chunks)))


def test_parse_shard_and_job_arrays():
    assert parse_shard(None) == (0, 1)
    assert parse_shard("2/4") == (2, 4)
    assert parse_shard("4", {"SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "4"}) == (3, 4)
    assert parse_shard("3", {"SGE_TASK_ID": "1", "SGE_TASK_FIRST": "1"}) == (0, 3)
    assert parse_shard("3", {"LSB_JOBINDEX": "3"}) == (2, 3)
    assert parse_shard("2", {"PBS_ARRAY_INDEX": "1"}) == (1, 2)
    with pytest.raises(CampaignError, match="not in 0..1"):
        parse_shard("2/2")
    with pytest.raises(CampaignError, match="none is set"):
        parse_shard("4", {})
    with pytest.raises(CampaignError, match="expected I/N"):
        parse_shard("a/b")


YAML = """
name: two-targets
targets:
  - name: abl
    receptor: rec.pdbqt
    center: [1, 2, 3]
    size: [10, 10, 10]
  - receptor: other_receptor.pdbqt
    center: [0, 0, 0]
    size: [12, 12, 12]
library:
  path: lib.smi
docking: {exhaustiveness: 2, seed: 7}
chunk_size: 50
"""

TOML = """
name = "two-targets"
chunk_size = 50
[[targets]]
name = "abl"
receptor = "rec.pdbqt"
center = [1, 2, 3]
size = [10, 10, 10]
[[targets]]
receptor = "other_receptor.pdbqt"
center = [0, 0, 0]
size = [12, 12, 12]
[library]
path = "lib.smi"
[docking]
exhaustiveness = 2
seed = 7
"""


def test_yaml_and_toml_configs_agree(tmp_path):
    (tmp_path / "a.yaml").write_text(YAML)
    (tmp_path / "a.toml").write_text(TOML)
    y, t = load_config(str(tmp_path / "a.yaml")), load_config(str(tmp_path / "a.toml"))
    assert y == t
    assert [x.name for x in y.targets] == ["abl", "other_receptor"]
    assert y.targets[0].receptor == str(tmp_path / "rec.pdbqt")
    assert y.library.paths == [str(tmp_path / "lib.smi")]
    assert y.docking["exhaustiveness"] == 2 and y.docking["num_modes"] == 9 and y.chunk_size == 50


@pytest.mark.parametrize("doc, message", [
    ({"targets": [], "library": "x.smi"}, "non-empty list of targets"),
    ({"targets": [{"receptor": "r.pdbqt"}], "library": "x.smi"}, "needs center and size"),
    ({"targets": [{"receptor": "r.pdbqt", "center": [0, 0], "size": [1, 1, 1]}], "library": "x.smi"}, "three"),
    ({"targets": [{"receptor": "r.pdbqt", "center": [0, 0, 0], "size": [1, 1, 1]}], "library": "x.smi",
      "docking": {"exhaustivenes": 3}}, "unknown setting"),
    ({"targets": [{"receptor": "r.pdbqt", "center": [0, 0, 0], "size": [1, 1, 1]}], "libary": "x.smi"},
     "unknown config key"),
])
def test_config_errors(doc, message):
    with pytest.raises(CampaignError, match=message):
        config_from_dict(doc, "/tmp")


def _identity(tmp_path, chunk_size=10):
    (tmp_path / "lib.smi").write_text("CCO\n")
    return config_from_dict({"targets": [{"name": "t", "receptor": "r.pdbqt", "center": [0, 0, 0],
                                          "size": [8, 8, 8]}], "library": "lib.smi", "chunk_size": chunk_size},
                            str(tmp_path)).identity()


def test_manifest_resumes_same_campaign_and_refuses_another(tmp_path):
    store = CampaignStore(str(tmp_path / "camp"))
    store.open(_identity(tmp_path), "test")
    store.open(_identity(tmp_path), "test")  # same identity: resume
    with pytest.raises(CampaignError, match="differs in: chunk_size"):
        store.open(_identity(tmp_path, chunk_size=20), "test")
    manifest = json.loads((tmp_path / "camp" / "manifest.json").read_text())
    assert manifest["identity"]["chunk_size"] == 10


def test_chunk_files_are_atomic_and_mark_done(tmp_path):
    store = CampaignStore(str(tmp_path / "camp"))
    store.open(_identity(tmp_path), "test")
    assert not store.is_done("t", 0)
    store.write_chunk("t", 0, pd.DataFrame({"id": ["a"], "affinity": [-5.0]}), "")
    assert store.is_done("t", 0) and store.done_chunks("t") == {0}
    leftovers = [n for root, _, names in os.walk(store.root) for n in names if n.endswith(".tmp")]
    assert leftovers == []
    # A temporary file left by a killed writer is a hidden name: never a finished chunk.
    (tmp_path / "camp" / "results" / "t" / ".chunk-000001.parquet.123.abc.tmp").write_bytes(b"partial")
    assert store.done_chunks("t") == {0} and len(store.result_files()) == 1
    atomic_write_text(str(tmp_path / "x.txt"), "whole")
    assert (tmp_path / "x.txt").read_text() == "whole"
