"""The ``vscreen`` command line: ``vscreen score`` (vina --score_only) and ``vscreen dock`` (batch docking).

Exit status: 0 on success; 1 when ``dock`` docked nothing because every ligand record was bad (each one is
reported on stderr); 2 on an error (bad arguments, unreadable receptor or ligand file, back-end failure), reported
as one line on stderr.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import List, Optional, Sequence, TextIO

import numpy as np

import vscreen
from .search import DEFAULT_SEARCH, SEARCH_PRESETS, SEARCH_PRESETS_HELP


class CliError(Exception):
    """A usage problem found after parsing; reported like a library error."""


def _read_receptor(path: str) -> vscreen.Receptor:
    # A raw .pdb (no hydrogens) or .cif is prepared first (vscreen prepare-receptor defaults), said on stderr.
    from .receptor_cli import read_receptor_preparing
    return read_receptor_preparing(path, sys.stderr)


def _score_text(name: str, s: vscreen.PoseScore) -> str:
    # The layout of vina --score_only (no flexible side chains here).
    torsional = s.affinity - s.inter
    lines = [
        f"Ligand: {name}",
        f"Estimated Free Energy of Binding   : {s.affinity:.3f} (kcal/mol) [=(1)+(2)+(3)+(4)]",
        f"(1) Final Intermolecular Energy    : {s.inter:.3f} (kcal/mol)",
        f"    Ligand - Receptor              : {s.inter:.3f} (kcal/mol)",
        f"    Ligand - Flex side chains      : 0.000 (kcal/mol)",
        f"(2) Final Total Internal Energy    : {s.intra:.3f} (kcal/mol)",
        f"    Ligand                         : {s.intra:.3f} (kcal/mol)",
        f"    Flex   - Receptor              : 0.000 (kcal/mol)",
        f"    Flex   - Flex side chains      : 0.000 (kcal/mol)",
        f"(3) Torsional Free Energy          : {torsional:.3f} (kcal/mol)",
        f"(4) Unbound System's Energy        : {s.intra:.3f} (kcal/mol)",
        "Weighted terms (kcal/mol): " + ", ".join(f"{k} {v:.3f}" for k, v in s.terms.items()),
        f"Rotors (Nrot): {s.num_rotors:g}",
    ]
    return "\n".join(lines)


def _minimized(receptor: vscreen.Receptor, ligand: vscreen.Ligand, args: argparse.Namespace):
    # vina --local_only: the pose optimised on grid maps of a box around it, then scored exactly.
    center, size = vscreen.autobox(ligand, args.autobox_padding)
    settings = vscreen.DockingSettings(center=center, size=size, scoring=args.scoring)
    result = vscreen.optimize_poses(receptor, [ligand], settings)[0]
    mode = result.modes[0]
    heavy = np.asarray(ligand.elements) != 1
    rmsd = float(np.sqrt(((mode.coords[heavy] - ligand.coords[heavy]) ** 2).sum(axis=1).mean()))
    if args.out:
        writer = vscreen.write_sdf_modes if args.out.lower().endswith(".sdf") else vscreen.write_pdbqt_modes
        writer(args.out, ligand, result)
    return np.array(mode.coords), rmsd, result.evaluations


def cmd_score(args: argparse.Namespace, out: TextIO) -> int:
    if args.out and not args.minimize:
        raise CliError("--out writes the optimised pose: it needs --minimize")
    receptor = _read_receptor(args.receptor)
    ligand = vscreen.read_ligand_file(args.ligand)
    coords, extra = None, {}
    if args.minimize:
        coords, rmsd, evaluations = _minimized(receptor, ligand, args)
        extra = {"minimized": True, "rmsd_to_input": round(rmsd, 4), "evaluations": evaluations}
    s = vscreen.score(receptor, ligand, scoring=args.scoring, coords=coords)
    if args.json:
        doc = {"ligand": ligand.name, "affinity": round(s.affinity, 4), "inter": round(s.inter, 4),
               "intra": round(s.intra, 4), "terms": {k: round(v, 4) for k, v in s.terms.items()},
               "num_rotors": s.num_rotors, **extra}
        print(json.dumps(doc, indent=2), file=out)
    else:
        print(_score_text(ligand.name, s), file=out)
        if extra:
            print(f"Optimised locally: heavy-atom RMSD to the input pose {extra['rmsd_to_input']:.3f} A, "
                  f"{extra['evaluations']} energy evaluations", file=out)
    return 0


def _mode_table(result: vscreen.DockingResult) -> str:
    # As vina prints it.
    lines = ["mode |   affinity | dist from best mode",
             "     | (kcal/mol) | rmsd l.b.| rmsd u.b.",
             "-----+------------+----------+----------"]
    for i, m in enumerate(result.modes, 1):
        lines.append(f"{i:4d} {m.affinity:12.3f} {m.rmsd_lb:10.3f} {m.rmsd_ub:10.3f}")
    return "\n".join(lines)


def _output_plan(out: str, count: int) -> str:
    """'pdbqt' / 'sdf' (one file) or 'dir' (one <name>_out.pdbqt per ligand)."""
    ext = os.path.splitext(out)[1].lower()
    if os.path.isdir(out) or out.endswith(os.sep) or ext == "":
        return "dir"
    if ext == ".sdf":
        return "sdf"
    if ext == ".pdbqt":
        if count > 1:
            raise CliError(f"--out {out}: a PDBQT file holds one ligand's modes; with {count} ligands give an "
                           f".sdf file or a directory")
        return "pdbqt"
    raise CliError(f"--out {out}: expected FILE.pdbqt, FILE.sdf or a directory")


def _box(args: argparse.Namespace):
    if args.autobox_ligand:
        if args.center or args.size:
            raise CliError("give either --autobox-ligand or --center/--size, not both")
        return vscreen.autobox(args.autobox_ligand, args.autobox_padding)
    if not (args.center and args.size):
        raise CliError("the search box needs --center X Y Z and --size X Y Z, or --autobox-ligand FILE")
    if min(args.size) <= 0:
        raise CliError(f"--size must be positive, got {args.size}")
    return tuple(args.center), tuple(args.size)


def cmd_dock(args: argparse.Namespace, out: TextIO) -> int:
    err = sys.stderr
    center, size = _box(args)
    receptor = _read_receptor(args.receptor)
    from .ligand_cli import is_library_file, prepared_ligands_for_docking, preparation_options
    if not args.ligand and not args.smiles:
        raise CliError("give ligands: --ligand FILE/DIR and/or --smiles SMILES")
    files = vscreen.ligand_files(args.ligand or [])
    settings = vscreen.DockingSettings(center=center, size=size, search=args.search, exhaustiveness=args.exhaustiveness,
                                       num_modes=args.num_modes, energy_range=args.energy_range, seed=args.seed,
                                       scoring=args.scoring, search_scale=args.search_scale,
                                       stall_fraction=args.stall_fraction)
    ligands: List[vscreen.Ligand] = []
    chains: List[int] = []  # Monte Carlo chains per ligand: the exhaustiveness, shared by a molecule's ring shapes
    bad = 0
    for f in files:
        if is_library_file(f):
            continue
        for rec in vscreen.read_ligand_records(f):
            if rec.ok:
                ligands.append(rec.ligand)
                chains.append(settings.exhaustiveness)
            else:
                bad += 1
                print(f"vscreen: skipped ligand '{rec.name}' ({rec.source}): {rec.error}", file=err)
    libraries = [f for f in files if is_library_file(f)]
    if libraries or args.smiles:  # molecules to prepare first (SMILES, CSV, InChI dumps)
        prepared, shares, failed = prepared_ligands_for_docking(libraries, args.smiles, preparation_options(args),
                                                                settings.exhaustiveness, err)
        ligands.extend(prepared)
        chains.extend(shares)
        bad += failed
    plan = _output_plan(args.out, len(ligands) if ligands else max(1, len(files)))
    if not ligands:
        print(f"vscreen: no ligand could be read ({bad} bad record(s)); nothing docked", file=err)
        return 1
    if plan == "sdf" and not vscreen.has_rdkit:
        raise CliError("SDF output needs the RDKit readers; this build has none (write .pdbqt)")
    print(f"Receptor: {args.receptor} ({receptor.num_atoms} scored atoms)", file=out)
    print(f"Ligands: {len(ligands)} to dock" + (f", {bad} skipped" if bad else ""), file=out)
    print("Box: center ({:.3f}, {:.3f}, {:.3f}) size ({:.3f}, {:.3f}, {:.3f})".format(*center, *size), file=out)
    print(f"Scoring: {args.scoring}  search: {args.search}  exhaustiveness: {settings.exhaustiveness}  "
          f"search scale: {settings.search_scale:g}  seed: {args.seed}", file=out)
    t0 = time.perf_counter()
    results = vscreen.dock(receptor, ligands, settings, device=args.device, threads=args.cpu, chains=chains)
    elapsed = time.perf_counter() - t0
    print(f"Docked {len(ligands)} ligand(s) on {results[0].backend if results else args.device} "
          f"in {elapsed:.1f} s", file=out)

    if plan == "dir":
        os.makedirs(args.out, exist_ok=True)
    docked = 0
    used = set()
    sdf = open(args.out, "w") if plan == "sdf" else None
    try:
        for lig, res in zip(ligands, results):
            print(f"\nLigand: {res.name}", file=out)
            if not res.modes:
                print(f"vscreen: ligand '{res.name}': no pose found in the box", file=err)
                continue
            print(_mode_table(res), file=out)
            docked += 1
            if plan == "pdbqt":
                vscreen.write_pdbqt_modes(args.out, lig, res)
            elif plan == "sdf":
                vscreen.write_sdf_modes(sdf, lig, res)
            else:
                stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in res.name) or "ligand"
                name, n = stem, 1
                while name in used:
                    n += 1
                    name = f"{stem}_{n}"
                used.add(name)
                vscreen.write_pdbqt_modes(os.path.join(args.out, f"{name}_out.pdbqt"), lig, res)
    finally:
        if sdf:
            sdf.close()
    print(f"\nWrote {docked} ligand(s) to {args.out}", file=out)
    if docked == 0:
        print("vscreen: nothing docked", file=err)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vscreen", description="GPU virtual screening: score and dock ligands.")
    p.add_argument("--version", action="version", version=f"vscreen {vscreen.__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="{score,dock,screen,report,demo,prepare-receptor,prepare-ligands,refine,model-target}")

    s = sub.add_parser("score", help="score a ligand pose in place (as vina --score_only)",
                       description="Score a ligand at its input coordinates, without a grid (vina --score_only); with "
                                   "--minimize, after a local optimisation (vina --local_only).")
    s.add_argument("--receptor", required=True,
                   help="receptor .pdbqt or .pdb with hydrogens; a raw .pdb/.cif is prepared first (prepare-receptor)")
    s.add_argument("--ligand", required=True, help="ligand .pdbqt/.sdf/.mol/.mol2 (first record)")
    s.add_argument("--scoring", choices=("vina", "vinardo"), default="vina")
    s.add_argument("--json", action="store_true", help="print JSON: ligand, affinity, inter, intra, terms, num_rotors")
    s.add_argument("--minimize", action="store_true",
                   help="optimise the pose locally first (as vina --local_only): BFGS on grid maps of a box around the "
                        "ligand (heavy-atom extent + 2 x --autobox-padding), then score it")
    s.add_argument("--autobox-padding", type=float, default=4.0, metavar="A", help="with --minimize (default 4)")
    s.add_argument("--out", help="with --minimize: write the optimised pose (.pdbqt, or .sdf)")
    s.set_defaults(func=cmd_score)

    d = sub.add_parser(
        "dock", help="dock one or more ligands",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Dock ligands into a rigid receptor. Several --ligand files, or a directory of them, dock as "
                    "one batch.",
        epilog="output (--out):\n"
               "  FILE.pdbqt  one ligand: its modes as PDBQT MODELs with REMARK VINA RESULT lines\n"
               "  FILE.sdf    any number of ligands: every mode of every ligand as one SDF record, in input order,\n"
               "              with vscreen_affinity, vscreen_rmsd_lb, ... data fields\n"
               "  DIR/        any number of ligands: DIR/<name>_out.pdbqt per ligand (a path without extension\n"
               "              or an existing directory counts as a directory)\n"
               "Bad ligand records are reported on stderr and skipped; the rest dock.\n"
               "exit status: 0 = at least one ligand docked, 1 = nothing docked, 2 = error.")
    d.add_argument("--receptor", required=True,
                   help="receptor .pdbqt or .pdb with hydrogens; a raw .pdb/.cif is prepared first (prepare-receptor)")
    d.add_argument("--ligand", nargs="+", action="extend", metavar="PATH",
                   help="ligand files (.pdbqt/.sdf/.mol/.mol2 with 3D coordinates, multi-record SDF allowed) or "
                        "directories of them; molecule libraries (.smi, .csv/.tsv, DrugBank .xml, UniChem "
                        "structure.tsv.gz) are prepared first")
    d.add_argument("--smiles", action="append", default=[], metavar="SMILES",
                   help="a molecule as SMILES, prepared first (repeatable)")
    d.add_argument("--center", nargs=3, type=float, metavar=("X", "Y", "Z"), help="box centre (A)")
    d.add_argument("--size", nargs=3, type=float, metavar=("X", "Y", "Z"), help="box edge lengths (A)")
    d.add_argument("--autobox-ligand", metavar="FILE",
                   help="box around this ligand instead of --center/--size: centre = centre of the bounding box of "
                        "its heavy atoms, size = that box's extent + 2 * padding on each axis")
    d.add_argument("--autobox-padding", type=float, default=4.0, metavar="A",
                   help="padding added on each side with --autobox-ligand (default 4)")
    d.add_argument("--search", choices=SEARCH_PRESETS, default=DEFAULT_SEARCH,
                   help="search effort preset (default %(default)s): " + SEARCH_PRESETS_HELP)
    d.add_argument("--exhaustiveness", type=int, default=None,
                   help="Monte Carlo chains per ligand (expert; default: the --search preset's)")
    d.add_argument("--num-modes", type=int, default=9, help="at most this many modes per ligand (default 9)")
    d.add_argument("--energy-range", type=float, default=3.0,
                   help="keep modes within this many kcal/mol of the best (default 3)")
    d.add_argument("--seed", type=int, default=0, help="random seed; same inputs and seed give the same output "
                                                      "(default 0)")
    d.add_argument("--scoring", choices=("vina", "vinardo"), default="vina")
    d.add_argument("--device", default="auto", help="auto (fastest available), cpu, cuda or cuda:N (default auto)")
    d.add_argument("--cpu", type=int, default=0, metavar="N", help="CPU threads (default 0 = all)")
    d.add_argument("--search-scale", type=float, default=None, metavar="F",
                   help="expert: fraction of Vina's Monte Carlo steps per chain (default: the --search preset's)")
    d.add_argument("--stall-fraction", type=float, default=None, metavar="F",
                   help="expert: a chain stops after this fraction of its steps without a new best (0 = off; "
                        "default: the --search preset's)")
    d.add_argument("--out", required=True, help="FILE.pdbqt, FILE.sdf or DIR/ (see below)")
    from .ligand_cli import add_ligand_commands, add_preparation_arguments
    add_preparation_arguments(d)
    d.set_defaults(func=cmd_dock)

    from .campaign.commands import add_campaign_commands  # screen, report, demo
    add_campaign_commands(sub)
    from .receptor_cli import add_receptor_commands  # prepare-receptor
    add_receptor_commands(sub)
    add_ligand_commands(sub)  # prepare-ligands
    from .refine.cli import add_refine_commands  # refine (OpenMM minimisation + MM-GBSA)
    add_refine_commands(sub)
    from .homology.cli import add_homology_commands  # model-target (homology model from a sequence)
    add_homology_commands(sub)
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args, sys.stdout)
    except (vscreen.VscreenError, CliError) as e:
        print(f"vscreen: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        where = f" {e.filename}" if e.filename else ""
        print(f"vscreen: error:{where}: {e.strerror or e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("vscreen: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
