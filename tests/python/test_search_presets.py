# Search presets (fast, balanced, detail) in DockingSettings, `vscreen dock --search` and campaign configs.
import re

import pytest

import vscreen
from conftest import BOX_1IEP
from vscreen.campaign import CampaignError
from vscreen.campaign.config import config_from_dict, search_effort_of
from vscreen.search import DEFAULT_SEARCH, SEARCH_PRESETS


@pytest.mark.parametrize("preset", SEARCH_PRESETS)
def test_settings_take_the_presets_effort_and_overrides_win(preset):
    effort = vscreen.search_effort(preset)
    s = vscreen.DockingSettings(search=preset)
    assert (s.exhaustiveness, s.search_scale, s.stall_fraction) == pytest.approx(
        (effort["exhaustiveness"], effort["search_scale"], effort["stall_fraction"]))
    s = vscreen.DockingSettings(search=preset, exhaustiveness=3, search_scale=0.5)
    assert (s.exhaustiveness, s.search_scale) == (3, 0.5)


def test_default_settings_are_the_default_preset():
    s, effort = vscreen.DockingSettings(), vscreen.search_effort(DEFAULT_SEARCH)
    assert (s.exhaustiveness, s.search_scale) == pytest.approx((effort["exhaustiveness"], effort["search_scale"]))


def test_unknown_preset_is_an_input_error():
    with pytest.raises(vscreen.InputError, match="fast, balanced or detail"):
        vscreen.DockingSettings(search="turbo")


def _evaluations(text):
    return int(re.search(r"REMARK VSCREEN SEARCH EVALUATIONS:\s*(\d+)", text).group(1))


def test_cli_presets_differ_in_cost(run_cli, data_dir, tmp_path):
    """One chain each (an expert override): the fast preset's chain makes fewer evaluations than balanced's."""
    costs = {}
    for preset in ("fast", "balanced"):
        out = tmp_path / f"{preset}.pdbqt"
        r = run_cli("dock", "--receptor", data_dir / "1iep_receptor.pdbqt", "--ligand", data_dir / "1iep_ligand.pdbqt",
                    "--center", *BOX_1IEP["center"], "--size", *BOX_1IEP["size"], "--search", preset,
                    "--exhaustiveness", "1", "--seed", "4", "--out", out)
        assert r.returncode == 0, r.stderr
        assert f"search: {preset}  exhaustiveness: 1" in r.stdout
        costs[preset] = _evaluations(out.read_text())
    ratio = vscreen.search_effort("fast")["search_scale"] / vscreen.search_effort("balanced")["search_scale"]
    assert costs["fast"] < costs["balanced"]
    assert costs["fast"] / costs["balanced"] == pytest.approx(ratio, rel=0.5)


def test_campaign_config_search(tmp_path, data_dir):
    base = {"name": "p", "targets": [{"name": "abl", "receptor": str(data_dir / "1iep_receptor.pdbqt"),
                                      **{k: list(v) for k, v in BOX_1IEP.items()}}],
            "library": {"path": str(data_dir / "1iep_ligand.sdf")}}
    cfg = config_from_dict(dict(base, docking={"search": "fast", "exhaustiveness": 2}), str(tmp_path))
    effort = search_effort_of(cfg.docking)
    assert effort["exhaustiveness"] == 2
    assert effort["search_scale"] == pytest.approx(vscreen.search_effort("fast")["search_scale"])
    assert config_from_dict(base, str(tmp_path)).docking["search"] == DEFAULT_SEARCH
    with pytest.raises(CampaignError, match="docking.search"):
        config_from_dict(dict(base, docking={"search": "turbo"}), str(tmp_path))
