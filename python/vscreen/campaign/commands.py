"""The campaign subcommands of the `vscreen` command line: `plan`, `screen`, `report` and `demo` (added by cli.py)."""
from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any, Dict, Optional, TextIO

from .errors import CampaignError

DEMO_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "demo")
DEMO_CONFIG = os.path.join(DEMO_DIR, "demo.toml")


def _overrides(args: argparse.Namespace) -> Dict[str, Any]:
    docking = {k: getattr(args, k) for k in ("search", "exhaustiveness", "seed", "num_modes", "scoring",
                                             "search_scale", "stall_fraction")
               if getattr(args, k, None) is not None}
    return docking


def _config(args: argparse.Namespace):
    from .config import config_from_args, config_from_dict, load_config
    if args.config:
        if args.receptor or args.library:
            raise CampaignError("give a config file or --receptor/--library, not both")
        cfg = load_config(args.config)
        if args.chunk_size is not None or _overrides(args):  # command-line values win over the file's
            from dataclasses import asdict
            d = asdict(cfg)
            d["library"] = {"path": cfg.library.paths, "format": cfg.library.format, "options": cfg.library.options}
            d["docking"].update(_overrides(args))
            if args.chunk_size is not None:
                d["chunk_size"] = args.chunk_size
            cfg = config_from_dict(d, os.path.dirname(os.path.abspath(args.config)))
        return cfg
    if not args.receptor or not args.library:
        raise CampaignError("screen needs a config file, or --receptor and --library (and a box)")
    if not args.autobox_ligand and not (args.center and args.size):
        raise CampaignError("the search box needs --center X Y Z and --size X Y Z, or --autobox-ligand FILE")
    return config_from_args(args.receptor, args.library, center=args.center, size=args.size,
                            autobox_ligand=args.autobox_ligand, autobox_padding=args.autobox_padding,
                            name=args.name or "campaign", library_format=args.library_format,
                            library_options=_library_options(args.library_option or []),
                            docking=_overrides(args), chunk_size=args.chunk_size or 100)


def _library_options(items) -> Dict[str, Any]:
    """KEY=VALUE pairs; values read as YAML scalars/lists (sources=[2] -> [2], groups=[approved])."""
    import yaml
    out: Dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise CampaignError(f"--library-option {item!r}: expected KEY=VALUE")
        out[key.strip()] = yaml.safe_load(value)
    return out


def print_hits(report, out: TextIO, show: int = 10) -> None:
    """The top hits of each target as a plain table."""
    for target, hits in report.hits.items():
        print(f"\nTop hits for {target} (affinity in kcal/mol; all in {report.csv_paths.get(target, '-')}):", file=out)
        if hits is None or not len(hits):
            print("  (no docked molecule)", file=out)
            continue
        width = max(12, min(24, max(len(str(i)) for i in hits["id"].head(show))))
        print(f"{'rank':>4}  {'id':<{width}} {'name':<28} {'affinity':>8}  {'heavy':>5} {'tors':>4}", file=out)
        for _, r in hits.head(show).iterrows():
            name = str(r["name"])[:28]
            print(f"{int(r['rank']):>4}  {str(r['id'])[:width]:<{width}} {name:<28} {r['affinity']:>8.2f}  "
                  f"{int(r['heavy_atoms']):>5} {int(r['torsions']):>4}", file=out)


def _progress(total: Optional[int], enabled: bool, desc: str):
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="mol", desc=desc, dynamic_ncols=True, smoothing=0.1, file=sys.stderr)


def _planning_log(out: TextIO):
    return lambda msg: print(f"plan: {msg}", file=out, flush=True)


