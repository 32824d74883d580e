"""Streaming reader of DrugBank's full database XML (``full database.xml``, schema drugbank.xsd 5.x).

Each top-level <drug> becomes one record: primary <drugbank-id>, <name>, the SMILES (else InChI) and InChIKey of
<calculated-properties> (else <experimental-properties>). Elements are cleared as soon as a drug is read, so
memory stays flat on the 1.5 GB file. DrugBank's structure SDF needs no reader of its own: readers.read_sdf
takes its DRUGBANK_ID, GENERIC_NAME and INCHI_KEY fields.
"""
from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from typing import Iterable, Iterator, Optional

from .errors import CampaignError
from .identity import inchikey
from .readers import _valid_key, open_text
from .records import MoleculeRecord


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _properties(drug: ET.Element, section: str) -> dict:
    out = {}
    for child in drug:
        if _local(child.tag) != section:
            continue
        for prop in child:
            kind = value = None
            for part in prop:
                name = _local(part.tag)
                if name == "kind":
                    kind = (part.text or "").strip()
                elif name == "value":
                    value = (part.text or "").strip()
            if kind and value and kind not in out:
                out[kind] = value
    return out


def _record(drug: ET.Element, base: str, count: int, keys: bool = True) -> MoleculeRecord:
    ids, name = [], ""
    for child in drug:
        tag = _local(child.tag)
        if tag == "drugbank-id":
            text = (child.text or "").strip()
            if child.get("primary") == "true":
                ids.insert(0, text)
            else:
                ids.append(text)
        elif tag == "name" and not name:
            name = (child.text or "").strip()
    mid = ids[0] if ids else f"drug_{count}"
    src = f"{base}:drug {count}"
    props = _properties(drug, "calculated-properties")
    for kind, value in _properties(drug, "experimental-properties").items():
        props.setdefault(kind, value)
    key = _valid_key(props.get("InChIKey", ""))
    if props.get("SMILES"):
        smi = props["SMILES"]
        return MoleculeRecord(mid, name, smi, "smiles", src, key or (inchikey(smi, "smiles") if keys else None))
    if props.get("InChI"):
        inchi = props["InChI"]
        return MoleculeRecord(mid, name, inchi, "inchi", src, key or (inchikey(inchi, "inchi") if keys else None))
    kind = drug.get("type", "unknown type")
    return MoleculeRecord(mid, name, "", "smiles", src, key,
                          error=f"no structure in DrugBank (a {kind} drug: no SMILES or InChI)")


def _groups(drug: ET.Element) -> set:
    for child in drug:
        if _local(child.tag) == "groups":
            return {(g.text or "").strip().lower() for g in child}
    return set()


def read_drugbank_xml(path: str, groups: Optional[Iterable[str]] = None,
                      keys: bool = True) -> Iterator[MoleculeRecord]:
    """Records of DrugBank's XML, in file order. ``groups`` (e.g. ["approved"]) keeps only drugs in one of those
    groups; others are skipped as not part of the library. Drugs without a structure (biotech) are yielded with
    their error set, so they show up as failed results. ``keys=False``: drugs without a DrugBank InChIKey get
    none (the caller computes them)."""
    base = os.path.basename(path)
    wanted = {g.lower() for g in groups} if groups else None
    count = 0
    depth = 0
    root = None
    try:
        with open_text(path) as f:
            for event, elem in ET.iterparse(f, events=("start", "end")):
                if event == "start":
                    depth += 1
                    if depth == 1:
                        root = elem
                    continue
                depth -= 1
                if depth == 1 and _local(elem.tag) == "drug":
                    count += 1
                    if wanted is None or _groups(elem) & wanted:
                        yield _record(elem, base, count, keys)
                    elem.clear()
                    if root is not None:
                        root.clear()
    except ET.ParseError as e:
        raise CampaignError(f"{path}: not well-formed DrugBank XML after drug {count}: {e}") from None
