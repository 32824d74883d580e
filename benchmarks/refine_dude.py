#!/usr/bin/env python3
# Screening power before and after MM-GBSA rescoring: EF1% and ROC AUC on a random DUD-E subset (HSP90, MAPKAPK2).
"""Docking scores alone vs docking + OpenMM MM-GBSA rescoring of the top of the ranking, on DUD-E.

A subset of each target's molecules (all actives by default, or a seeded sample of ``--actives``, and a seeded
random sample of ``--decoys`` decoys) is docked with vscreen.screen (preparation from SMILES, ``--exhaustiveness``,
``--search-scale``, best form per molecule) into the dockstring receptor and box; the best ``--top-fraction`` of
the docking ranking is refined with vscreen.refine_results and re-ranked by MM-GBSA (dg_mmgbsa), the rest keeps
its docking order below them. Molecules that fail docking rank last; a refined molecule whose refinement fails
keeps its docking position among the rescored ones' tail. Reported per target: EF1% and ROC AUC of both rankings.

The refinement receptor is the dockstring PDBQT turned back into a PDB (heavy atoms) and prepared by
vscreen.prepare_receptor (hydrogens at pH 7.4), so the same atoms dock and refine.

    .venv/bin/python benchmarks/refine_dude.py --data ../shared/data --out build/refine-dude \
        [--targets hs90a,mapk2] [--actives 0] [--decoys 300] [--seed 0] [--top-fraction 0.1] \\
        [--exhaustiveness 4] [--search-scale 1.0] [--workers 0]

Writes OUT/summary.json, OUT/<target>/ranking.csv, refined.sdf, and OUT/roc.png (ROC curves of both rankings).
"""
import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

import vscreen

TARGETS = {"hs90a": "HSP90AA1", "mapk2": "MAPKAPK2"}


def read_ism(path):
    out = []
    for line in open(path):
        parts = line.split()
        if len(parts) >= 2:
            out.append((parts[1], parts[0]))
    return out


def pdbqt_to_pdb(pdbqt: Path, out: Path) -> Path:
    lines = []
    for line in open(pdbqt):
        if line.startswith(("ATOM", "HETATM")):
            element = line[77:79].strip()
            element = {"A": "C", "OA": "O", "NA": "N", "SA": "S", "HD": "H"}.get(element, element)
            if element.startswith("H"):
                continue
            chain = line[21] if line[21].strip() else "A"
            lines.append(f"{line[:21]}{chain}{line[22:54]}  1.00  0.00          {element[:1]:>2}\n")
    out.write_text("".join(lines) + "END\n")
    return out


def roc_auc(scores, labels):
    """ROC AUC of ranking by ascending score (lower = predicted active): the probability that an active scores
    lower than a decoy, ties counted one half (Mann-Whitney with average ranks)."""
    import pandas as pd
    s = pd.Series(np.asarray(scores, float))
    y = np.asarray(labels, bool)
    ranks = s.rank(method="average", ascending=False).to_numpy()  # highest rank = lowest score
    pos, neg = y.sum(), (~y).sum()
    return float((ranks[y].sum() - pos * (pos + 1) / 2) / (pos * neg))


def roc_curve(order_labels):
    """(false positive rate, true positive rate) along a ranking (best first)."""
    y = np.asarray(order_labels, bool)
    tpr = np.concatenate([[0.0], np.cumsum(y) / max(1, y.sum())])
    fpr = np.concatenate([[0.0], np.cumsum(~y) / max(1, (~y).sum())])
    return fpr, tpr


def ef(order_labels, fraction=0.01):
    n = len(order_labels)
    k = max(1, int(round(n * fraction)))
    hits = sum(order_labels[:k])
    return float((hits / k) / (sum(order_labels) / n)), hits, k


