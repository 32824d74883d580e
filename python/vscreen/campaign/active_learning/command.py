"""`vscreen screen --active-learning`: the options and the run (commands.py hands over when the flag is given)."""
from __future__ import annotations

import argparse
from typing import TextIO

from ..errors import CampaignError

OPTIONS = (("rounds", int), ("initial", float), ("batch", float), ("max_docked", float))


def add_options(s) -> None:
    g = s.add_argument_group("active learning", "dock a seeded sample, fit a surrogate per target, dock the best "
                             "predicted molecules, repeat (the config's active_learning: section, these override it)")
    g.add_argument("--active-learning", action="store_true",
                   help="screen with surrogate-guided rounds instead of docking the whole library")
    g.add_argument("--al-rounds", type=int, metavar="N", help="at most N docking rounds (default 19: 1 %% + 18 x 0.5 %% = 10 %%)")
    g.add_argument("--al-initial", type=float, metavar="F",
                   help="random sample: fraction (< 1) or count (default 0.01)")
    g.add_argument("--al-batch", type=float, metavar="F", help="molecules per later round: fraction or count (0.005)")
    g.add_argument("--al-max-docked", type=float, metavar="F", help="stop after docking this fraction or count (0.1)")


def run(cfg, args: argparse.Namespace, out: TextIO) -> int:
    from .rounds import run_active_learning
    from .settings import active_learning_settings
    if getattr(args, "shard", None):
        raise CampaignError("--active-learning runs its rounds in one process; give no --shard")
    section = dict(cfg.active_learning)
    section.update({k: getattr(args, f"al_{k}") for k, _ in OPTIONS if getattr(args, f"al_{k}") is not None})
    settings = active_learning_settings(section)
    summary = run_active_learning(cfg, args.out, settings, device=args.device, threads=args.threads,
                                  log=lambda m: print(f"active learning: {m}", file=out, flush=True))
    for target, t in summary.targets.items():
        print(f"{target}: {t['rounds']} round(s), {t['docked']} of {summary.library} molecules docked"
              f"{'' if t['finished'] else ' (not finished)'}", file=out)
    print(f"Report: {summary.out_dir}/active_learning/report.md ({summary.seconds:.1f} s)", file=out)
    return 0
