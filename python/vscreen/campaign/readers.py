"""Streaming library readers: SMILES lines, CSV/TSV tables and SDF (plain or .gz), one generator per format,
plus ``read_library`` that picks the reader from the file name. Every reader yields MoleculeRecord objects one
at a time and holds only the current record in memory. DrugBank XML and UniChem dumps: drugbank.py, unichem.py.
"""
from __future__ import annotations

import csv
import gzip
import io
import os
import re
import zlib
from typing import IO, Iterator, Optional, Sequence

from .errors import CampaignError
from .identity import inchikey
from .records import MoleculeRecord

SMILES_COLUMNS = ("smiles", "canonical_smiles", "isomeric_smiles", "smi", "structure")
ID_COLUMNS = ("id", "drugbank_id", "chembl_id", "zinc_id", "compound_id", "molecule_id", "cid", "identifier")
NAME_COLUMNS = ("name", "generic_name", "pref_name", "title", "compound_name")
SDF_ID_FIELDS = ("DRUGBANK_ID", "DATABASE_ID", "ID", "chembl_id", "zinc_id", "COMPOUND_ID", "IDNUMBER")
SDF_NAME_FIELDS = ("GENERIC_NAME", "NAME", "PREFERRED_NAME", "pref_name", "Name")
SDF_KEY_FIELDS = ("INCHI_KEY", "InChIKey", "INCHIKEY", "STANDARD_INCHI_KEY")

_KEY_RE = re.compile(r"^[A-Z]{14}-[A-Z]{10}-[A-Z]$")


class _CheckedGzip(io.RawIOBase):
    """A gzip stream whose decompression errors (a truncated or corrupted download) are CampaignErrors naming the
    file, not the gzip module's EOFError, BadGzipFile or zlib.error (found by fuzzing the readers)."""

    def __init__(self, path: str):
        self._path, self._f = path, gzip.open(path, "rb")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            return self._f.readinto(buffer)
        except (OSError, EOFError, zlib.error) as e:
            raise CampaignError(f"{self._path}: corrupt or truncated gzip file ({e})") from None

    def close(self) -> None:
        self._f.close()
        super().close()


def open_text(path: str) -> IO[str]:
    """Opens a text file for reading, decompressing gzip (by its magic bytes, whatever the name)."""
    with open(path, "rb") as f:
        gz = f.read(2) == b"\x1f\x8b"
    raw = io.BufferedReader(_CheckedGzip(path)) if gz else open(path, "rb")
    return io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")


def _stem(path: str) -> str:
    name = os.path.basename(path)
    for ext in (".gz", ".smi", ".smiles", ".txt", ".csv", ".tsv", ".sdf", ".sd", ".mol", ".xml"):
        if name.lower().endswith(ext):
            name = name[: -len(ext)]
    return name or "mol"


def _valid_key(key: str) -> Optional[str]:
    key = key.strip()
    if key.startswith("InChIKey="):
        key = key[len("InChIKey="):]
    return key if _KEY_RE.match(key) else None


def read_smiles(path: str, keys: bool = True) -> Iterator[MoleculeRecord]:
    """A SMILES file: one molecule a line, ``SMILES [ID [NAME...]]`` separated by whitespace; blank lines and
    lines starting with '#' are skipped, as is a first line whose first word is "smiles". Without an ID the
    record is named <file stem>_<line>. ``keys=False`` leaves the InChIKeys to the caller (the plan computes
    them on every core)."""
    base, stem = os.path.basename(path), _stem(path)
    with open_text(path) as f:
        first = True
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 2)
            if first and parts[0].lower() in SMILES_COLUMNS:
                first = False
                continue
            first = False
            smi = parts[0]
            mid = parts[1] if len(parts) > 1 else f"{stem}_{lineno}"
            name = parts[2] if len(parts) > 2 else ""
            key = inchikey(smi, "smiles") if keys else None
            yield MoleculeRecord(mid, name, smi, "smiles", f"{base}:{lineno}", key)


def _pick(header: Sequence[str], wanted: Optional[str], candidates: Sequence[str], what: str, path: str,
          required: bool) -> Optional[int]:
    lower = [h.strip().lower() for h in header]
    if wanted:
        if wanted.lower() not in lower:
            raise CampaignError(f"{path}: no column '{wanted}' for the {what} (columns: {', '.join(header)})")
        return lower.index(wanted.lower())
    for c in candidates:
        if c in lower:
            return lower.index(c)
    if required:
        raise CampaignError(f"{path}: no {what} column (looked for {', '.join(candidates)}; columns: "
                            f"{', '.join(header)}); name it with smiles_column")
    return None