def run_screen(cfg, out_dir: str, args: argparse.Namespace, out: TextIO, show: int = 10) -> int:
    from .chunks import parse_shard
    from .report import build_report
    from .runner import run_campaign
    shard = parse_shard(args.shard)
    executor = None
    threads = args.threads
    if getattr(args, "dask", None) and getattr(args, "cluster", None):
        raise CampaignError("give --dask ADDRESS (a running scheduler) or --cluster slurm, not both")
    if getattr(args, "dask", None):
        from .dask_backend import DaskExecutor
        executor = DaskExecutor(args.dask)
    elif getattr(args, "cluster", None):
        from .dask_backend import DaskExecutor, slurm_cluster
        cluster = slurm_cluster(jobs=args.cluster_jobs, cores=args.cluster_cores, memory=args.cluster_memory,
                                walltime=args.cluster_walltime, queue=args.cluster_queue,
                                directives=args.cluster_directive or (), name=f"vscreen-{cfg.name}")
        executor = DaskExecutor(cluster, in_flight=2 * args.cluster_jobs)
        threads = threads or args.cluster_cores  # a job's worker docks on its allocation, not the node's cores
    where = f" (shard {shard[0]}/{shard[1]})" if shard[1] > 1 else ""
    files = ", ".join(os.path.basename(p) for p in cfg.library.paths)
    print(f"Campaign {cfg.name}: {len(cfg.targets)} target(s) x {files}"
          f"{where} -> {out_dir}", file=out)
    bar = _progress(None, not args.no_progress, "docking")
    t0 = time.perf_counter()
    try:
        summary = run_campaign(cfg, out_dir, shard=shard, device=args.device, threads=threads,
                               executor=executor, progress=bar, log=_planning_log(out))
        if bar is not None:  # failures can end a chunk early: end the bar at 100 %
            bar.total = bar.n
            bar.refresh()
    finally:
        if bar is not None:
            bar.close()
        if executor is not None:
            executor.close()
    elapsed = time.perf_counter() - t0
    rate = summary.molecules_docked / elapsed if elapsed > 0 else 0.0
    print(f"Library: {summary.records_read} record(s), {summary.duplicates} duplicate(s) by InChIKey; "
          f"{summary.chunks_owned} chunk(s) of {summary.chunks_in_library} for this run: {summary.chunks_docked} "
          f"docked, {summary.chunks_already_done} already done. {summary.molecules_docked} molecule-target result(s) "
          f"({summary.failed} failed) in {elapsed:.1f} s ({rate:.2f} mol/s).", file=out)
    if summary.corrupt_chunks:
        print(f"{len(summary.corrupt_chunks)} finished chunk file(s) failed their checksums and were redone "
              f"(listed in {out_dir}/shards/).", file=out)
    if shard[1] > 1 or args.no_report:
        print(f"Merge the shards' results with: vscreen report {out_dir}", file=out)
        return 0
    rep = build_report(out_dir)
    print_hits(rep, out, show)
    print(f"\nReport: {rep.html_path}", file=out)
    return 0


def cmd_screen(args: argparse.Namespace, out: TextIO) -> int:
    if getattr(args, "active_learning", False):
        from .active_learning.command import run as run_active_learning
        return run_active_learning(_config(args), args, out)
    return run_screen(_config(args), args.out, args, out)


def cmd_plan(args: argparse.Namespace, out: TextIO) -> int:
    from .runner import plan_campaign
    t0 = time.perf_counter()
    plan = plan_campaign(_config(args), args.out, workers=args.workers, log=_planning_log(out),
                         batch_size=args.batch_size, memory_limit=args.memory_limit)
    p = plan.plan
    if args.verify:
        bad = plan.verify()
        if bad:
            raise CampaignError(f"{plan.directory}: {len(bad)} chunk file(s) missing or changed (first: "
                                f"{', '.join(map(str, bad[:5]))}); delete {plan.directory} and plan again")
        print(f"Verified the checksums of {plan.chunks} chunk file(s).", file=out)
    print(f"Planned {p['records_read']} record(s): {p['duplicates']} duplicate(s) by InChIKey, {p['unique']} "
          f"unique ({p['reader_errors']} malformed, {p['without_key']} without a key) in {plan.chunks} chunk(s) "
          f"of {plan.chunk_size} -> {plan.directory} ({time.perf_counter() - t0:.1f} s)", file=out)
    return 0


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    from .report import build_report
    rep = build_report(args.dir, top=args.top)
    total = int(rep.counts["n"].sum()) if len(rep.counts) else 0
    print(f"Campaign {rep.out_dir}: {total} result row(s) from {len(rep.hits)} target(s)", file=out)
    if rep.chunks_in_library is None:
        print("completeness unknown: the library is not planned yet (vscreen plan)", file=out)
    elif rep.complete:
        print(f"complete: all {rep.chunks_in_library} chunk(s) done for every target", file=out)
    else:
        for t, m in rep.missing_chunks.items():
            if m:
                print(f"incomplete: {t} misses {len(m)} of {rep.chunks_in_library} chunk(s) "
                      f"(first: {', '.join(map(str, m[:5]))}); rerun the same command to finish", file=out)
    print_hits(rep, out, args.show)
    print(f"\nReport: {rep.html_path}\nQueries: {rep.query_path}", file=out)
    return 0


def cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from .config import load_config, search_effort_of
    cfg = load_config(DEMO_CONFIG)
    if args.exhaustiveness is not None:
        cfg.docking["exhaustiveness"] = args.exhaustiveness
    effort = search_effort_of(cfg.docking)
    with open(cfg.library.paths[0], encoding="utf-8") as f:
        count = sum(1 for _ in f) - 1
    print(f"Demo: {count} approved drugs (DrugBank, CC BY-NC "
          f"4.0) docked into SARS-CoV-2 Mpro (PDB 6LU7, box around the N3 inhibitor site); "
          f"search {cfg.docking['search']} (exhaustiveness {effort['exhaustiveness']}, "
          f"{effort['search_scale']:g} of Vina's steps), seed {cfg.docking['seed']}.", file=out)
    args.shard = None
    args.no_report = False
    t0 = time.perf_counter()
    rc = run_screen(cfg, args.out, args, out, show=args.show)
    print(f"Demo wall time: {time.perf_counter() - t0:.1f} s", file=out)
    return rc


def _library_arguments(s) -> None:
    """The config / receptor / library / box options that `screen` and `plan` share."""
    s.add_argument("config", nargs="?", help="campaign config (.yaml/.yml/.toml); or use the options below")
    s.add_argument("--receptor", nargs="+", action="extend", metavar="FILE",
                   help="receptor(s): .pdbqt, .pdb with hydrogens, or a raw PDB/mmCIF (prepared once)")
    s.add_argument("--library", nargs="+", action="extend", metavar="FILE", help="library file(s)")
    s.add_argument("--library-format", default="auto",
                   choices=("auto", "smiles", "csv", "sdf", "drugbank-xml", "unichem"))
    s.add_argument("--library-option", action="append", metavar="KEY=VALUE",
                   help="reader option, e.g. smiles_column=SMILES, id_field=ID, groups=[approved], "
                        "reference=reference.tsv.gz, sources=[2] (repeatable)")
    s.add_argument("--center", nargs=3, type=float, metavar=("X", "Y", "Z"), help="box centre (A)")
    s.add_argument("--size", nargs=3, type=float, metavar=("X", "Y", "Z"), help="box edge lengths (A)")
    s.add_argument("--autobox-ligand", metavar="FILE", help="box around this ligand instead of --center/--size")
    s.add_argument("--autobox-padding", type=float, default=4.0, metavar="A")
    s.add_argument("--name", help="campaign name (default: campaign)")
    s.add_argument("--out", required=True, metavar="DIR", help="campaign directory (created, or resumed)")
    s.add_argument("--chunk-size", type=int, help="molecules per chunk (default 100)")


