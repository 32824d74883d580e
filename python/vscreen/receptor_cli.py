# The `vscreen prepare-receptor` command, and the raw-structure receptor path of `vscreen score` / `vscreen dock`.
"""Command-line side of receptor preparation (the library side is :mod:`vscreen.receptor_prep`)."""
from __future__ import annotations

import argparse
import os
import tempfile
from typing import Optional, TextIO

from . import _vscreen
from .receptor_prep import prepare_receptor
from .structure_file import CIF_EXTENSIONS, PDB_EXTENSIONS, has_hydrogens


def preparation_reason(path: str) -> Optional[str]:
    """Why ``path`` must go through prepare_receptor before docking ("is mmCIF", "is gzipped", "has no hydrogens"),
    or None for a file read_receptor takes as it is (.pdbqt, a PDB with hydrogens, anything else it rejects)."""
    name = path.lower()
    gz = name.endswith(".gz")
    ext = os.path.splitext(name[:-3] if gz else name)[1]
    if ext in CIF_EXTENSIONS:
        return "is mmCIF"
    if ext in PDB_EXTENSIONS:
        if gz:
            return "is gzipped"
        if not has_hydrogens(path):
            return "has no hydrogens"
    return None


def read_receptor_preparing(path: str, err: TextIO) -> _vscreen.Receptor:
    """The receptor of ``path``; a raw structure (see preparation_reason) is prepared first with the defaults of
    prepare_receptor in a temporary folder, and a line on ``err`` says so."""
    reason = preparation_reason(path)
    if reason is None:
        from . import read_receptor
        return read_receptor(path)
    with tempfile.TemporaryDirectory(prefix="vscreen-receptor-") as tmp:
        stem = os.path.basename(path).split(".")[0] or "receptor"
        res = prepare_receptor(path, os.path.join(tmp, stem + ".pdbqt"))
        print(f"vscreen: receptor {path} {reason}: prepared it first with PDBFixer/OpenMM (chains "
              f"{','.join(res.chains)}, {res.hydrogens_added} hydrogens added at pH {res.ph:g}, waters and hetero "
              f"groups removed, {len(res.metals_kept)} metal ion(s) kept); `vscreen prepare-receptor` keeps the "
              f"files and takes options", file=err)
        return _vscreen.read_receptor_pdbqt_file(res.pdbqt_path)


def cmd_prepare_receptor(args: argparse.Namespace, out: TextIO) -> int:
    res = prepare_receptor(args.input, args.out, pdb_out=args.pdb_out, chains=args.chains,
                           keep_waters=args.keep_waters, keep_het=args.keep_het, keep_metals=not args.no_metals,
                           ph=args.ph, add_missing_residues=args.build_missing_residues,
                           replace_nonstandard=not args.keep_nonstandard)
    print(res.summary(), file=out)
    return 0


def add_receptor_commands(sub) -> None:
    """Adds `prepare-receptor` to the subcommands of the vscreen parser."""
    p = sub.add_parser(
        "prepare-receptor", help="prepare a receptor PDBQT from a raw PDB or mmCIF file",
        description="Prepare a rigid docking receptor from a structure as the PDB distributes it (PDB or mmCIF, "
                    "optionally gzipped), with PDBFixer and OpenMM: first model; alternate locations resolved "
                    "(highest occupancy, first on ties); chains selected; waters and hetero groups removed, metal "
                    "ions kept; modified residues replaced by their standard parents; missing heavy atoms added "
                    "(no loops built unless asked); hydrogens added at the pH. Writes the receptor PDBQT and the "
                    "prepared PDB with all hydrogens, and prints what was done.")
    p.add_argument("input", metavar="IN", help="structure file: .pdb, .ent, .cif or .mmcif (optionally .gz)")
    p.add_argument("--out", required=True, metavar="OUT.pdbqt", help="receptor PDBQT to write")
    p.add_argument("--pdb-out", metavar="OUT.pdb", help="prepared PDB with all hydrogens (default: OUT_H.pdb)")
    p.add_argument("--chains", metavar="A,B", help="chains to keep (default: every protein chain of at least 20 "
                                                     "residues, and chains of hetero groups only)")
    p.add_argument("--keep-waters", action="store_true", help="keep crystal waters (default: removed)")
    p.add_argument("--keep-het", metavar="NAME,...", help="hetero groups/cofactors to keep, by residue name "
                                                          "(e.g. HEM,NAD; default: all removed)")
    p.add_argument("--no-metals", action="store_true", help="remove metal ions too (default: kept)")
    p.add_argument("--ph", type=float, default=7.4, help="pH of the protonation states (default 7.4)")
    p.add_argument("--build-missing-residues", action="store_true",
                   help="build residues missing inside chains (PDBFixer loop model; default: not built)")
    p.add_argument("--keep-nonstandard", action="store_true",
                   help="keep modified residues (MSE, SEP, ...) instead of replacing them by their standard parents")
    p.set_defaults(func=cmd_prepare_receptor)
