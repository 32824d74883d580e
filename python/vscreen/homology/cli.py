# The `vscreen model-target` command: a homology model from a FASTA sequence and template structures, with its report.
"""Command-line side of :func:`vscreen.homology.model_target`; prints the text report."""
from __future__ import annotations

import argparse
from typing import TextIO

from .minimise import MAX_ITERATIONS


def cmd_model_target(args: argparse.Namespace, out: TextIO) -> int:
    from .model import model_target
    center_size = {}
    if args.box_center or args.box_size:
        center_size = {"box_center": args.box_center, "box_size": args.box_size}
    res = model_target(args.sequence, args.template, args.out, record=args.record, report=args.report,
                       box_residues=args.box_residues, box_ligand=args.box_ligand, box_padding=args.box_padding,
                       max_iterations=args.iterations, **center_size)
    print(res.report.text(residues=args.residues), file=out)
    print(f"\nModel built in {res.seconds:.1f} s" + (f"; report: {res.report_path}" if res.report_path else ""),
          file=out)
    return 0


def add_homology_commands(sub) -> None:
    """Adds `model-target` to the subcommands of the vscreen parser."""
    p = sub.add_parser(
        "model-target", help="build a homology model of a target sequence on a template structure",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Align the target sequence to the template's residues (BLOSUM62, affine gaps), copy the backbone "
                    "of aligned residues and the side chains of identical ones, rebuild the rest and the loops "
                    "(PDBFixer), minimise with restraints on the copied atoms (OpenMM, ff14SB + OBC2), and report "
                    "identity, coverage, per-residue origin, clashes, Ramachandran outliers and the pocket.",
        epilog="The model (heavy atoms, numbered by the target sequence, in the template's frame) is a raw structure "
               "for `vscreen prepare-receptor`.\nRefused: identity below 25%, fewer than 30 aligned residues or a "
               "BLOSUM62 score below 1.0 per aligned pair.\nexit status: 0 = model written, 2 = error.")
    p.add_argument("--sequence", required=True, help="FASTA file of the target")
    p.add_argument("--record", metavar="ID", help="the FASTA record to model (needed when the file has several)")
    p.add_argument("--template", required=True, action="append", metavar="FILE[:CHAIN]",
                   help="template structure (.pdb/.cif, optionally .gz) and chain; repeatable: the best-scoring "
                        "alignment is modelled; without a chain every protein chain is a candidate")
    p.add_argument("--out", required=True, help="model PDB to write")
    p.add_argument("--report", metavar="FILE.json", help="write the model report as JSON")
    p.add_argument("--box-residues", metavar="A:HIS41,...",
                   help="box around these template residues, mapped to the model through the alignment")
    p.add_argument("--box-ligand", metavar="FILE", help="box around a ligand placed in the template")
    p.add_argument("--box-center", nargs=3, type=float, metavar=("X", "Y", "Z"), help="box centre (template frame)")
    p.add_argument("--box-size", nargs=3, type=float, metavar=("X", "Y", "Z"), help="box size (A)")
    p.add_argument("--box-padding", type=float, default=4.0, help="padding around residues or ligand (default 4)")
    p.add_argument("--iterations", type=int, default=MAX_ITERATIONS, metavar="N",
                   help=f"at most N steps of the restrained minimisation (default {MAX_ITERATIONS})")
    p.add_argument("--residues", action="store_true", help="print the per-residue origin table too")
    p.set_defaults(func=cmd_model_target)
