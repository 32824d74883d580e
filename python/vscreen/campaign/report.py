"""The final report of a campaign directory: DuckDB over every finished chunk (all shards), a ranked hits CSV
per target, a failures CSV, and one HTML page with the score distributions and the top hits drawn.

The chunk files are first compacted into a few merged parts per target (merged.py), so the queries open tens of
files however many chunks there are. Everything is computed by SQL (DuckDB streams the files; the top hits are
a Top-N, not a sort of every row; DuckDB's memory is capped and spills to report/.duckdb-tmp), so reporting a
campaign of millions of rows needs no more memory than the top hits; report/query.sql holds the queries.
"""
from __future__ import annotations

import html
import io
import os
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from .chunk_job import TERM_COLUMNS
from .store import CampaignStore, atomic_write_text

#: Hits per target kept in memory (Report.hits) for printing and drawing; the CSV files hold the rest.
SHOWN = 100


@dataclass
class Report:
    """What build_report wrote and found. ``hits[target]`` is the ranked top of each target (a DataFrame)."""
    out_dir: str
    html_path: str
    query_path: str
    csv_paths: Dict[str, str]
    hits: Dict[str, "object"]
    counts: "object"  # DataFrame: target, status, stage, n
    missing_chunks: Dict[str, List[int]] = field(default_factory=dict)
    chunks_in_library: Optional[int] = None
    duplicate_rows: int = 0

    @property
    def complete(self) -> bool:
        """Every chunk of the library is done for every target (known once the library is planned)."""
        return self.chunks_in_library is not None and not any(self.missing_chunks.values())


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def hits_query(target: str, top: int) -> str:
    """The ranked hits of one target: the best ``top`` by affinity (0 = all), a Top-N over the rows."""
    terms = ", ".join(TERM_COLUMNS)
    limit = f" LIMIT {int(top)}" if top > 0 else ""
    return ("SELECT row_number() OVER (ORDER BY affinity, position) AS rank,\n"
            f"       id, name, smiles, affinity, inter, intra, {terms},\n"
            "       variant, variants, heavy_atoms, torsions, evaluations, inchikey, source, chunk, position\n"
            f"FROM (SELECT * FROM results WHERE target = {_sql_str(target)} AND status = 'ok'\n"
            f"      ORDER BY affinity, position{limit})\n"
            "ORDER BY rank")


def queries(results_glob: str, top: int) -> Dict[str, str]:
    """The SQL the report runs (DuckDB dialect), by name; "hits" is shown for a target named <target>."""
    src = f"read_parquet({_sql_str(results_glob)}, union_by_name = true)"
    return {
        "results": f"CREATE OR REPLACE VIEW results AS SELECT * FROM {src};",
        "hits": hits_query("<target>", top),
        "counts": ("SELECT target, status, stage, count(*) AS n FROM results\n"
                   "GROUP BY ALL ORDER BY target, status, stage"),
        "histogram": ("SELECT target, floor(affinity * 4) / 4 AS bin, count(*) AS n FROM results\n"
                      "WHERE status = 'ok' GROUP BY ALL ORDER BY target, bin"),
        "failures": ("SELECT target, stage, id, name, input, error, source, chunk, position FROM results\n"
                     "WHERE status <> 'ok' ORDER BY target, position"),
        "failure_reasons": ("SELECT stage, error, count(*) AS n FROM results WHERE status <> 'ok'\n"
                            "GROUP BY ALL ORDER BY n DESC, stage, error LIMIT 25"),
        "duplicates": ("SELECT count(*) AS n FROM (SELECT target, position FROM results\n"
                       "GROUP BY ALL HAVING count(*) > 1)"),
    }


def _histogram_svg(bins, title: str) -> str:
    from matplotlib.figure import Figure
    fig = Figure(figsize=(5.5, 3.0))
    ax = fig.add_subplot()
    ax.bar(bins["bin"], bins["n"], width=0.25, align="edge", color="#4c72b0", edgecolor="white", linewidth=0.3)
    ax.set_xlabel("affinity (kcal/mol)")
    ax.set_ylabel("molecules")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    return buf.getvalue()[buf.getvalue().find("<svg"):]


