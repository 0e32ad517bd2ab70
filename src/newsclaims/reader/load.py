"""Loading a release in pandas: ``newsclaims.load()`` fetches, verifies and types the tables.

A published version is fetched (see :mod:`newsclaims.reader.fetch`) and checked against the release
index; a local release directory, zip or repository is read with no network. Either way the
frames have the dtypes derived from the tables' schemas.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd

from newsclaims.datapackage.archive import extract_zip
from newsclaims.datapackage.descriptor import read_descriptor, table_from_resource
from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.datapackage.schema import Table
from newsclaims.datapackage.tableio import read_csv_typed, read_parquet_typed
from newsclaims.reader.fetch import TIMEOUT, _entry, fetch_files, read_index

TABLE_FILE = re.compile(r"^data/([a-z_]+)\.(csv|parquet)$")


# --- typed frames ----------------------------------------------------------------------------

def _tables_of(descriptor: dict, fmt: str) -> dict[str, tuple[str, Table]]:
    out = {}
    for res in descriptor["resources"]:
        m = TABLE_FILE.match(str(res.get("path", "")))
        if m and m.group(2) == fmt:
            table = table_from_resource(res)
            out[m.group(1)] = (res["path"], Table(m.group(1), table.title, table.description, table.fields,
                                                  table.primary_key, table.foreign_keys))
    return out


@dataclass
class Dataset:
    """A loaded release: one DataFrame attribute per table, plus ``version`` and ``descriptor``."""

    version: str
    descriptor: dict
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        frames = self.__dict__.get("frames", {})
        if name in frames:
            return frames[name]
        raise AttributeError(f"no table {name!r}; loaded: {', '.join(frames)}")

    def __dir__(self):
        return [*super().__dir__(), *self.frames]

    @property
    def tables(self) -> list[str]:
        return list(self.frames)

    def claims_with_sources(self) -> pd.DataFrame:
        """Claims with their source's kind, title and publisher and their speaker's name and type."""
        src = self.sources[["source_id", "title", "publisher"]].rename(columns={"title": "source_title",
                                                                                "publisher": "source_publisher"})
        act = self.actors[["actor_id", "name", "actor_type"]].rename(columns={"actor_id": "speaker_actor_id",
                                                                               "name": "speaker_name",
                                                                               "actor_type": "speaker_type"})
        return self.claims.merge(src, on="source_id", how="left").merge(act, on="speaker_actor_id", how="left")

    def events_with_claims(self) -> pd.DataFrame:
        """One row per event and claim about it, with the claim's source and speaker."""
        links = self.claim_events.merge(self.claims_with_sources(), on="claim_id", how="left")
        return self.events.merge(links, on="event_id", how="left", suffixes=("", "_claim"))


def _local_package(path: Path) -> Path:
    if path.is_file() and path.name == "datapackage.json":
        return path.parent
    if (path / "datapackage.json").exists():
        return path
    raise NewsclaimsError("not a release directory, a release zip or a repository (no datapackage.json)", file=path)


def load(version: str | Path = "latest", *, tables: Iterable[str] | None = None, format: str = "parquet",
         base_url: str | None = None, cache_dir: str | Path | None = None, index: dict | str | Path | None = None,
         timeout: float = TIMEOUT) -> Dataset:
    """Load a release as typed DataFrames.

    *version* is a published version ("1.0.0", "latest") — downloaded once, verified against the
    release index, cached — or a local path: a release directory, a release zip, or the
    repository (no network). ``format`` is "parquet" or "csv"; both give the same dtypes.

    Where a published version comes from, and what it is checked against:

    * ``base_url`` (``$NEWSCLAIMS_BASE_URL``): a mirror, a folder laid out as ``newsclaims
      release`` writes ``dist/`` (``index.json`` beside ``newsclaims-X.Y.Z/`` folders; ``python -m
      http.server`` over ``dist/`` is one), or one release's folder when it holds ``{version}``.
      Default: the GitHub releases of ``newsclaims.reader.fetch.OWNER`` (``$NEWSCLAIMS_OWNER``).
    * ``index`` (``$NEWSCLAIMS_INDEX``): a release index to trust instead of the default, which is
      the checkout's ``releases/index.json``, else the index the installed package ships; only
      for "latest" or a version the package does not know is the index published beside the
      releases read, and it never replaces a version the package knows.
    * ``cache_dir`` (``$NEWSCLAIMS_CACHE``): where verified files are kept (default: pooch's OS
      cache). ``timeout`` (``$NEWSCLAIMS_TIMEOUT``, 30 s): socket timeout of each download.

    >>> ds = load(Path(__file__).resolve().parents[3], tables=["claims"])
    >>> str(ds.claims["value"].dtype), str(ds.claims["char_start"].dtype), str(ds.claims["qualifier"].dtype)
    ('Float64', 'Int64', 'category')
    """
    if format not in ("parquet", "csv"):
        raise NewsclaimsError(f"format must be 'parquet' or 'csv', not {format!r}", field="format")
    local = isinstance(version, Path) or os.sep in str(version) or Path(str(version)).exists()
    if local and Path(version).is_file() and Path(version).suffix == ".zip":
        with tempfile.TemporaryDirectory(prefix="newsclaims-zip-") as tmp:   # frames end in memory
            return load(extract_zip(Path(version), Path(tmp)), tables=tables, format=format)
    if local:
        root, descriptor = read_descriptor(_local_package(Path(version)))
        fmt = format if _tables_of(descriptor, format) else "csv"   # the repository has CSV only
        label = descriptor.get("version", "local")
    else:
        entry = _entry(read_index(index, version=str(version), base_url=base_url, cache_dir=cache_dir, timeout=timeout),
                       str(version))
        label, fmt = entry["version"], format
        root = fetch_files(entry, ["datapackage.json"], base_url=base_url, cache_dir=cache_dir, timeout=timeout)
        root, descriptor = read_descriptor(root)
    available = _tables_of(descriptor, fmt)
    wanted = list(tables) if tables is not None else list(available)
    unknown = [t for t in wanted if t not in available]
    if unknown:
        raise NewsclaimsError(f"unknown table(s) {unknown}; the release has {', '.join(available)}", field="tables")
    if not local:
        fetch_files(entry, [available[t][0] for t in wanted], base_url=base_url, cache_dir=cache_dir, timeout=timeout)
    reader = read_parquet_typed if fmt == "parquet" else read_csv_typed
    frames = {name: reader(root / available[name][0], available[name][1]) for name in wanted}
    return Dataset(version=label, descriptor=descriptor, frames=frames)
