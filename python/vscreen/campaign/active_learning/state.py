"""Where an active-learning run stands: DIR/active_learning/state.json, rewritten atomically after each step."""
from __future__ import annotations

import json
import os
from typing import Any, Dict, List

from ..errors import CampaignError
from ..store import atomic_write_parquet, atomic_write_text

STATE_FILE = "state.json"


class ActiveLearningStore:
    """Files of an active-learning run under DIR/active_learning/:

        state.json                       settings identity, plan fingerprint, per target the finished rounds
        <target>/picks-r003.parquet      position, id, acquisition of round 3's picks (written before docking)
        <target>/docked-r003-b0001.parquet   docking result rows (the campaign's COLUMNS) of batch 1 of round 3
        <target>/docked-r003-b0001.sdf       their top poses
        <target>/docked-r003-b0001.features.npz  their surrogate features (training never re-reads the library)
        <target>/model-r003.txt          the LightGBM members that picked round 3
        <target>/predictions/chunk-N.parquet position, id, predicted_affinity, predicted_spread, model_round,
                                         docked: the latest surrogate's predictions (never docking columns)
    """

    def __init__(self, campaign_dir: str):
        self.root = os.path.join(os.path.abspath(campaign_dir), "active_learning")
        os.makedirs(self.root, exist_ok=True)

    def target_dir(self, target: str) -> str:
        d = os.path.join(self.root, target)
        os.makedirs(os.path.join(d, "predictions"), exist_ok=True)
        return d

    def picks_path(self, target: str, r: int) -> str:
        return os.path.join(self.target_dir(target), f"picks-r{r:03d}.parquet")

    def docked_path(self, target: str, r: int, batch: int) -> str:
        return os.path.join(self.target_dir(target), f"docked-r{r:03d}-b{batch:04d}.parquet")

    def model_path(self, target: str, r: int) -> str:
        return os.path.join(self.target_dir(target), f"model-r{r:03d}.txt")

    def prediction_path(self, target: str, chunk: int) -> str:
        return os.path.join(self.target_dir(target), "predictions", f"chunk-{chunk:06d}.parquet")

    def docked_files(self, target: str) -> List[str]:
        d = self.target_dir(target)
        return sorted(os.path.join(d, f) for f in os.listdir(d) if f.startswith("docked-") and f.endswith(".parquet"))

    def prediction_files(self, target: str) -> List[str]:
        d = os.path.join(self.target_dir(target), "predictions")
        return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".parquet"))

    @property
    def state_path(self) -> str:
        return os.path.join(self.root, STATE_FILE)

    def read_state(self) -> Dict[str, Any]:
        if not os.path.exists(self.state_path):
            return {}
        try:
            with open(self.state_path, encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError) as e:
            raise CampaignError(f"{self.state_path}: unreadable active-learning state ({e})") from None

    def write_state(self, state: Dict[str, Any]) -> None:
        atomic_write_text(self.state_path, json.dumps(state, indent=1, sort_keys=True))

    def open(self, identity: Dict[str, Any], fingerprint: str, targets: List[str]) -> Dict[str, Any]:
        """The state of this run, new or resumed; a run with other settings or another library is refused."""
        state = self.read_state()
        if state:
            if state.get("identity") != identity or state.get("fingerprint") != fingerprint:
                raise CampaignError(f"{self.root}: an active-learning run with other settings or another library "
                                    f"is stored here; use a new campaign directory")
            for t in targets:
                state["targets"].setdefault(t, {"rounds": [], "finished": False})
            return state
        state = {"identity": identity, "fingerprint": fingerprint,
                 "targets": {t: {"rounds": [], "finished": False} for t in targets}}
        self.write_state(state)
        return state

    def write_frame(self, path: str, frame) -> None:
        atomic_write_parquet(path, frame)
