"""The report of an active-learning run: per target the rounds (docked count, held-back surrogate quality,
enrichment of known actives), the docked hits and, apart from them, the best predicted undocked molecules."""
from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Optional, Set

from .quality import enrichment
from .settings import ActiveLearningSettings
from .state import ActiveLearningStore

#: The columns of predicted_<target>.csv (no docking column: a prediction is never a docking score).
PREDICTION_COLUMNS = ("position", "id", "predicted_affinity", "predicted_spread", "model_round")


def _actives(path: Optional[str]) -> Set[str]:
    if not path:
        return set()
    with open(path, encoding="utf-8") as f:
        return {line.split()[0] for line in f if line.strip()}


def _fmt(v: Any, spec: str = ".2f") -> str:
    return "-" if v is None else format(v, spec)


def write_report(campaign_dir: str, settings: ActiveLearningSettings, top: int = 1000) -> Dict[str, Any]:
    """Writes DIR/active_learning/report.json, report.md, hits_<target>.csv (docked rows, best first) and
    predicted_<target>.csv (the best predicted molecules never docked); returns the JSON document."""
    import numpy as np
    import pandas as pd
    al = ActiveLearningStore(campaign_dir)
    state = al.read_state()
    actives = _actives(settings.actives)
    doc: Dict[str, Any] = {"settings": settings.identity(), "targets": {}}
    lines: List[str] = ["# Active-learning campaign", ""]
    for target, t in state.get("targets", {}).items():
        files = al.docked_files(target)
        docked = pd.concat([pd.read_parquet(p) for p in files], ignore_index=True) if files else pd.DataFrame()
        library_ids = []
        for p in al.prediction_files(target):
            library_ids.extend(pd.read_parquet(p, columns=["id"])["id"].tolist())
        n_lib = len(library_ids)
        lib_actives = sum(1 for i in library_ids if i in actives)
        rounds = []
        order = {}
        for p in files:  # docked-rNNN-...: the round of each docked molecule
            r = int(os.path.basename(p)[len("docked-r"):len("docked-r") + 3])
            for pos in pd.read_parquet(p, columns=["position"])["position"].tolist():
                order[pos] = r
        for rec in t["rounds"]:
            upto = docked[docked["position"].map(order).le(rec["round"])] if len(docked) else docked
            a = int(upto["id"].isin(actives).sum()) if actives and len(upto) else 0
            rounds.append(dict(rec, actives_docked=a if actives else None,
                               enrichment=enrichment(a, len(upto), lib_actives, n_lib) if actives else None))
        if len(docked):
            ok = docked[docked["status"] == "ok"].sort_values(["affinity", "position"], kind="stable")
            ok.head(top if top else len(ok)).to_csv(os.path.join(al.root, f"hits_{target}.csv"), index=False)
        preds = []
        for p in al.prediction_files(target):
            f = pd.read_parquet(p)
            f = f[~f["docked"] & np.isfinite(f["predicted_affinity"])]
            preds.append(f.nsmallest(top or len(f), "predicted_affinity")[list(PREDICTION_COLUMNS)])
            preds = [pd.concat(preds).nsmallest(top or 10**12, "predicted_affinity")]  # bounded: top rows only
        if preds:
            preds[0].sort_values(["predicted_affinity", "position"]).to_csv(
                os.path.join(al.root, f"predicted_{target}.csv"), index=False)
        doc["targets"][target] = {"library": n_lib, "library_actives": lib_actives if actives else None,
                                  "finished": t["finished"], "rounds": rounds}
        lines += [f"## {target}", "", f"{n_lib} molecules in the library"
                  + (f", {lib_actives} known actives" if actives else "") + ".", "",
                  "| round | picked | docked (ok) | held back | Spearman | recall of held-back top 1 % | "
                  "actives docked | enrichment |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for r in rounds:
            lines.append(f"| {r['round']} | {r['picked']} | {r['docked']} ({r['docked_ok']}) | "
                         f"{r.get('held_back') or '-'} | {_fmt(r.get('spearman'))} | {_fmt(r.get('top1_recall'))} | "
                         f"{'-' if r['actives_docked'] is None else r['actives_docked']} | "
                         f"{_fmt(r['enrichment'], '.1f')} |")
        lines += ["", f"Docked hits (docking scores): hits_{target}.csv. Predictions of molecules never docked "
                      f"(surrogate, not docking scores): predicted_{target}.csv.", ""]
    with open(os.path.join(al.root, "report.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
    with open(os.path.join(al.root, "report.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return doc
