"""The active-learning loop of a campaign: dock a seeded sample, fit one surrogate per target, predict every
undocked molecule chunk by chunk, dock the best predicted batch, repeat; resumable at the round it was in."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import numpy as np

from ... import __version__
from ..chunk_job import ChunkJob, rows_frame, run_chunk_job
from ..config import CampaignConfig, TargetSpec
from ..errors import CampaignError
from ..planned import PlannedLibrary
from ..prepare import preparation_options
from ..records import MoleculeRecord
from ..store import CampaignStore, atomic_write_text
from .features import featurize
from .picks import TopK, random_sample
from .quality import holdout_quality
from .settings import ActiveLearningSettings
from .state import ActiveLearningStore
from .surrogate import Surrogate, acquisition, fit_surrogate


@dataclass
class ActiveLearningSummary:
    """What a run did per target: rounds finished, molecules docked (all rounds), whether the target is done."""
    out_dir: str
    library: int = 0
    targets: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    seconds: float = 0.0


def records_at(plan: PlannedLibrary, positions: np.ndarray) -> Iterator[Tuple[int, MoleculeRecord]]:
    """(position, record) for sorted positions, reading each planned chunk that holds one once."""
    size = plan.chunk_size
    positions = np.sort(np.asarray(positions, dtype=np.int64))
    for chunk in np.unique(positions // size).tolist():
        records = plan.records(chunk)
        for p in positions[(positions // size) == chunk].tolist():
            yield p, records[p - chunk * size]


def _docked(al: ActiveLearningStore, target: str) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(positions, affinities (NaN where docking failed), features) of every docked molecule of the target."""
    import pandas as pd
    frames, feats = [], []
    for path in al.docked_files(target):
        frames.append(pd.read_parquet(path, columns=["position", "status", "affinity"]))
        with np.load(path[:-len(".parquet")] + ".features.npz") as z:
            feats.append(z["X"])
    if not frames:
        return np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros((0, 0), dtype=np.float32)
    df = pd.concat(frames, ignore_index=True)
    y = df["affinity"].where(df["status"] == "ok", np.nan).to_numpy(float)
    return df["position"].to_numpy(np.int64), y, np.concatenate(feats)


def _top_set(positions: np.ndarray, y: np.ndarray, k: int) -> List[int]:
    ok = np.isfinite(y)
    order = np.lexsort((positions[ok], y[ok]))[:k]
    return sorted(positions[ok][order].tolist())


def _fit(X, y, s: ActiveLearningSettings, seed: int) -> Optional[Surrogate]:
    ok = np.isfinite(y)
    return fit_surrogate(X[ok], y[ok], s.surrogate, seed, s.threads)


def _predict_pass(plan: PlannedLibrary, model: Surrogate, docked: np.ndarray, s: ActiveLearningSettings,
                  al: ActiveLearningStore, target: str, model_round: int, k: int) -> Tuple[np.ndarray, np.ndarray]:
    """Predicts every planned chunk (one in memory at a time), writes the predictions files, and returns the k
    undocked molecules with the best acquisition values (positions, values)."""
    import pandas as pd
    top = TopK(k)
    docked = np.sort(docked)
    for chunk in range(plan.chunks):
        records = plan.records(chunk)
        positions = chunk * plan.chunk_size + np.arange(len(records), dtype=np.int64)
        X, ok = featurize([(r.text, r.format) if not r.error else ("", "") for r in records], s.features)
        mean = np.full(len(records), np.nan)
        spread = np.full(len(records), np.nan)
        if ok.any():
            mean[ok], spread[ok] = model.predict(X[ok])
        is_docked = np.isin(positions, docked)
        al.write_frame(al.prediction_path(target, chunk), pd.DataFrame({
            "position": positions, "id": [r.id for r in records], "predicted_affinity": mean,
            "predicted_spread": spread, "model_round": np.full(len(records), model_round, dtype=np.int64),
            "docked": is_docked}))
        candidates = ok & ~is_docked
        if k > 0 and candidates.any():
            score = acquisition(mean[candidates], spread[candidates], s.acquisition, s.beta)
            top.add(score, positions[candidates])
    return top.result()


