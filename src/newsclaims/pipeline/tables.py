"""From extractions (and curation) to the package's tables, their CSV bytes and the descriptor.

Every table is built as a frame with exactly the columns of its schema, sorted by primary key;
``write_files`` writes ``data/*.csv`` and ``datapackage.json`` into a staging folder (see
:mod:`newsclaims.swap` for how it replaces the old ones).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from newsclaims.datapackage import csvio
from newsclaims.datapackage.descriptor import descriptor_bytes
from newsclaims.pipeline.gazetteer import Gazetteer
from newsclaims.pipeline.extract.article import EXTRACTOR_VERSION
from newsclaims.pipeline.extract.model import provenance
from newsclaims.pipeline.ingest import Seed
from newsclaims.datapackage.schema import Package

DESCRIPTOR = "datapackage.json"
PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"


def frame(rows: list[dict], table) -> pd.DataFrame:
    """Rows as a frame with every column of *table*, missing values as None.

    >>> from newsclaims.datapackage.schema import Table
    >>> t = Table("t", "T", "", [{"name": "a", "type": "string"}, {"name": "b", "type": "integer"}], ["a"])
    >>> frame([{"a": "x"}], t).to_dict("records")
    [{'a': 'x', 'b': None}]
    """
    return pd.DataFrame([{c: r.get(c) for c in table.columns} for r in rows], columns=table.columns, dtype=object)


def source_rows(catalog: pd.DataFrame, seeds: list[Seed]) -> list[dict]:
    """The sources rows of the seeds: their catalog rows plus kind and length."""
    catalog = catalog.astype(object).where(lambda d: d.notna(), None)
    by_id = {s.source_id: s for s in seeds}
    rows = []
    for row in catalog.to_dict("records"):
        row.update(kind="seed_article", char_count=len(by_id[row["source_id"]].text))
        rows.append(row)
    return rows


def actor_rows(g: Gazetteer, extracted: dict[str, dict]) -> list[dict]:
    rows = [{"actor_id": a["id"], "name": a["name"], "actor_type": a["type"], "country": a.get("country"),
             "parent_actor_id": a.get("parent"), "title": a.get("title"),
             "aliases": " | ".join(a.get("aliases", [])) or None, "origin": "gazetteer"} for a in g.actors.values()]
    rows += [{"actor_id": a["id"], "name": a["name"], "actor_type": a["type"], "origin": "extracted"}
             for key, a in sorted(extracted.items())]
    return rows


def place_rows(g: Gazetteer) -> list[dict]:
    return [{"place_id": p["id"], "name": p["name"], "place_type": p["type"], "country": p["country"],
             "admin1": p.get("admin1"), "latitude": p.get("latitude"), "longitude": p.get("longitude"),
             "geo_precision": p["geo_precision"]} for p in g.places.values()]


def speaker_rows(claims: list[dict]) -> list[dict]:
    """``claim_speakers`` rows: the speakers extraction found, the first one following the claim's
    (curated) speaker; a claim a curator added names its speaker by ``speaker_text`` only.

    >>> rows = speaker_rows([{"claim_id": "c", "char_start": 0, "quote": "X said", "speaker_actor_id": "act_x",
    ...                       "speaker_text": "X"}])
    >>> [(r["position"], r["actor_id"], r["char_start"], r["char_end"], r["role"]) for r in rows]
    [(1, 'act_x', 0, 1, 'speaker')]
    """
    rows = []
    for c in claims:
        found = [dict(v) for v in c.get("speakers") or []]
        if not found and (c.get("speaker_actor_id") or c.get("speaker_text")):
            found = [{"role": "speaker"}]
            text = c.get("speaker_text")
            if text and c["quote"].count(text) == 1:
                at = c["char_start"] + c["quote"].index(text)
                found[0].update(speaker_text=text, char_start=at, char_end=at + len(text))
        if found:
            found[0]["actor_id"] = c.get("speaker_actor_id")     # a curator's correction wins
        rows += [{**v, "claim_id": c["claim_id"], "position": i} for i, v in enumerate(found, 1)]
    return rows


def date_rows(claims: list[dict]) -> list[dict]:
    """``claim_dates`` rows: every date expression of each claim's sentence; the claim's own date
    takes the claim's (curated) range."""
    rows = []
    for c in claims:
        for d in c.get("dates") or []:
            row = {**d, "claim_id": c["claim_id"]}
            if d["role"] == "claim":
                row.update(date_start=c.get("date_start"), date_end=c.get("date_end"),
                           date_precision=c.get("date_precision"))
            rows.append(row)
    return rows


def assemble(pkg: Package, rows: dict[str, list[dict]]) -> dict[str, pd.DataFrame]:
    """One frame per resource of the package (empty frames for tables without rows)."""
    return {name: csvio.sort_rows(frame(rows.get(name, []), table), table) for name, table in pkg.tables.items()}


def development_version(root: Path) -> str:
    """The version a working tree is developing: the minor release after the latest one in its
    ``releases/index.json``, marked ``-dev`` (a release writes its own version instead).

    >>> development_version(Path("/nonexistent"))
    '1.0.0-dev'
    """
    from newsclaims.datapackage.descriptor import semver_key, stable
    from newsclaims.datapackage.diff import bump
    from newsclaims.reader.fetch import read_index
    path = Path(root) / "releases" / "index.json"
    releases = read_index(path)["releases"] if path.exists() else []
    versions = [r["version"] for r in releases if stable(r["version"])]
    return f"{bump(max(versions, key=semver_key), 'minor')}-dev" if versions else "1.0.0-dev"


def descriptor(pkg: Package, files: dict[str, bytes], seeds: list[Seed], version: str | None = None) -> dict:
    """The Data Package v2 descriptor for these CSV files (bytes and sha256 of each), with
    *version* (default: the one ``schemas/package.yaml`` gives, if any)."""
    meta = {k: v for k, v in pkg.metadata.items() if k not in ("resources", "version")}
    if version is not None or "version" in pkg.metadata:     # after the description, where readers look
        at = list(meta).index("description") + 1 if "description" in meta else len(meta)
        items = list(meta.items())
        meta = dict(items[:at] + [("version", version or pkg.metadata["version"])] + items[at:])
    resources = []
    for name, table in pkg.tables.items():
        data = files[name]
        resources.append({
            "name": name, "type": "table", "path": f"data/{name}.csv", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "title": table.title, "description": table.description,
            "bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "schema": table.table_schema(),
        })
    return {"$schema": PROFILE, **meta,
            "sources": [{"title": s.title or s.file, "path": s.file} for s in seeds],
            "resources": resources,
            "newsclaims": {"rules": pkg.rules,
                           "extraction": {"extractor_version": EXTRACTOR_VERSION, "pipeline": provenance()}}}


def write_files(target: Path, frames: dict[str, pd.DataFrame], pkg: Package, seeds: list[Seed],
                version: str | None = None) -> dict:
    """Write ``data/*.csv`` and ``datapackage.json`` under *target*; return the descriptor."""
    files = {name: csvio.to_csv_bytes(df, pkg.tables[name]) for name, df in frames.items()}
    (target / "data").mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (target / "data" / f"{name}.csv").write_bytes(data)
    desc = descriptor(pkg, files, seeds, version)
    (target / DESCRIPTOR).write_bytes(descriptor_bytes(desc))
    return desc