def molecule_svg(smiles: str, width: int = 220, height: int = 170) -> str:
    """A 2D drawing of a SMILES as inline SVG (RDKit); an empty string when it cannot be parsed."""
    from rdkit import Chem, rdBase
    from rdkit.Chem.Draw import rdMolDraw2D
    with rdBase.BlockLogs():
        mol = Chem.MolFromSmiles(smiles) if smiles else None
    if mol is None:
        return ""
    d = rdMolDraw2D.MolDraw2DSVG(width, height)
    rdMolDraw2D.PrepareAndDrawMolecule(d, mol)
    d.FinishDrawing()
    svg = d.GetDrawingText()
    return svg[svg.find("<svg"):]


def _table(frame, columns) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for _, r in frame.iterrows():
        cells = []
        for c in columns:
            v = r[c]
            cells.append(f"<td>{v:.2f}</td>" if isinstance(v, float) else f"<td>{html.escape(str(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


_CSS = ("body{font-family:sans-serif;margin:2em;max-width:1200px} table{border-collapse:collapse;font-size:13px}"
        "td,th{border:1px solid #ccc;padding:3px 6px;text-align:left} .grid{display:flex;flex-wrap:wrap;gap:8px}"
        ".card{border:1px solid #ddd;padding:4px;width:224px;font-size:12px} pre{background:#f6f6f6;padding:8px;"
        "overflow-x:auto} .warn{color:#a40}")


def _html(manifest, rep: Report, hist, reasons, sql: Dict[str, str], draw: int, generated: str) -> str:
    ident = manifest["identity"]
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>vscreen report: "
             f"{html.escape(ident['name'])}</title><style>{_CSS}</style></head><body>",
             f"<h1>Campaign {html.escape(ident['name'])}</h1>",
             f"<p>{html.escape(rep.out_dir)} &middot; generated {generated} &middot; vscreen "
             f"{html.escape(manifest.get('vscreen_version', '?'))} &middot; docking "
             f"{html.escape(', '.join(f'{k}={v}' for k, v in sorted(ident['docking'].items())))}</p>"]
    if rep.chunks_in_library is None:
        parts.append("<p class='warn'>The library is not planned yet: completeness unknown.</p>")
    elif rep.complete:
        parts.append(f"<p>Complete: all {rep.chunks_in_library} chunks done for every target.</p>")
    else:
        miss = "; ".join(f"{t}: {len(m)} missing" for t, m in rep.missing_chunks.items() if m)
        parts.append(f"<p class='warn'>Incomplete ({rep.chunks_in_library} chunks in the library): {miss}.</p>")
    if rep.duplicate_rows:
        parts.append(f"<p class='warn'>{rep.duplicate_rows} (target, position) pairs appear more than once.</p>")
    parts.append("<h2>Molecules by status</h2>" + _table(rep.counts, ["target", "status", "stage", "n"]))
    for t in [t["name"] for t in ident["targets"]]:
        hits = rep.hits.get(t)
        parts.append(f"<h2>Target {html.escape(t)}</h2>")
        parts.append(_model_section(rep.out_dir, t))
        bins = hist[hist["target"] == t]
        if len(bins):
            parts.append(_histogram_svg(bins, f"{t}: best affinity per molecule"))
        if hits is None or not len(hits):
            parts.append("<p>No docked molecule yet.</p>")
            continue
        csv_name = os.path.basename(rep.csv_paths[t])
        parts.append(f"<p>Ranked hits: <a href='{html.escape(csv_name)}'>{html.escape(csv_name)}</a></p>"
                     "<div class='grid'>")
        for _, r in hits.head(draw).iterrows():
            parts.append(f"<div class='card'>{molecule_svg(r['smiles'])}<br><b>#{r['rank']} "
                         f"{html.escape(str(r['id']))}</b> {html.escape(str(r['name']))}<br>"
                         f"{r['affinity']:.2f} kcal/mol</div>")
        parts.append("</div>")
        parts.append(_table(hits.head(25), ["rank", "id", "name", "affinity", "inter", "intra", "smiles"]))
    if len(reasons):
        parts.append("<h2>Failures (most frequent reasons)</h2>" + _table(reasons, ["stage", "error", "n"]) +
                     "<p>Every failed molecule: <a href='failures.csv'>failures.csv</a></p>")
    parts.append("<h2>Queries (DuckDB)</h2><pre>" + html.escape(
        "\n\n".join(f"-- {k}\n{v}" for k, v in sql.items())) + "</pre></body></html>")
    return "\n".join(parts)


