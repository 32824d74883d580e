# The `vscreen refine` command: minimise and MM-GBSA-rescore the top poses of a target (vscreen.refine_poses).
"""``vscreen refine --receptor R.pdb --poses P.sdf --top N --out DIR``: writes DIR/refined.sdf (the minimised
poses with vscreen_refine_* fields), DIR/refine.csv (one row per pose: energies, status, error, time) and prints
the table ordered by the MM-GBSA estimate. ``vscreen refine --campaign DIR --top N``: the campaign stage
(vscreen.refine.campaign), DIR/refine/<target>/."""
from __future__ import annotations

import argparse
import os
from typing import TextIO

from .._vscreen import InputError


def _options(args: argparse.Namespace) -> dict:
    return dict(pocket_radius=args.pocket_radius or None, restrain_beyond=args.restrain_beyond,
                gb_model=args.gb_model, md_ps=args.md_ps, platform=args.platform, threads=args.threads,
                seed=args.seed, deterministic=not args.nondeterministic)


def cmd_refine_campaign(args: argparse.Namespace, out: TextIO) -> int:
    from .campaign import refine_campaign
    receptors = {}
    if args.receptor:  # TARGET=PDB pairs, or one PDB for a one-target campaign
        for item in args.receptor.split(","):
            name, _, path = item.rpartition("=")
            receptors[name or "*"] = path
    if "*" in receptors:
        from ..campaign.store import CampaignStore
        names = [t["name"] for t in CampaignStore(args.campaign).read_manifest()["identity"]["targets"]]
        if len(names) != 1:
            raise InputError(f"--receptor: the campaign has {len(names)} targets; give TARGET=PDB pairs")
        receptors = {names[0]: receptors["*"]}
    tables = refine_campaign(args.campaign, top=args.top or 50, receptors=receptors, workers=args.workers,
                             **_options(args))
    refined = 0
    for target, df in tables.items():
        ok = df[df["refine_status"] == "ok"] if len(df) else df
        refined += len(ok)
        print(f"{target}: {len(ok)} of {len(df)} hit(s) refined -> "
              f"{os.path.join(args.campaign, 'refine', target, 'refine.csv')}", file=out)
        if len(ok):
            cols = ["id", "affinity", "refine_dg_mmgbsa", "refine_dg_coulomb", "refine_dg_vdw", "refine_dg_gb"]
            print(ok[cols].head(10).to_string(index=False, float_format=lambda v: f"{v:.2f}"), file=out)
    return 0 if refined else 1


def cmd_refine(args: argparse.Namespace, out: TextIO) -> int:
    from .api import refine_poses
    if args.campaign:
        if args.poses or args.out:
            raise InputError("--campaign refines the campaign's hits into DIR/refine/; leave out --poses and --out")
        return cmd_refine_campaign(args, out)
    if args.export_system:
        return cmd_export_system(args, out)
    if not (args.receptor and args.poses and args.out):
        raise InputError("give --receptor, --poses and --out (or --campaign DIR)")
    os.makedirs(args.out, exist_ok=True)
    if not os.path.isdir(args.out):
        raise InputError(f"{args.out}: not a directory")
    sdf = os.path.join(args.out, "refined.sdf")
    df = refine_poses(args.receptor, args.poses, top=args.top, out_sdf=sdf, workers=args.workers,
                      workdir=args.out, **_options(args))
    csv = os.path.join(args.out, "refine.csv")
    df.to_csv(csv, index=False)
    ok = df[df["status"] == "ok"].sort_values("dg_mmgbsa", kind="stable")
    cols = ["id", "dg_mmgbsa", "dg_coulomb", "dg_vdw", "dg_gb", "ligand_strain", "rmsd_minimised"]
    if args.md_ps > 0:
        cols += ["md_rmsd_mean", "md_stays"]
    if len(ok):
        print(ok[cols + ["seconds"]].to_string(index=False, float_format=lambda v: f"{v:.2f}"), file=out)
    for _, row in df[df["status"] != "ok"].iterrows():
        print(f"failed: {row['id']} ({row['stage']}): {row['error']}", file=out)
    platform = ok["platform"].iloc[0] if len(ok) else "-"
    print(f"\n{len(ok)} of {len(df)} pose(s) refined on OpenMM {platform}; {sdf}, {csv}", file=out)
    return 0 if len(ok) else 1


