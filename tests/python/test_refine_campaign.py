# The campaign stage of refinement: a config's refine: section refines the top hits into DIR/refine/<target>/.
import math

import pandas as pd
import pytest

pytest.importorskip("openmm")
import vscreen  # noqa: E402
from vscreen.campaign import config_from_dict, run_campaign  # noqa: E402
from vscreen.campaign.errors import CampaignError  # noqa: E402

pytestmark = pytest.mark.skipif(not hasattr(vscreen._vscreen, "prepare_ligands"),
                                reason="this build has no ligand preparation (vscreen.prepare_ligands)")

LIBRARY = "smiles id\nCC(=O)Nc1ccc(O)cc1 apap\nNc1nc(N)c2nc(CN)cnc2n1 pter\nc1ccccc1 benz\n"
FAST = {"exhaustiveness": 1, "search_scale": 0.05, "seed": 7, "num_modes": 3}


def _doc(tmp, data_dir, refine=None):
    lib = tmp / "library.smi"
    lib.write_text(LIBRARY)
    doc = {"name": "dhfr", "chunk_size": 2, "docking": FAST,
           "targets": [{"name": "dhfr", "receptor": str(data_dir / "1s3v_protein.pdb"),
                        "autobox_ligand": str(data_dir / "1s3v_ligand.sdf")}],
           "library": {"path": str(lib)}}
    if refine is not None:
        doc["refine"] = refine
    return doc


def test_refine_section_is_validated_and_not_part_of_the_identity(tmp_path, data_dir):
    plain = config_from_dict(_doc(tmp_path, data_dir), str(tmp_path))
    with_refine = config_from_dict(_doc(tmp_path, data_dir, {"top": 2, "md_ps": 1.0}), str(tmp_path))
    assert with_refine.refine == {"top": 2, "md_ps": 1.0} and plain.refine == {}
    assert plain.identity() == with_refine.identity()  # adding refinement later resumes the same campaign
    with pytest.raises(CampaignError, match="refine.tpo"):
        config_from_dict(_doc(tmp_path, data_dir, {"tpo": 2}), str(tmp_path))
    with pytest.raises(CampaignError, match="refine.top"):
        config_from_dict(_doc(tmp_path, data_dir, {"top": 0}), str(tmp_path))


def test_campaign_refines_its_top_hits(tmp_path, data_dir, capsys):
    cfg = config_from_dict(_doc(tmp_path, data_dir, {"top": 2, "pocket_radius": 6.0, "ligand_strain": False,
                                                     "workers": 1}), str(tmp_path))
    out = tmp_path / "campaign"
    run_campaign(cfg, str(out), threads=2)
    table = pd.read_csv(out / "refine" / "dhfr" / "refine.csv")
    rows = pd.concat([pd.read_parquet(f) for f in (out / "results" / "dhfr").glob("chunk-*.parquet")])
    best = rows[rows["status"] == "ok"].sort_values(["affinity", "position"]).head(2)
    assert sorted(table["id"]) == sorted(best["id"])  # the two best-docked molecules, nothing else
    assert list(table["refine_status"]) == ["ok", "ok"], table["refine_error"].tolist()
    assert all(math.isfinite(v) and v < 0 for v in table["refine_dg_mmgbsa"])
    assert table["refine_dg_mmgbsa"].is_monotonic_increasing
    from rdkit import Chem
    refined = [m for m in Chem.SDMolSupplier(str(out / "refine" / "dhfr" / "refined.sdf"), removeHs=False)]
    assert len(refined) == 2 and all(m.HasProp("vscreen_refine_dg_mmgbsa") for m in refined)
    # the same stage from the command line (in this process), one hit
    from vscreen.cli import main
    capsys.readouterr()
    assert main(["refine", "--campaign", str(out), "--top", "1", "--pocket-radius", "6", "--workers", "1"]) == 0
    assert "dhfr: 1 of 1 hit(s) refined" in capsys.readouterr().out
    assert len(pd.read_csv(out / "refine" / "dhfr" / "refine.csv")) == 1