def plot_roc(curves, summary, path):
    """ROC curves of the docking and the rescored ranking, one panel per target (linear and log FPR)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(curves), figsize=(4.2 * len(curves), 4.0), squeeze=False)
    for ax, (target, ((fd, td), (fr, tr))) in zip(axes[0], curves.items()):
        r = summary[target]
        ax.plot(fd, td, label=f"docking (AUC {r['dock_auc']:.2f}, EF1% {r['dock_ef1']:.1f})")
        ax.plot(fr, tr, label=f"+ MM-GBSA top {r['top_n']} (AUC {r['rescored_auc']:.2f}, EF1% {r['rescored_ef1']:.1f})")
        ax.plot([0, 1], [0, 1], color="grey", lw=0.5, ls=":")
        ax.set_title(f"{target}: {r['actives']} actives, {r['molecules'] - r['actives']} decoys", fontsize=10)
        ax.set_xlabel("false positive rate")
        ax.set_ylabel("true positive rate")
        ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.environ.get("VSCREEN_DATA", "../shared/data"))
    ap.add_argument("--out", default="build/refine-dude")
    ap.add_argument("--targets", default="hs90a,mapk2")
    ap.add_argument("--actives", type=int, default=0, help="0 = all")
    ap.add_argument("--decoys", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--top-fraction", type=float, default=0.1)
    ap.add_argument("--exhaustiveness", type=int, default=4)
    ap.add_argument("--search-scale", type=float, default=1.0, help="fraction of Vina's Monte Carlo steps")
    ap.add_argument("--workers", type=int, default=0, help="refinement processes (0 = one per core)")
    ap.add_argument("--threads", type=int, default=0, help="docking threads (0 = all cores)")
    ap.add_argument("--chunk", type=int, default=200, help="molecules per cached docking chunk")
    args = ap.parse_args()
    data, work = Path(args.data), Path(args.out)
    work.mkdir(parents=True, exist_ok=True)
    summary, curves = {}, {}
    for target in args.targets.split(","):
        t0 = time.perf_counter()
        d = work / target
        d.mkdir(exist_ok=True)
        rng = random.Random(args.seed)
        actives = read_ism(data / "dude" / target / "actives_final.ism")
        decoys = read_ism(data / "dude" / target / "decoys_final.ism")
        if args.actives > 0:
            actives = rng.sample(actives, min(args.actives, len(actives)))
        decoys = rng.sample(decoys, min(args.decoys, len(decoys)))
        label = {f"A_{i}": True for i, _ in actives} | {f"D_{i}": False for i, _ in decoys}
        mols = [(f"A_{i}", s) for i, s in actives] + [(f"D_{i}", s) for i, s in decoys]
        ds = data / "dockstring_targets" / "targets" / TARGETS[target]
        conf = dict(line.split("=") for line in open(f"{ds}_conf.txt") if "=" in line)
        conf = {k.strip(): float(v) for k, v in conf.items()}
        box = ((conf["center_x"], conf["center_y"], conf["center_z"]), (conf["size_x"], conf["size_y"], conf["size_z"]))
        cache = d / "docked.pkl"
        import pandas as pd
        if cache.exists():
            df = pd.read_pickle(cache)
        else:
            # Docked in chunks, each cached: a stopped run resumes at the first missing chunk.
            tgt = vscreen.Target.from_pdbqt(f"{ds}_target.pdbqt", box, name=target)
            parts, dock_seconds = [], 0.0
            for c, start in enumerate(range(0, len(mols), args.chunk)):
                part_cache = d / f"docked_part{c:04d}.pkl"
                if part_cache.exists():
                    part = pd.read_pickle(part_cache)
                else:
                    td = time.perf_counter()
                    part = vscreen.screen(tgt, mols[start:start + args.chunk], exhaustiveness=args.exhaustiveness,
                                          seed=1, device="cpu", threads=args.threads, search_scale=args.search_scale)
                    part.attrs["dock_seconds"] = time.perf_counter() - td
                    part.to_pickle(part_cache)
                dock_seconds += part.attrs.get("dock_seconds", float("nan"))
                parts.append(part)
                print(f"{target}: docked {min(start + args.chunk, len(mols))}/{len(mols)}", flush=True)
            df = pd.concat(parts, ignore_index=True)
            df.attrs["dock_seconds"] = dock_seconds
            df.to_pickle(cache)
        dock_seconds = df.attrs.get("dock_seconds")
        df = df.reset_index(drop=True)
        df["active"] = df["id"].map(label).fillna(False).astype(bool)
        dock_score = df["affinity"].where(df["status"] == "ok", np.inf)
        n_top = max(1, int(round(len(df) * args.top_fraction)))
        prep = vscreen.prepare_receptor(str(pdbqt_to_pdb(Path(f"{ds}_target.pdbqt"), d / "receptor_raw.pdb")),
                                        str(d / "receptor.pdbqt"), pdb_out=str(d / "receptor_H.pdb"))
        refine_cache = d / f"refined_top{n_top}.pkl"
        if refine_cache.exists():
            added = pd.read_pickle(refine_cache)
        else:
            tr = time.perf_counter()
            added = vscreen.refine_results(df.assign(affinity=dock_score), prep.pdb_path, top=n_top,
                                           out_sdf=d / "refined.sdf", workers=args.workers)
            added.attrs["refine_seconds"] = time.perf_counter() - tr
            added.to_pickle(refine_cache)
        refine_seconds = added.attrs.get("refine_seconds", float("nan"))
        df = df.join(added)
        df.drop(columns=["pose"]).to_csv(d / "ranking.csv", index=False)
        # docking ranking
        dock_order = df.assign(s=dock_score).sort_values("s", kind="stable")
        # rescored: the refined top block re-ranked by dG (failures after them), then the rest by docking score
        top = dock_order.iloc[:n_top]
        top = top.assign(k=top["refine_dg_mmgbsa"].fillna(np.inf)).sort_values(["k", "s"], kind="stable")
        rescored = pd.concat([top, dock_order.iloc[n_top:]])
        ef_d, hd, k = ef(list(dock_order["active"]))
        ef_r, hr, _ = ef(list(rescored["active"]))
        ef5_d, _, k5 = ef(list(dock_order["active"]), 0.05)
        ef5_r, _, _ = ef(list(rescored["active"]), 0.05)
        curves[target] = (roc_curve(dock_order["active"]), roc_curve(rescored["active"]))
        ok_top = top[top["refine_status"] == "ok"]
        top_auc_dock = roc_auc(ok_top["s"], ok_top["active"]) if 0 < ok_top["active"].sum() < len(ok_top) else None
        top_auc_mmgbsa = (roc_auc(ok_top["refine_dg_mmgbsa"], ok_top["active"])
                          if 0 < ok_top["active"].sum() < len(ok_top) else None)
        ranks_r = np.empty(len(df))
        ranks_r[rescored.index.to_numpy()] = np.arange(len(df))
        res = dict(molecules=len(df), actives=int(df["active"].sum()), docked=int((df["status"] == "ok").sum()),
                   refined=int((df["refine_status"] == "ok").sum()), top_n=n_top, ef1_k=k,
                   dock_ef1=ef_d, dock_ef1_hits=hd, dock_auc=roc_auc(dock_score, df["active"]),
                   rescored_ef1=ef_r, rescored_ef1_hits=hr, rescored_auc=roc_auc(ranks_r, df["active"]),
                   dock_ef5=ef5_d, rescored_ef5=ef5_r, ef5_k=k5,
                   actives_in_top=int(top["active"].sum()),
                   top_block_auc_dock=top_auc_dock, top_block_auc_mmgbsa=top_auc_mmgbsa,
                   refine_seconds=refine_seconds, refine_seconds_per_molecule=refine_seconds / n_top,
                   refine_seconds_per_pose_mean=float(df.loc[df["refine_status"] == "ok", "refine_seconds"].mean()),
                   refine_failures={str(k): str(v) for k, v in df.loc[df["refine_status"] == "failed"]
                                    .set_index("id")["refine_error"].items()},
                   refine_cpu_seconds_per_pose_mean=float(
                       df.loc[df["refine_status"] == "ok", "refine_cpu_seconds"].mean())
                   if "refine_cpu_seconds" in df.columns else None,
                   dock_seconds=dock_seconds, total_seconds=time.perf_counter() - t0)
        summary[target] = res
        print(target, json.dumps(res), flush=True)
    (work / "summary.json").write_text(json.dumps(dict(args=vars(args), results=summary), indent=1))
    plot_roc(curves, summary, work / "roc.png")
    print("| target | molecules (actives) | EF1% docking | EF1% rescored | ROC AUC docking | ROC AUC rescored |")
    print("| --- | --- | --- | --- | --- | --- |")
    for t, r in summary.items():
        print(f"| {t} | {r['molecules']} ({r['actives']}) | {r['dock_ef1']:.1f} ({r['dock_ef1_hits']}/{r['ef1_k']}) | "
              f"{r['rescored_ef1']:.1f} ({r['rescored_ef1_hits']}/{r['ef1_k']}) | {r['dock_auc']:.3f} | "
              f"{r['rescored_auc']:.3f} |")


if __name__ == "__main__":
    sys.exit(main())