def _dock_batch(plan: PlannedLibrary, config: CampaignConfig, target: TargetSpec, positions: np.ndarray,
                s: ActiveLearningSettings, al: ActiveLearningStore, path: str, device: str, threads: int) -> None:
    """Docks one batch of picks into one target; writes its features, poses and (last) its rows (failed
    molecules are rows with their reason, as in every campaign)."""
    pairs = list(records_at(plan, positions))
    records = [r for _, r in pairs]
    true_pos = np.array([p for p, _ in pairs], dtype=np.int64)
    out = run_chunk_job(ChunkJob(-1, 0, records, [target], config.docking, config.preparation,
                                 config.poses_per_molecule, device, threads))
    rows = out.rows[target.name]
    for i, row in enumerate(rows):  # the job numbered the batch 0..n-1: back to library positions and chunks
        row["position"] = int(true_pos[i])
        row["chunk"] = int(true_pos[i] // plan.chunk_size)
    X, _ = featurize([(r.text, r.format) if not r.error else ("", "") for r in records], s.features)
    stem = path[:-len(".parquet")]
    with open(stem + ".features.npz.tmp", "wb") as f:
        np.savez_compressed(f, X=X, positions=true_pos)
    os.replace(stem + ".features.npz.tmp", stem + ".features.npz")
    atomic_write_text(stem + ".sdf", "".join(text for _, text in out.poses[target.name]))
    al.write_frame(path, rows_frame(rows))  # last: its presence marks the batch done


def _run_target(plan: PlannedLibrary, config: CampaignConfig, target: TargetSpec, s: ActiveLearningSettings,
                al: ActiveLearningStore, state: Dict[str, Any], device: str, threads: int,
                log: Callable[[str], None]) -> None:
    import pandas as pd
    n = int(plan.plan["unique"])
    tstate = state["targets"][target.name]
    budget = s.count(s.max_docked, n)
    while not tstate["finished"]:
        r = len(tstate["rounds"])
        t0 = time.perf_counter()
        positions, y, X = _docked(al, target.name)
        record: Dict[str, Any] = {"round": r}
        picks_path = al.picks_path(target.name, r)
        if os.path.exists(picks_path):
            picks = pd.read_parquet(picks_path)["position"].to_numpy(np.int64)
            record.update(tstate.get("pending_quality", {}))
        elif r == 0:
            picks = random_sample(n, min(s.count(s.initial, n), budget), s.seed)
            al.write_frame(picks_path, pd.DataFrame({"position": picks, "acquisition": np.nan}))
        else:
            model = _fit(X, y, s, s.seed + r)
            if model is None:
                raise CampaignError(f"{target.name}: fewer than 8 docked molecules to learn from after round "
                                    f"{r - 1}; raise active_learning.initial")
            ok = np.isfinite(y)
            record.update(holdout_quality(X[ok], y[ok], lambda a, b: fit_surrogate(a, b, s.surrogate, s.seed + r,
                                                                                    s.threads), s.seed + r,
                                          s.holdout))
            model.save(al.model_path(target.name, r))
            k = min(s.count(s.batch, n), budget - len(positions))
            picks, values = _predict_pass(plan, model, positions, s, al, target.name, r, k)
            tstate["pending_quality"] = {key: record[key] for key in ("held_back", "spearman", "top1_recall")}
            al.write_state(state)  # before the picks file, whose presence means "this round's picks are final"
            al.write_frame(picks_path, pd.DataFrame({"position": picks, "acquisition": values}))
        log(f"{target.name}: round {r}: docking {len(picks)} molecule(s)")
        size = max(1, config.chunk_size)
        for b, start in enumerate(range(0, len(picks), size)):
            path = al.docked_path(target.name, r, b)
            if not os.path.exists(path):
                _dock_batch(plan, config, target, picks[start:start + size], s, al, path, device, threads)
        new_positions, new_y, new_X = _docked(al, target.name)
        record.update(picked=int(len(picks)), docked=int(len(new_positions)), docked_ok=int(np.isfinite(new_y).sum()),
                      seconds=round(time.perf_counter() - t0, 2))
        earlier = ~np.isin(positions, picks)  # a resumed round may have docked some picks before
        before = _top_set(positions[earlier], y[earlier], s.stop_top_k) if s.stop_top_k else []
        after = _top_set(new_positions, new_y, s.stop_top_k) if s.stop_top_k else []
        record["top_k_unchanged"] = bool(s.stop_top_k and r > 0 and before == after)
        tstate["rounds"].append(record)
        tstate.pop("pending_quality", None)
        done = (len(tstate["rounds"]) >= s.rounds or len(new_positions) >= budget or record["top_k_unchanged"]
                or len(picks) == 0)
        if done:
            # The predictions table from a model of every docked molecule (kept apart from the docking rows).
            final = _fit(new_X, new_y, s, s.seed + len(tstate["rounds"]))
            if final is not None:
                _predict_pass(plan, final, new_positions, s, al, target.name, len(tstate["rounds"]), 0)
            tstate["finished"] = True
        al.write_state(state)
        log(f"{target.name}: round {r} done: {record['docked']} docked of {n}"
            + (f", held-back Spearman {record['spearman']:.2f}" if record.get("spearman") is not None else ""))


def run_active_learning(config: CampaignConfig, out_dir: str, settings: Optional[ActiveLearningSettings] = None, *,
                        device: str = "auto", threads: int = 0, log: Optional[Callable[[str], None]] = None,
                        report: bool = True) -> ActiveLearningSummary:
    """Runs (or resumes) a surrogate-guided campaign into ``out_dir``: the library is planned as for
    run_campaign; docking rows go to DIR/active_learning/<target>/docked-*.parquet (the campaign's result
    columns), the surrogates' predictions to DIR/active_learning/<target>/predictions/ (their own columns), and
    the report to DIR/active_learning/report.md. settings: default config.active_learning."""
    from ..runner import _prepared_targets, open_plan
    from .settings import active_learning_settings
    s = settings or active_learning_settings(config.active_learning)
    log = log or (lambda msg: None)
    preparation_options(config.preparation)
    store = CampaignStore(out_dir)
    store.open(config.identity(), __version__)
    t0 = time.perf_counter()
    plan = open_plan(config, store, plan_if_missing=True, workers=threads, log=log)
    targets = _prepared_targets(config, store)
    al = ActiveLearningStore(store.root)
    state = al.open(s.identity(), plan.fingerprint, [t.name for t in targets])
    summary = ActiveLearningSummary(store.root, int(plan.plan["unique"]))
    for target in targets:
        _run_target(plan, config, target, s, al, state, device, threads, log)
        t = state["targets"][target.name]
        summary.targets[target.name] = {"rounds": len(t["rounds"]), "docked": t["rounds"][-1]["docked"],
                                        "finished": t["finished"]}
    summary.seconds = time.perf_counter() - t0
    if report:
        from .report import write_report
        write_report(store.root, s)
    return summary
