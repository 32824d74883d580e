#!/usr/bin/env python3
"""atheris (libFuzzer for Python) on the campaign readers of outside input: CSV, SMILES, SDF, DrugBank XML and
UniChem TSV, each plain or gzipped. A reader may refuse an input only with a CampaignError (a vscreen
InputError); any other exception is a finding, saved by libFuzzer as crash-<sha1> in the work folder.

    python tests/fuzz/fuzz_campaign_readers.py --seconds 60 --data tests/data --work build-fuzz/python

runs each reader for --seconds in its own process and prints a table (inputs executed, seconds, findings).
"""
import argparse
import gzip
import os
import subprocess
import sys
import time

READERS = ("csv", "smiles", "sdf", "drugbank", "unichem")
EXTENSION = {"csv": ".csv", "smiles": ".smi", "sdf": ".sdf", "drugbank": ".xml", "unichem": ".tsv"}

SEEDS = {
    "csv": ["drugbank_id,name,smiles,atc\nDB00945,Aspirin,CC(=O)Oc1ccccc1C(=O)O,N02BA01\n"
            "DB00316,Acetaminophen,CC(=O)Nc1ccc(O)cc1,\n,,,\n\"DB1\",\"a,b\",C1CC,x\n"],
    "smiles": ["smiles id name\nCCO eth Ethanol\nc1ccccc1O phenol\n# comment\nC1CC broken\n\n"],
    "drugbank": ['<?xml version="1.0" encoding="UTF-8"?>\n<drugbank xmlns="http://www.drugbank.ca" version="5.1">\n'
                 '<drug type="small molecule"><drugbank-id primary="true">DB00945</drugbank-id><name>Aspirin</name>'
                 '<groups><group>approved</group></groups><calculated-properties><property><kind>SMILES</kind>'
                 '<value>CC(=O)Oc1ccccc1C(=O)O</value></property><property><kind>InChIKey</kind>'
                 '<value>BSYNRYMUTXBXSQ-UHFFFAOYSA-N</value></property></calculated-properties></drug>\n'
                 '<drug type="biotech"><drugbank-id primary="true">DB00001</drugbank-id><name>Lepirudin</name>'
                 '</drug>\n</drugbank>\n'],
    "unichem": ["UCI\tSTANDARDINCHI\tSTANDARDINCHIKEY\n1\tInChI=1S/C2H6O/c1-2-3/h3H,2H2,1H3\t"
                "LFQSCWFLJHTTHZ-UHFFFAOYSA-N\n2\tInChI=1S/C6H6O/c7-6-4-2-1-3-5-6/h1-5,7H\t"
                "ISWSIDIOOBJBQZ-UHFFFAOYSA-N\nx\tbad\n"],
}


def seeds(reader, data_dirs):
    out = [s.encode() for s in SEEDS.get(reader, [])]
    ext = EXTENSION[reader]
    for d in data_dirs:
        for root, _, names in os.walk(d):
            for n in sorted(names):
                if n.endswith(ext) and os.path.getsize(os.path.join(root, n)) < 20000:
                    out.append(open(os.path.join(root, n), "rb").read())
    return out[:50] + [gzip.compress(s, mtime=0) for s in out[:10]]


def one(reader, work, seconds, data_dirs):
    import atheris
    import numpy, pandas, rdkit.Chem  # noqa: F401,E401 - imported before, not instrumented (slow, not ours)
    from vscreen._vscreen import InputError
    with atheris.instrument_imports(include=[f"vscreen.campaign.{m}" for m in ("readers", "drugbank", "unichem",
                                                                               "identity")]):
        from vscreen.campaign import readers as r, drugbank, unichem
        from vscreen.campaign.errors import CampaignError
    path = os.path.join(work, f"input-{os.getpid()}{EXTENSION[reader]}")
    read = {"csv": r.read_csv, "smiles": r.read_smiles, "sdf": r.read_sdf, "drugbank": drugbank.read_drugbank_xml,
            "unichem": unichem.read_unichem}[reader]

    def test_one(data: bytes) -> None:
        with open(path, "wb") as f:
            f.write(data)
        try:
            for _ in read(path):
                pass
        except (CampaignError, InputError):
            pass

    corpus = os.path.join(work, reader, "corpus")
    os.makedirs(corpus, exist_ok=True)
    for k, s in enumerate(seeds(reader, data_dirs)):
        with open(os.path.join(corpus, f"seed-{k}"), "wb") as f:
            f.write(s)
    atheris.Setup([sys.argv[0], f"-max_total_time={seconds}", "-timeout=1", "-rss_limit_mb=2048",
                   "-print_final_stats=1", f"-artifact_prefix={os.path.join(work, reader)}/", corpus], test_one)
    atheris.Fuzz()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--data", action="append", default=[])
    ap.add_argument("--work", required=True)
    ap.add_argument("--reader", action="append", choices=READERS, help="default: all")
    ap.add_argument("--one", choices=READERS, help=argparse.SUPPRESS)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    if a.one:
        return one(a.one, a.work, a.seconds, a.data)
    print("| reader | inputs executed | seconds | exec/s | findings |\n| --- | ---: | ---: | ---: | --- |")
    status = 0
    for reader in a.reader or READERS:
        log = os.path.join(a.work, f"{reader}.log")
        t0 = time.time()
        with open(log, "w") as f:
            rc = subprocess.call([sys.executable, __file__, "--one", reader, "--seconds", str(a.seconds),
                                  "--work", a.work] + [x for d in a.data for x in ("--data", d)],
                                 stdout=f, stderr=subprocess.STDOUT)
        secs = time.time() - t0
        runs = [l.split(":")[-1].strip() for l in open(log, errors="replace") if "number_of_executed_units" in l]
        found = sorted(n for n in os.listdir(os.path.join(a.work, reader)) if n.startswith(("crash-", "timeout-",
                                                                                          "oom-", "leak-")))
        status |= rc != 0
        n = int(runs[-1]) if runs else 0
        print(f"| {reader} | {n} | {secs:.0f} | {n / secs:.0f} | {' '.join(found) or 'none'}"
              f"{f' (rc {rc}, {log})' if rc else ''} |", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