def _model_section(campaign_dir: str, target: str) -> str:
    """The model report of a modelled target (campaign.targets wrote it beside the prepared receptor), or ""."""
    import json
    from ..homology.report import ModelReport
    from .targets import model_report_path
    path = model_report_path(CampaignStore(campaign_dir).prepared_receptor_path(target))
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8") as f:
        return ModelReport.from_dict(json.load(f)).html()


def build_report(campaign_dir: str, top: int = 1000, draw: int = 12, memory_limit: str = "1GB") -> Report:
    """Merges every finished chunk of every shard and writes DIR/report/: hits_<target>.csv (ranked, the best
    ``top`` per target; 0 = all), failures.csv, report.html, query.sql. ``memory_limit`` caps DuckDB (it spills
    to disk beyond). Raises CampaignError when the directory is not a campaign."""
    import duckdb
    from .merged import compact
    from .planned import PlannedLibrary
    store = CampaignStore(campaign_dir)
    manifest = store.read_manifest()
    targets = [t["name"] for t in manifest["identity"]["targets"]]
    os.makedirs(store.report_dir, exist_ok=True)
    sql = queries(os.path.join(store.root, "merged", "*", "part-*.parquet"), top)
    rep = Report(store.root, os.path.join(store.report_dir, "report.html"),
                 os.path.join(store.report_dir, "query.sql"), {}, {}, None)
    atomic_write_text(rep.query_path, "-- vscreen report queries (DuckDB); run from any directory\n\n" +
                      "\n\n".join(f"-- {k}\n{v};" if not v.endswith(";") else f"-- {k}\n{v}"
                                  for k, v in sql.items()) + "\n")
    if PlannedLibrary.exists(store.library_dir):
        rep.chunks_in_library = PlannedLibrary.open(store.library_dir).chunks
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = {_sql_str(memory_limit)}")
        con.execute(f"SET temp_directory = {_sql_str(os.path.join(store.report_dir, '.duckdb-tmp'))}")
        part_files = []
        for t in targets:
            done = store.done_chunks(t)
            if rep.chunks_in_library is not None:
                rep.missing_chunks[t] = sorted(set(range(rep.chunks_in_library)) - done)
            part_files += compact(store, t, con)
        if not part_files:
            import pandas as pd
            empty = pd.DataFrame(columns=["target", "status", "stage", "n"])
            rep.counts, hist, reasons = empty, pd.DataFrame(columns=["target", "bin", "n"]), \
                pd.DataFrame(columns=["stage", "error", "n"])
        else:
            con.execute(sql["results"])
            rep.counts = con.execute(sql["counts"]).df()
            hist = con.execute(sql["histogram"]).df()
            reasons = con.execute(sql["failure_reasons"]).df()
            rep.duplicate_rows = int(con.execute(sql["duplicates"]).fetchone()[0])
            tmp = os.path.join(store.report_dir, f".failures.csv.{os.getpid()}.tmp")
            con.execute(f"COPY ({sql['failures']}) TO {_sql_str(tmp)} (HEADER)")
            os.replace(tmp, os.path.join(store.report_dir, "failures.csv"))
            shown = max(SHOWN, draw)
            for t in targets:
                rep.hits[t] = con.execute(hits_query(t, min(top, shown) if top > 0 else shown)).df()
                path = os.path.join(store.report_dir, f"hits_{t}.csv")
                rep.csv_paths[t] = path
                tmp = os.path.join(store.report_dir, f".hits_{t}.csv.{os.getpid()}.tmp")
                con.execute(f"COPY ({hits_query(t, top)}) TO {_sql_str(tmp)} (HEADER)")
                os.replace(tmp, path)
    finally:
        con.close()
    generated = time.strftime("%Y-%m-%d %H:%M:%S")
    atomic_write_text(rep.html_path, _html(manifest, rep, hist, reasons, sql, draw, generated))
    return rep