def add_campaign_commands(sub) -> None:
    """Adds `plan`, `screen`, `report` and `demo` to the CLI's subparsers."""
    p = sub.add_parser(
        "plan", help="read and de-duplicate a campaign's library once into numbered chunk files",
        description="Read the library once, de-duplicate it by InChIKey (first occurrence wins) and write it as "
                    "numbered chunk files into DIR/library/ (chunk-N.parquet, index.parquet, plan.json last). "
                    "Run it once before a job array of `vscreen screen --shard`; an unsharded screen plans by "
                    "itself. Killed, it resumes; a finished plan is kept.")
    _library_arguments(p)
    _docking_options(p)  # accepted so that a plan and its screens can share one command line
    p.add_argument("--workers", type=int, default=0, metavar="N",
                   help="processes computing InChIKeys, DuckDB threads (default 0 = all cores)")
    p.add_argument("--memory-limit", default="2GB", help="DuckDB's memory limit while de-duplicating (default 2GB)")
    p.add_argument("--verify", action="store_true", help="check every chunk file against the index's checksums")
    p.add_argument("--batch-size", type=int, default=100_000, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_plan)

    s = sub.add_parser(
        "screen", help="screen a library against one or more targets (a resumable campaign)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Dock every molecule of a library into every target, chunk by chunk, into a campaign "
                    "directory. Running the same command again resumes: finished chunks are kept.",
        epilog="library formats: .smi/.smiles (SMILES [ID [NAME]]), .csv/.tsv (smiles, id, name columns; the\n"
               "DrugBank approved-drugs CSV as is), .sdf[.gz] (DrugBank structure SDF fields), .xml (DrugBank\n"
               "full database), UniChem structure.tsv.gz (+ reference.tsv.gz via a config file).\n"
               "Molecules are de-duplicated by InChIKey; failed molecules are results with a reason.\n"
               "The library is planned once (vscreen plan; an unsharded run plans by itself), then every\n"
               "shard reads only its own chunk files.\n"
               "outputs: DIR/library/ (the plan), DIR/results/<target>/chunk-N.parquet,\n"
               "DIR/poses/<target>/chunk-N.sdf, DIR/report/.")
    _library_arguments(s)
    s.add_argument("--shard", metavar="I/N",
                   help="run shard I of N (chunks k with k mod N == I); 'N' alone takes I from the job array "
                        "(SLURM_ARRAY_TASK_ID, PBS_ARRAY_INDEX, SGE_TASK_ID, LSB_JOBINDEX)")
    _docking_options(s)
    s.add_argument("--dask", metavar="ADDRESS", help="run the chunks on this Dask scheduler (tcp://host:8786)")
    c = s.add_argument_group("batch-scheduler cluster (dask-jobqueue)", "start Dask workers as batch jobs and run "
                             "the chunks on them; the scheduler runs in this process")
    c.add_argument("--cluster", choices=("slurm",), help="submit the workers with sbatch (SLURMCluster)")
    c.add_argument("--cluster-queue", metavar="PARTITION", help="partition (#SBATCH -p)")
    c.add_argument("--cluster-cores", type=int, default=1, metavar="N", help="CPUs per job (default 1)")
    c.add_argument("--cluster-memory", default="4GB", metavar="SIZE", help="memory per job (default 4GB)")
    c.add_argument("--cluster-walltime", default="01:00:00", metavar="HH:MM:SS", help="per job (default 1 h)")
    c.add_argument("--cluster-jobs", type=int, default=1, metavar="N", help="worker jobs (default 1)")
    c.add_argument("--cluster-directive", action="append", metavar="TEXT",
                   help="extra #SBATCH directive, e.g. --cluster-directive=--gres=gpu:1 (repeatable)")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")
    s.add_argument("--no-report", action="store_true", help="do not write the report at the end")
    from .active_learning.command import add_options as add_active_learning_options
    add_active_learning_options(s)
    s.set_defaults(func=cmd_screen)

    r = sub.add_parser("report", help="merge a campaign's results (all shards) into ranked CSVs and an HTML page",
                       description="Merge every finished chunk of a campaign directory with DuckDB: "
                                   "report/hits_<target>.csv, failures.csv, report.html, query.sql.")
    r.add_argument("dir", help="campaign directory")
    r.add_argument("--top", type=int, default=1000, help="hits per target in the CSV (default 1000; 0 = all)")
    r.add_argument("--show", type=int, default=10, help="hits per target printed (default 10)")
    r.set_defaults(func=cmd_report)

    d = sub.add_parser("demo", help="screen bundled approved drugs against SARS-CoV-2 Mpro (6LU7)",
                       description="Screens a bundled set of approved drugs (saquinavir, lopinavir, bictegravir, "
                                   "dolutegravir, nirmatrelvir and others) against the bundled Mpro structure "
                                   "(6LU7) and prints the top hits. A rerun into the same --out resumes.")
    d.add_argument("--out", default="vscreen-demo", metavar="DIR", help="campaign directory (default vscreen-demo)")
    d.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N (default auto)")
    d.add_argument("--threads", type=int, default=0, metavar="N", help="CPU threads (default 0 = all)")
    d.add_argument("--exhaustiveness", type=int, help=argparse.SUPPRESS)
    d.add_argument("--show", type=int, default=10, help="hits printed (default 10)")
    d.add_argument("--no-progress", action="store_true", help="no progress bar")
    d.set_defaults(func=cmd_demo)


def _docking_options(s) -> None:
    from ..search import DEFAULT_SEARCH, SEARCH_PRESETS, SEARCH_PRESETS_HELP
    s.add_argument("--search", choices=SEARCH_PRESETS,
                   help=f"search effort preset (default {DEFAULT_SEARCH}): {SEARCH_PRESETS_HELP}")
    s.add_argument("--exhaustiveness", type=int, help="expert: Monte Carlo chains per ligand (default: the preset's)")
    s.add_argument("--seed", type=int, help="random seed (default 42)")
    s.add_argument("--num-modes", type=int, help="modes kept per ligand (default 9)")
    s.add_argument("--scoring", choices=("vina", "vinardo"))
    s.add_argument("--search-scale", type=float, metavar="F",
                   help="expert: fraction of Vina's Monte Carlo steps per chain (default: the preset's)")
    s.add_argument("--stall-fraction", type=float, metavar="F",
                   help="expert: a chain stops after this fraction of its steps without a new best (default: the "
                        "preset's)")
    s.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N (default auto)")
    s.add_argument("--threads", "--cpu", type=int, default=0, metavar="N", help="CPU threads (default 0 = all)")