def cmd_export_system(args: argparse.Namespace, out: TextIO) -> int:
    """--export-system: the receptor's ff14SB System as OpenMM XML and its PDB, the C++ refinement's inputs."""
    from .api import receptor_for_refinement
    from .complex_builder import ReceptorModel
    if not args.receptor or args.poses or args.campaign:
        raise InputError("--export-system takes --receptor only (no --poses, no --campaign)")
    xml = os.fspath(args.export_system)
    workdir = os.path.dirname(os.path.abspath(xml))
    pdb = receptor_for_refinement(args.receptor, workdir=workdir)
    ReceptorModel.load(pdb).save_system(xml)
    print(f"receptor System (Amber ff14SB, {pdb}) -> {xml}\n"
          f"C++: vscreen::ReceptorModel::load(\"{pdb}\", \"{xml}\")", file=out)
    return 0


def add_refine_commands(sub) -> None:
    """Adds `refine` to the subcommands of the vscreen parser."""
    p = sub.add_parser(
        "refine", help="minimise and MM-GBSA-rescore the top poses with OpenMM",
        description="Refine docked poses with OpenMM: receptor in Amber ff14SB, ligand in MMFF94 (RDKit's "
                    "parameters), implicit solvent (OBC2 or GBn2); minimisation with the protein restrained away "
                    "from the ligand, then MM-GBSA (complex - receptor - ligand) split into Coulomb, vdW and GB, "
                    "and optionally a short MD run that tells whether the pose stays. A pose that cannot be "
                    "parameterised is reported with the reason; the rest go on. "
                    "exit status: 0 = at least one pose refined, 1 = none, 2 = error.")
    p.add_argument("--receptor",
                   help="receptor PDB with all hydrogens (prepare-receptor --pdb-out); a raw PDB/mmCIF is prepared "
                        "first. With --campaign: the PDB of a target docked as PDBQT (TARGET=PDB, comma-separated)")
    p.add_argument("--poses", help="poses SDF (vscreen dock output or any SDF in the receptor frame)")
    p.add_argument("--campaign", metavar="DIR",
                   help="refine the top hits of every target of a campaign directory into DIR/refine/<target>/")
    p.add_argument("--top", type=int, default=None,
                   help="refine the N best poses (by the vscreen_affinity field where present; default: all; "
                        "with --campaign: 50 per target)")
    p.add_argument("--out", metavar="DIR", help="output folder: refined.sdf, refine.csv")
    p.add_argument("--md-ps", type=float, default=0.0, help="picoseconds of MD per pose (default 0 = none)")
    p.add_argument("--platform", default=None, help="OpenMM platform: CUDA, OpenCL, CPU, Reference (default: "
                                                   "CUDA if present, else CPU)")
    p.add_argument("--workers", type=int, default=0,
                   help="parallel worker processes (default 0 = one per core on the CPU platform, one on a GPU)")
    p.add_argument("--threads", type=int, default=0,
                   help="CPU threads per OpenMM context with --nondeterministic (default: cores / workers)")
    p.add_argument("--nondeterministic", action="store_true",
                   help="allow multithreaded CPU contexts (faster for one pose; energies then vary by ~0.1 kcal/mol "
                        "from run to run)")
    p.add_argument("--pocket-radius", type=float, default=10.0,
                   help="simulate receptor residues within this many A of any pose (default 10; 0 = whole receptor)")
    p.add_argument("--restrain-beyond", type=float, default=6.0,
                   help="restrain receptor heavy atoms farther than this many A from the ligand (default 6)")
    p.add_argument("--gb-model", choices=("OBC2", "GBn2"), default="OBC2", help="implicit solvent (default OBC2)")
    p.add_argument("--seed", type=int, default=0, help="MD random seed (default 0)")
    p.add_argument("--export-system", metavar="XML",
                   help="only write the receptor's Amber ff14SB System as OpenMM XML (with --receptor; a raw "
                        "receptor is prepared beside it): the receptor input of the C++ refinement "
                        "(vscreen::ReceptorModel::load(PDB, XML))")
    p.set_defaults(func=cmd_refine)
