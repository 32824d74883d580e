# Damaged gzip files given to the campaign readers (what atheris found first: the gzip module's EOFError,
# BadGzipFile and zlib.error escaped every reader): each is a CampaignError naming the file.
import gzip

import pytest

from vscreen.campaign import CampaignError, read_csv, read_drugbank_xml, read_sdf, read_smiles, read_unichem

TEXT = {
    "lib.csv": "drugbank_id,name,smiles\n" + "".join(f"DB{i:05d},drug {i},{'C' * (1 + i % 9)}O\n" for i in range(300)),
    "lib.smi": "".join(f"{'C' * (1 + i % 9)}O m{i}\n" for i in range(300)),
    "lib.sdf": "".join(f"m{i}\n  vscreen\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n"
                       "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\nM  END\n$$$$\n"
                       for i in range(200)),
    "drugbank.xml": '<?xml version="1.0"?>\n<drugbank xmlns="http://www.drugbank.ca">\n' + "".join(
        f'<drug type="small molecule"><drugbank-id primary="true">DB{i:05d}</drugbank-id><name>d{i}</name></drug>\n'
        for i in range(200)) + "</drugbank>\n",
    "structure.tsv": "UCI\tSTANDARDINCHI\tSTANDARDINCHIKEY\n" + "".join(
        f"{i}\tInChI=1S/CH4/h1H4\tVNWKTOKETHGBQD-UHFFFAOYSA-N\n" for i in range(1, 300)),
}
READ = {"lib.csv": read_csv, "lib.smi": read_smiles, "lib.sdf": read_sdf, "drugbank.xml": read_drugbank_xml,
        "structure.tsv": read_unichem}


def _damaged(data: bytes, how: str) -> bytes:
    packed = bytearray(gzip.compress(data, mtime=0))
    if how == "truncated":
        return bytes(packed[: len(packed) // 2])
    if how == "crc":
        packed[-8] ^= 0xFF  # the trailer's CRC-32
        return bytes(packed)
    packed[len(packed) // 2] ^= 0xFF  # a byte of the deflate stream
    return bytes(packed)


@pytest.mark.parametrize("how", ["truncated", "crc", "deflate"])
@pytest.mark.parametrize("name", sorted(TEXT))
def test_damaged_gzip_is_a_campaign_error(tmp_path, name, how):
    path = tmp_path / (name + ".gz")
    path.write_bytes(_damaged(TEXT[name].encode(), how))
    with pytest.raises(CampaignError, match=r"\.gz: (corrupt or truncated gzip file|not well-formed)"):
        for _ in READ[name](str(path), keys=False) if name not in ("structure.tsv",) else READ[name](str(path)):
            pass


@pytest.mark.parametrize("name", sorted(TEXT))
def test_whole_gzip_reads(tmp_path, name):
    path = tmp_path / (name + ".gz")
    path.write_bytes(gzip.compress(TEXT[name].encode(), mtime=0))
    kwargs = {} if name == "structure.tsv" else {"keys": False}
    assert len(list(READ[name](str(path), **kwargs))) >= 200
