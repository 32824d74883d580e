# `vscreen prepare-ligands` and the SMILES/library ligand inputs of `vscreen dock` (--smiles, .smi, .csv, ...).
"""Command-line side of ligand preparation; the library side is the C++ ``vscreen.prepare_ligands``."""
from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from typing import Iterable, Iterator, List, Sequence, TextIO, Tuple

from . import _vscreen

#: Ligand files that hold molecules to prepare (not 3D docking-ready records): read by the library readers.
LIBRARY_EXTENSIONS = (".smi", ".smiles", ".ism", ".txt", ".csv", ".tsv", ".xml")


def is_library_file(path: str) -> bool:
    low = path.lower()
    low = low[:-3] if low.endswith(".gz") else low
    return low.endswith(LIBRARY_EXTENSIONS) or os.path.basename(low).startswith("structure")


def add_preparation_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("ligand preparation (SMILES, InChI and library inputs)")
    g.add_argument("--max-stereoisomers", type=int, default=4, metavar="N",
                   help="forms made from unspecified stereocentres, at most N (default 4)")
    g.add_argument("--ring-conformers", type=int, default=1, metavar="N",
                   help="forms per stereoisomer with distinct non-aromatic ring shapes (default 1; 4 redocks "
                        "partly saturated rings better at about 10x the preparation time); when docked, they "
                        "share the molecule's --exhaustiveness chains")
    g.add_argument("--max-heavy-atoms", type=int, default=150, metavar="N", help="larger molecules fail (default 150)")
    g.add_argument("--no-protonation", action="store_true", help="keep the input's charge states (no pH 7.4 rules)")
    g.add_argument("--no-tautomer", action="store_true", help="keep the input tautomer")
    g.add_argument("--prep-seed", type=int, default=42, help="embedding seed (default 42)")


def preparation_options(args: argparse.Namespace, threads: int = 0) -> _vscreen.PreparationOptions:
    return _vscreen.PreparationOptions(
        max_stereoisomers=args.max_stereoisomers, ring_conformers=args.ring_conformers,
        max_heavy_atoms=args.max_heavy_atoms, protonate=not args.no_protonation,
        canonical_tautomer=not args.no_tautomer, seed=args.prep_seed, threads=threads)


def library_records(paths: Sequence[str], smiles: Sequence[str] = ()) -> Iterator[_vscreen.MoleculeInput]:
    """MoleculeInputs of --smiles strings and of library files (SMILES, CSV, SDF, DrugBank XML, UniChem), streamed.
    A record its reader found malformed comes through with format "invalid" and the reason as its text."""
    from .campaign.readers import read_library
    for i, s in enumerate(smiles, 1):
        yield _vscreen.MoleculeInput(s, "smiles", id=f"smiles_{i}", source=f"--smiles #{i}")
    for path in paths:
        for rec in read_library(path):
            if rec.error:
                yield _vscreen.MoleculeInput(rec.error, "invalid", id=rec.id, name=rec.name, source=rec.source)
            else:
                yield _vscreen.MoleculeInput(rec.text, rec.format, id=rec.id, name=rec.name, source=rec.source)


def prepare_stream(inputs: Iterable[_vscreen.MoleculeInput], options: _vscreen.PreparationOptions,
                   chunk: int = 512) -> Iterator[Tuple[_vscreen.MoleculeInput, List[object], str]]:
    """(input, prepared forms, error) per input, prepared a chunk at a time (bounded memory, all threads)."""
    batch: List[_vscreen.MoleculeInput] = []

    def flush():
        good = [m for m in batch if m.format != "invalid"]
        forms = _vscreen.prepare_ligands(good, options) if good else []
        by_input: List[List[object]] = [[] for _ in good]
        for f in forms:
            by_input[f.input_index].append(f)
        it = iter(by_input)
        for m in batch:
            if m.format == "invalid":
                yield m, [], m.text
                continue
            fs = next(it)
            if fs and not fs[0].ok:
                yield m, [], fs[0].error
            else:
                yield m, fs, ""

    for m in inputs:
        batch.append(m)
        if len(batch) >= chunk:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def _sd_value(v: object) -> str:
    return str(v).replace("\n", " ").strip()


