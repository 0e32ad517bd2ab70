"""Running the extractor over many seeds: a per-article cache, processes, or a dask cluster.

Extraction of one article is a pure function of the seed (its text and catalog row), the
gazetteer and the extractor version. So its result can be cached under a key made of exactly
those, computed in any process, on any machine, in any order — and the output is the same.

The cache lives in ``.newsclaims-cache/extract/`` of the repository: one JSON file per key.
A changed seed, catalog row, gazetteer file or ``EXTRACTOR_VERSION`` changes the key, so a stale
entry is never read; an unreadable entry is treated as missing.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Callable, Sequence

from newsclaims.pipeline.clean import Span
from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.pipeline.gazetteer import Gazetteer
from newsclaims.pipeline.ingest import Seed, atomic_write
from newsclaims.pipeline.extract.article import EXTRACTOR_VERSION, Extraction, extract_articles
from newsclaims.pipeline.extract import model
from newsclaims.pipeline.extract.nlp import pipeline

CACHE = Path(".newsclaims-cache") / "extract"
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
        return date.fromisoformat(d["$date"]) if set(d) == {"$date"} else d
    data = json.loads(raw.decode("utf-8"), object_hook=hook)
    return Extraction(data["source_id"], data["claims"], [Span(**s) for s in data["excluded"]], data["new_actors"],
                      data.get("place_names", []))


def _to_cache(raw: bytes) -> bytes:
    """A cache entry: the sha256 of the payload on the first line, then the payload."""
    return hashlib.sha256(raw).hexdigest().encode("ascii") + b"\n" + raw


def _from_cache(entry: bytes) -> Extraction | None:
    r"""The extraction in a cache entry, or None when the entry is damaged in any way (a torn or
    edited file, another format): such an entry is never trusted, only recomputed.

    >>> _from_cache(b"0" * 64 + b"\n{}") is None
    True
    """
    digest, _, raw = entry.partition(b"\n")
    if hashlib.sha256(raw).hexdigest().encode("ascii") != digest:
        return None
    try:
        x = _decode(raw)
        for c in x.claims:
            if not {"claim_id", "source_id", "char_start", "char_end", "quote"} <= c.keys():
                return None
        return x
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _extract_encoded(seeds: Sequence[Seed], g: Gazetteer) -> list[bytes]:
    """Worker entry point (local processes and dask): extract, and return the cacheable form."""
    return [_encode(x) for x in extract_articles(list(seeds), g)]


def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _chunk_size(n: int, jobs: int) -> int:
    """About four chunks per worker (balance) but 8–256 articles each (overhead vs. memory)."""
    return max(8, min(256, n // (jobs * 4) or 1))


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:          # not on Linux
        return os.cpu_count() or 1


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
    folder = Path(root) / CACHE if root is not None and cache else None
    keys = [cache_key(s, g) for s in seeds]
    results: list[Extraction | None] = [None] * len(seeds)
    if folder is not None:
        for i, key in enumerate(keys):
            path = folder / key[:2] / f"{key}.json"
            try:
                raw = path.read_bytes()
            except OSError:
                continue     # not cached
            results[i] = _from_cache(raw)
            if results[i] is None and cache_write:
                path.unlink(missing_ok=True)     # damaged: discarded, extracted again below
    todo_idx = [i for i, r in enumerate(results) if r is None]
    todo = [seeds[i] for i in todo_idx]
    total, count = len(seeds), [len(seeds) - len(todo)]

    def done(n: int) -> None:
        count[0] += n
        progress(count[0], total)
    progress(count[0], total)
    if todo:
        encoded = _dask(todo, g, jobs, address, done) if engine == "dask" else _local(todo, g, jobs, done)
        for i, raw in zip(todo_idx, encoded):
            results[i] = _decode(raw)
            if folder is not None and cache_write:
                atomic_write(folder / keys[i][:2] / f"{keys[i]}.json", _to_cache(raw), durable=False)
    return results, len(todo)
