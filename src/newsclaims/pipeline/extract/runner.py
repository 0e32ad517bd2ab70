"""Running the extractor over many seeds: a per-article cache, processes, or a dask cluster.

Extraction of one article is a pure function of the seed (its text and catalog row), the
gazetteer and the extractor version. So its result can be cached under a key made of exactly
those, computed in any process, on any machine, in any order — and the output is the same.

The cache is one SQLite file, ``.newsclaims-cache/extract.sqlite`` of the repository: a row per
key, holding the extraction as JSON after its sha256 (read in a few queries, not ten thousand
file opens). A changed seed, catalog row, gazetteer file or ``EXTRACTOR_VERSION`` changes the key,
so a stale entry is never read; an entry whose digest does not match is treated as missing, and a
file that is no SQLite database is replaced (it is only a cache).
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Callable, Sequence

from newsclaims.datapackage.workers import cores
from newsclaims.pipeline.clean import Span
from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.pipeline.gazetteer import Gazetteer
from newsclaims.pipeline.ingest import Seed
from newsclaims.pipeline.extract.article import EXTRACTOR_VERSION, Extraction, extract_articles
from newsclaims.pipeline.extract import model
from newsclaims.pipeline.extract.nlp import pipeline

CACHE = Path(".newsclaims-cache") / "extract.sqlite"
ENGINES = ("local", "dask")


def cache_key(seed: Seed, g: Gazetteer) -> str:
    """The key of one article's extraction: everything the extractor reads, hashed.

    >>> from newsclaims.pipeline.ingest import Seed
    >>> from newsclaims.pipeline.gazetteer import Gazetteer
    >>> g = Gazetteer({}, {}, {}, "g1")
    >>> s = Seed("src_1", "seeds/a.txt", "ab" * 32, "text", None, None, None)
    >>> k = cache_key(s, g)
    >>> k == cache_key(s, g), k == cache_key(s, Gazetteer({}, {}, {}, "g2"))
    (True, False)
    """
    meta = {k: v for k, v in asdict(seed).items() if k != "text"}   # the text is covered by sha256
    blob = json.dumps({"extractor": EXTRACTOR_VERSION, "model": model.provenance(), "gazetteer": g.digest, "seed": meta},
                      sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _encode(x: Extraction) -> bytes:
    def default(v):
        if isinstance(v, date):
            return {"$date": v.isoformat()}
        raise TypeError(type(v).__name__)
    data = {"source_id": x.source_id, "claims": x.claims, "excluded": [asdict(s) for s in x.excluded],
            "new_actors": x.new_actors, "place_names": x.place_names}
    return json.dumps(data, default=default, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _decode(raw: bytes) -> Extraction:
    def hook(d):
        # called for every claim: no set built per dict (a tenth of reading 10,000 entries)
        return date.fromisoformat(d["$date"]) if len(d) == 1 and "$date" in d else d
    data = json.loads(raw.decode("utf-8"), object_hook=hook)
    return Extraction(data["source_id"], data["claims"], [Span(**s) for s in data["excluded"]], data["new_actors"],
                      data.get("place_names", []))


def to_entry(raw: bytes) -> bytes:
    """A cache entry: the sha256 of the payload on the first line, then the payload."""
    return hashlib.sha256(raw).hexdigest().encode("ascii") + b"\n" + raw


def payload(entry: bytes) -> bytes | None:
    r"""The payload of a cache entry (see :func:`to_entry`), or None when its digest does not match.

    >>> payload(to_entry(b"{}")), payload(b"0" * 64 + b"\n{}")
    (b'{}', None)
    """
    digest, _, raw = entry.partition(b"\n")
    return raw if hashlib.sha256(raw).hexdigest().encode("ascii") == digest else None


def _from_cache(entry: bytes) -> Extraction | None:
    r"""The extraction in a cache entry, or None when the entry is damaged in any way (a torn or
    edited file, another format): such an entry is never trusted, only recomputed.

    >>> _from_cache(b"0" * 64 + b"\n{}") is None
    True
    """
    raw = payload(entry)
    if raw is None:
        return None
    try:
        x = _decode(raw)
        for c in x.claims:
            if not {"claim_id", "source_id", "char_start", "char_end", "quote"} <= c.keys():
                return None
        return x
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


class Store:
    """A packed cache: ``entries(key TEXT PRIMARY KEY, entry BLOB)`` in one SQLite file (read
    only unless *write*; a file that is no database is replaced when writing, else ignored)."""

    def __init__(self, path: Path, write: bool):
        self.path, self.write, self.db = path, write, None
        if not path.exists() and not write:
            return
        try:
            self.db = self._open()
        except sqlite3.DatabaseError:
            if not write:
                return                # a check reads what it can and writes nothing
            path.unlink(missing_ok=True)      # not a database: ours to replace, it is only a cache
            self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path) if self.write else sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True)
        if self.write:
            db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, entry BLOB NOT NULL)")
        db.execute("SELECT count(*) FROM entries WHERE key = ''").fetchone()    # fails now on a damaged file
        return db

    def get(self, keys: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        if self.db is None:
            return found
        try:
            for part in _chunks(sorted(set(keys)), 500):
                marks = ",".join("?" * len(part))
                found.update(self.db.execute(f"SELECT key, entry FROM entries WHERE key IN ({marks})", part).fetchall())
        except sqlite3.DatabaseError:
            return {}
        return found

    def take(self, keys: list[str], decode: Callable[[bytes], object | None]) -> dict[str, object]:
        """The entries of *keys* that *decode* reads (it returns None for a damaged one: such
        entries are discarded, to be made again and put back)."""
        found = {}
        for key, entry in self.get(keys).items():
            found[key] = decode(entry)
        self.discard(sorted(k for k, v in found.items() if v is None))
        return {k: v for k, v in found.items() if v is not None}

    def put(self, items: dict[str, bytes]) -> None:
        if self.db is None or not self.write or not items:
            return
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO entries (key, entry) VALUES (?, ?)", sorted(items.items()))

    def discard(self, keys: list[str]) -> None:
        if self.db is not None and self.write and keys:
            with self.db:
                self.db.executemany("DELETE FROM entries WHERE key = ?", [(k,) for k in keys])

    def belongs_to(self, signature: str) -> bool:
        """Empty the store if it was written under another *signature* (the code and libraries
        its entries were made with: it can never serve them again), then record this one.
        Returns whether it was emptied. A store opened read-only is left alone."""
        if self.db is None or not self.write:
            return False
        try:
            with self.db:
                self.db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
                row = self.db.execute("SELECT value FROM meta WHERE name = 'signature'").fetchone()
                if row is not None and row[0] == signature:
                    return False
                self.db.execute("DELETE FROM entries")
                self.db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('signature', ?)", (signature,))
        except sqlite3.OperationalError:
            # another process holds it (a build's helper reading): it is only a cache, tidied next time
            return False
        try:
            self.db.execute("VACUUM")     # give the space back: the file held every older version's entries
        except sqlite3.OperationalError:
            pass
        return True

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


def _extract_encoded(seeds: Sequence[Seed], g: Gazetteer) -> list[bytes]:
    """Worker entry point (local processes and dask): extract, and return the cacheable form."""
    return [_encode(x) for x in extract_articles(list(seeds), g)]


@contextmanager
def _collecting():
    """The cyclic garbage collector on while articles are extracted (a build turns it off, see
    ``pipeline.build.without_cyclic_gc``; spaCy's objects here and in the workers forked here
    are left to it), as it was after.

    >>> import gc
    >>> gc.disable()
    >>> with _collecting():
    ...     gc.isenabled()
    True
    >>> gc.isenabled()
    False
    >>> gc.enable()
    """
    enabled = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not enabled:
            gc.disable()


def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _chunk_size(n: int, jobs: int) -> int:
    """About sixteen chunks per worker, 4 to 64 articles each: the last chunks end close together
    (with four per worker, one worker sat idle for up to a chunk's time at the end) while a
    chunk's cost in pickling stays far below its extraction's.

    >>> _chunk_size(1000, 2), _chunk_size(10000, 2), _chunk_size(20, 2)
    (31, 64, 4)
    """
    return max(4, min(64, n // (jobs * 16) or 1))


def default_jobs() -> int:
    """All cores this process may use."""
    return cores()


def _local(todo: list[Seed], g: Gazetteer, jobs: int, done: Callable[[int], None]) -> list[bytes]:
    if jobs <= 1 or len(todo) < 2 * jobs:
        out = []
        for chunk in _chunks(todo, 64):
            out += _extract_encoded(chunk, g)
            done(len(chunk))
        return out
    # fork shares the spaCy pipeline built here with the workers; spawn elsewhere.
    pipeline(g)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    chunks = _chunks(todo, _chunk_size(len(todo), jobs))
    out: list[bytes] = []
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method)) as pool:
        for chunk, result in zip(chunks, pool.map(_extract_encoded, chunks, [g] * len(chunks))):
            out += result
            done(len(chunk))
    return out


def _dask(todo: list[Seed], g: Gazetteer, jobs: int, address: str | None, done: Callable[[int], None]) -> list[bytes]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise NewsclaimsError("the dask engine needs dask.distributed", field="--engine",
                              hint='Install it with: pip install "newsclaims[dask]"') from None
    cluster = None
    if address:
        client = Client(address)
    else:
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        g_future = client.scatter(g, broadcast=True)
        chunks = _chunks(todo, _chunk_size(len(todo), jobs))
        futures = client.map(_extract_encoded, chunks, g=g_future, pure=False)
        out: list[bytes] = []
        for chunk, future in zip(chunks, futures):   # in order: the output does not depend on timing
            out += future.result()
            done(len(chunk))
        return out
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def extract_all(seeds: Sequence[Seed], g: Gazetteer, *, root: Path | None = None, jobs: int | None = None,
                engine: str = "local", address: str | None = None, cache: bool = True, cache_write: bool = True,
                progress: Callable[[int, int], None] = lambda done, total: None) -> tuple[list[Extraction], int]:
    """Extractions of *seeds* in their order, and how many were computed (not read from the cache).

    *jobs*: worker processes (default: all cores). *engine*: ``local`` or ``dask`` (*address* of
    a running scheduler, or a LocalCluster of *jobs* workers). With a *root*, results are cached
    in ``root/.newsclaims-cache/extract`` (read only when *cache_write* is false: commands that
    only check, like ``validate``, write nothing).
    """
    if engine not in ENGINES:
        raise NewsclaimsError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}", field="--engine")
    jobs = jobs or default_jobs()
    if jobs < 1:
        raise NewsclaimsError(f"--jobs must be at least 1, not {jobs}", field="--jobs")
    model.check()             # even when every article comes from the cache: a swapped model stops here
    store = Store(Path(root) / CACHE, cache_write) if root is not None and cache else None
    keys = [cache_key(s, g) for s in seeds]
    results: list[Extraction | None] = [None] * len(seeds)
    if store is not None:
        kept = store.take(keys, _from_cache)       # damaged entries: extracted again below
        results = [kept.get(key) for key in keys]
    todo_idx = [i for i, r in enumerate(results) if r is None]
    todo = [seeds[i] for i in todo_idx]
    total, count = len(seeds), [len(seeds) - len(todo)]

    def done(n: int) -> None:
        count[0] += n
        progress(count[0], total)
    progress(count[0], total)
    try:
        if todo:
            with _collecting():
                encoded = _dask(todo, g, jobs, address, done) if engine == "dask" else _local(todo, g, jobs, done)
            for i, raw in zip(todo_idx, encoded):
                results[i] = _decode(raw)
            if store is not None:
                store.put({keys[i]: to_entry(raw) for i, raw in zip(todo_idx, encoded)})
    finally:
        if store is not None:
            store.close()
    return results, len(todo)