def write_prepared_sdf(out: TextIO, form, record: _vscreen.MoleculeInput) -> None:
    """One SDF record: the prepared form's 3D molblock (hydrogens included) with its provenance as SD fields."""
    block = form.molblock.rstrip("\n")
    out.write(block + "\n")
    props = {"vscreen_id": record.id, "vscreen_name": record.name, "vscreen_source": record.source,
             "vscreen_variant": form.variant, "vscreen_smiles": form.smiles, "vscreen_inchikey": form.inchikey}
    for k, v in props.items():
        out.write(f">  <{k}>\n{_sd_value(v)}\n\n")
    out.write("$$$$\n")


def cmd_prepare_ligands(args: argparse.Namespace, out: TextIO) -> int:
    if not args.out.lower().endswith(".sdf"):
        raise ValueError(f"--out {args.out}: prepared ligands are written as FILE.sdf")
    failures_path = args.failures or os.path.splitext(args.out)[0] + "_failures.csv"
    opts = preparation_options(args, args.threads)
    n = ok = forms = 0
    t0 = time.perf_counter()
    with open(args.out, "w") as sdf, open(failures_path, "w", newline="") as fail:
        w = csv.writer(fail)
        w.writerow(["id", "name", "source", "error"])
        for record, prepared, error in prepare_stream(library_records(args.inputs, args.smiles), opts):
            n += 1
            if error:
                w.writerow([record.id, record.name, record.source, error])
                continue
            ok += 1
            for form in prepared:
                forms += 1
                write_prepared_sdf(sdf, form, record)
    wall = time.perf_counter() - t0
    if n == 0:
        raise _vscreen.InputError("no molecules in " + (", ".join(args.inputs) or "the input") +
                                  " (empty file, or no records in a format vscreen reads)")
    print(f"Prepared {ok} of {n} molecule(s) into {forms} form(s) in {wall:.1f} s "
          f"({n / wall if wall > 0 else 0:.1f} molecules/s): {args.out}", file=out)
    print(f"Failures: {n - ok} (table: {failures_path})", file=out)
    return 0 if ok or n == 0 else 1


def add_ligand_commands(sub) -> None:
    p = sub.add_parser(
        "prepare-ligands", help="prepare molecules (SMILES, SDF, CSV, InChI dumps) as 3D docking-ready SDF",
        description="Standardise (largest fragment, neutralise, canonical tautomer), set charge states for pH 7.4, "
                    "enumerate unspecified stereo and embed in 3D (ETKDGv3 + MMFF94). Every molecule that cannot be "
                    "prepared is listed with its reason in the failures table; the rest go on.")
    p.add_argument("inputs", nargs="*", metavar="IN",
                   help="library files: .smi, .csv/.tsv (SMILES column), .sdf[.gz], DrugBank .xml, UniChem structure.tsv.gz")
    p.add_argument("--smiles", action="append", default=[], metavar="SMILES", help="a SMILES string (repeatable)")
    p.add_argument("--out", required=True, help="OUT.sdf (one record per prepared form, SD fields vscreen_*)")
    p.add_argument("--failures", help="failures table (CSV: id, name, source, error); default OUT_failures.csv")
    p.add_argument("--threads", type=int, default=0, help="worker threads (0 = all cores)")
    add_preparation_arguments(p)
    p.set_defaults(func=cmd_prepare_ligands)


def prepared_ligands_for_docking(paths: Sequence[str], smiles: Sequence[str], options, exhaustiveness: int,
                                 err: TextIO = sys.stderr) -> Tuple[List[object], List[int], int]:
    """Docking-ready ligands from SMILES strings and library files (each form named <id> or <id>_<variant+1> when
    an input has several), the Monte Carlo chains of each (the ring shapes of a stereoisomer share
    `exhaustiveness`, see docking_chains), and the count of molecules that failed (each reported on
    ``err``)."""
    ligands: List[object] = []
    chains: List[int] = []
    bad = 0
    for record, forms, error in prepare_stream(library_records(paths, smiles), options):
        if error:
            bad += 1
            print(f"vscreen: skipped ligand '{record.id or record.name}' ({record.source}): {error}", file=err)
            continue
        for form in forms:
            lig = form.ligand
            if len(forms) > 1:
                lig.name = f"{lig.name}_{form.variant + 1}"
            ligands.append(lig)
            chains.append(_vscreen.docking_chains(form, exhaustiveness))
    return ligands, chains, bad