def read_csv(path: str, smiles_column: Optional[str] = None, id_column: Optional[str] = None,
             name_column: Optional[str] = None, delimiter: Optional[str] = None,
             keys: bool = True) -> Iterator[MoleculeRecord]:
    """A CSV (or TSV: .tsv/.tab, or delimiter="\\t") table with a header line. The SMILES, ID and name columns
    are found by their usual names (smiles, drugbank_id, name, ...; case-insensitive) unless named. This reads
    the DrugBank approved-drugs CSV (drugbank_id,name,smiles,atc) as it is. A row with the wrong number of cells
    or an empty SMILES cell is yielded with its error set. ``keys``: as in read_smiles."""
    base, stem = os.path.basename(path), _stem(path)
    if delimiter is None:
        low = path.lower().removesuffix(".gz")
        delimiter = "\t" if low.endswith((".tsv", ".tab")) else ","
    with open_text(path) as f:
        reader = csv.reader(f, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return
        si = _pick(header, smiles_column, SMILES_COLUMNS, "SMILES", path, True)
        ii = _pick(header, id_column, ID_COLUMNS, "ID", path, False)
        ni = _pick(header, name_column, NAME_COLUMNS, "name", path, False)
        for row in reader:
            lineno = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            src = f"{base}:{lineno}"
            mid = row[ii].strip() if ii is not None and ii < len(row) else ""
            mid = mid or f"{stem}_{lineno}"
            name = row[ni].strip() if ni is not None and ni < len(row) else ""
            if len(row) != len(header):
                yield MoleculeRecord(mid, name, "", "smiles", src,
                                     error=f"malformed row: {len(row)} cells, the header has {len(header)}")
                continue
            smi = row[si].strip()
            if not smi:
                yield MoleculeRecord(mid, name, "", "smiles", src, error="empty SMILES cell")
                continue
            yield MoleculeRecord(mid, name, smi, "smiles", src, inchikey(smi, "smiles") if keys else None)


def _sdf_record(lines, start: int, count: int, base: str, stem: str, id_field: Optional[str],
                name_field: Optional[str], keys: bool = True) -> MoleculeRecord:
    src = f"{base}:{start}"
    try:
        end = next(i for i, l in enumerate(lines) if l.startswith("M  END"))
    except StopIteration:
        title = lines[0].strip() if lines else ""
        return MoleculeRecord(title or f"{stem}_{count}", "", "", "molblock", src,
                              error="SDF record without 'M  END' (truncated or not a molfile)")
    block = "".join(lines[: end + 1])
    fields = {}
    i = end + 1
    while i < len(lines):
        m = re.match(r">.*<([^>]+)>", lines[i])
        if m:
            values = []
            i += 1
            while i < len(lines) and lines[i].strip():
                values.append(lines[i].rstrip("\r\n"))
                i += 1
            fields[m.group(1)] = "\n".join(values)
        i += 1
    title = lines[0].strip()

    def field(named, candidates):
        if named:
            return fields.get(named, "").strip()
        return next((fields[c].strip() for c in candidates if fields.get(c, "").strip()), "")

    mid = field(id_field, SDF_ID_FIELDS) or title or f"{stem}_{count}"
    name = field(name_field, SDF_NAME_FIELDS) or (title if title != mid else "")
    key = next((_valid_key(fields[c]) for c in SDF_KEY_FIELDS if c in fields), None)
    if key is None and keys:
        key = inchikey(block, "molblock")
    return MoleculeRecord(mid, name, block, "molblock", src, key)


def read_sdf(path: str, id_field: Optional[str] = None, name_field: Optional[str] = None,
             keys: bool = True) -> Iterator[MoleculeRecord]:
    """An SDF file (plain or .gz), record by record. The ID comes from id_field, else from the first of the usual
    data fields (DRUGBANK_ID, DATABASE_ID, ID, ...), else the title line; the name from name_field, GENERIC_NAME,
    NAME, ... This reads DrugBank's structure SDF (DRUGBANK_ID, GENERIC_NAME, INCHI_KEY) as it is. An INCHI_KEY
    field is trusted as the de-duplication key; otherwise the key is computed from the molblock (unless
    ``keys=False``, as in read_smiles)."""
    base, stem = os.path.basename(path), _stem(path)
    with open_text(path) as f:
        lines, start, count = [], 1, 0
        for lineno, line in enumerate(f, 1):
            if line.startswith("$$$$"):
                count += 1
                if any(l.strip() for l in lines):
                    yield _sdf_record(lines, start, count, base, stem, id_field, name_field, keys)
                lines, start = [], lineno + 1
            else:
                lines.append(line)
        if any(l.strip() for l in lines):
            count += 1
            yield _sdf_record(lines, start, count, base, stem, id_field, name_field, keys)


def library_format(path: str) -> str:
    """The reader a file name asks for: smiles, csv, sdf, drugbank-xml or unichem (a structure.tsv[.gz] dump)."""
    low = os.path.basename(path).lower()
    low = low[:-3] if low.endswith(".gz") else low
    if low.startswith("structure") and low.endswith(".tsv"):
        return "unichem"
    for fmt, exts in (("smiles", (".smi", ".smiles", ".txt", ".ism")), ("csv", (".csv", ".tsv", ".tab")),
                      ("sdf", (".sdf", ".sd", ".mol")), ("drugbank-xml", (".xml",))):
        if low.endswith(exts):
            return fmt
    raise CampaignError(f"{path}: cannot tell the library format from the name; give format "
                        f"(smiles, csv, sdf, drugbank-xml, unichem)")


def read_library(path: str, format: str = "auto", keys: bool = True, **options) -> Iterator[MoleculeRecord]:
    """Records of one library file with the reader for its format ("auto": from the name). Options go to the
    reader (smiles_column=..., id_field=..., groups=..., reference=..., sources=...). ``keys=False``: records
    that carry no InChIKey in the file get none (the caller computes them; UniChem dumps always carry theirs)."""
    if not os.path.exists(path):
        raise CampaignError(f"{path}: library file not found")
    fmt = library_format(path) if format == "auto" else format
    if fmt == "smiles":
        return read_smiles(path, keys=keys, **options)
    if fmt == "csv":
        return read_csv(path, keys=keys, **options)
    if fmt == "sdf":
        return read_sdf(path, keys=keys, **options)
    if fmt == "drugbank-xml":
        from .drugbank import read_drugbank_xml
        return read_drugbank_xml(path, keys=keys, **options)
    if fmt == "unichem":
        from .unichem import read_unichem
        return read_unichem(path, **options)
    raise CampaignError(f"{path}: unknown library format '{fmt}' (smiles, csv, sdf, drugbank-xml, unichem)")
