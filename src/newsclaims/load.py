"""Loading a release in pandas: ``newsclaims.load()`` fetches, verifies and types the tables.

Files are downloaded with pooch and checked against the sha256 recorded in the committed release
index (``releases/index.json``), never against what the server says. They are cached (pooch's OS
cache, or ``$NEWSCLAIMS_CACHE``, or ``cache_dir``); a cached file is re-hashed whenever its size or
modification time changed since it was last verified, and replaced when it no longer matches.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

import pandas as pd

from . import csvio
from .descriptor import read_descriptor, semver_key, stable
from .errors import NewsclaimsError
from .fsio import sha256_file
from .schema import Table

OWNER = os.environ.get("NEWSCLAIMS_OWNER", "newsclaims")
"""The GitHub account that publishes the releases: the one setting behind the default address."""
RELEASE_URL = "https://github.com/{owner}/newsclaims/releases/download/v{version}/"
CACHE_ENV = "NEWSCLAIMS_CACHE"
TIMEOUT = float(os.environ.get("NEWSCLAIMS_TIMEOUT", "30"))
RETRIES = 2
TABLE_FILE = re.compile(r"^data/([a-z_]+)\.(csv|parquet)$")


def default_base_url(version: str) -> str:
    """The release address of *version* (``$NEWSCLAIMS_BASE_URL`` overrides it, e.g. a mirror).

    >>> default_base_url("1.0.0") if "NEWSCLAIMS_BASE_URL" not in os.environ else 'https://github.com/newsclaims/newsclaims/releases/download/v1.0.0/'
    'https://github.com/newsclaims/newsclaims/releases/download/v1.0.0/'
    """
    template = os.environ.get("NEWSCLAIMS_BASE_URL") or RELEASE_URL
    return template.format(owner=OWNER, version=version)


def repository_index_path() -> Path:
    return Path(__file__).resolve().parents[2] / "releases" / "index.json"


def read_index(index: dict | str | Path | None = None) -> dict:
    """The release index: a dict, a path, ``$NEWSCLAIMS_INDEX``, or (default) the repository's
    ``releases/index.json``."""
    if isinstance(index, dict):
        return index
    if index is None and os.environ.get("NEWSCLAIMS_INDEX"):
        index = os.environ["NEWSCLAIMS_INDEX"]
    path = Path(index) if index is not None else repository_index_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NewsclaimsError("no release index", file=path,
                              hint="Pass index= (a releases/index.json) or load a local release directory.") from None
    except json.JSONDecodeError as exc:
        raise NewsclaimsError(f"not valid JSON (line {exc.lineno}): {exc.msg}", file=path,
                              hint="Restore the index from the repository.") from None
    if not isinstance(data, dict) or not isinstance(data.get("releases"), list) or not all(
            isinstance(r, dict) and {"version", "files"} <= set(r) for r in data["releases"]):
        raise NewsclaimsError("not a release index (each release needs version and files)", file=path)
    return data


def _entry(index: dict, version: str) -> dict:
    versions = [r["version"] for r in index["releases"]]
    if version == "latest":
        if not versions:
            raise NewsclaimsError("no release has been published yet")
        candidates = [r for r in index["releases"] if stable(r["version"])] or index["releases"]
        return max(candidates, key=lambda r: semver_key(r["version"]))
    for r in index["releases"]:
        if r["version"] == version:
            return r
    raise NewsclaimsError(f"unknown version {version!r}; known versions: {', '.join(versions) or 'none'}",
                          hint='Use one of them, or "latest".')


def cache_root(cache_dir: str | Path | None = None) -> Path:
    if cache_dir is not None:
        return Path(cache_dir)
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    import pooch
    return Path(pooch.os_cache("newsclaims"))


def _stamp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.verified")


def _identity(st: os.stat_result) -> dict:
    # ctime is set by the kernel on every change to the file and cannot be set back by a program
    # (unlike mtime, which `touch -d` restores): with the inode it tells whether the bytes may
    # have changed since they were hashed. When it may have, the file is hashed again.
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "ctime_ns": st.st_ctime_ns, "inode": st.st_ino}


def _verified(path: Path, sha256: str) -> bool:
    """True when *path* holds the bytes with *sha256*: hashed again unless it was verified and has
    not been touched since (same inode, size, mtime and ctime)."""
    try:
        st = path.stat()
    except OSError:
        return False
    try:
        stamp = json.loads(_stamp_path(path).read_text())
        if stamp == {"sha256": sha256, **_identity(st)}:
            return True
    except (OSError, ValueError):
        pass
    if sha256_file(path) != sha256:
        return False
    _mark_verified(path, sha256)
    return True


def _mark_verified(path: Path, sha256: str) -> None:
    _stamp_path(path).write_text(json.dumps({"sha256": sha256, **_identity(path.stat())}))


def _download_error(name: str, url: str, exc: Exception, timeout: float) -> NewsclaimsError:
    import requests
    text = str(exc)
    if isinstance(exc, ValueError) and "hash" in text.lower():
        hashes = re.findall(r"[0-9a-f]{64}", text)
        expected, actual = (hashes + ["?", "?"])[:2]
        return NewsclaimsError(f"sha256 mismatch for {name}: expected {expected}, got {actual}; the download was deleted",
                               file=url, hint="The file on the server is corrupted or truncated, or it is not the published "
                                              "one; try again later or report it.")
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return NewsclaimsError(f"download of {name} failed: HTTP {exc.response.status_code} {exc.response.reason}",
                               file=url, hint="Check the version and base_url (the release may not be uploaded).")
    if isinstance(exc, requests.Timeout):
        return NewsclaimsError(f"download of {name} stalled: no answer within {timeout:g} s after {RETRIES + 1} tries",
                               file=url, hint="Try again later, or set NEWSCLAIMS_TIMEOUT to wait longer.")
    if isinstance(exc, requests.ConnectionError):
        return NewsclaimsError(f"cannot download {name}: no connection to the server ({type(exc).__name__})", file=url,
                               hint="This version is not cached: connect to the network, or load a local copy "
                                    "(newsclaims fetch VERSION DIR on a connected machine, then load(DIR)).")
    return NewsclaimsError(f"download of {name} failed: {type(exc).__name__}: {text[:200]}", file=url)


MIN_RATE = 50_000
"""Slowest transfer accepted, in bytes per second: a file's deadline is ``timeout`` plus its
size at this rate (a server trickling a byte a second is given up on, however patient the socket)."""


class _Refused(Exception):
    """A download that must not be retried (HTTP 4xx, over its size, past its deadline)."""

    def __init__(self, error: NewsclaimsError):
        super().__init__(str(error))
        self.error = error


def _bounded_downloader(name: str, expected: int | None, timeout: float):
    """A pooch downloader that streams with a socket timeout *and* an overall deadline, and stops
    as soon as the body exceeds the size the index records."""
    import requests
    deadline = timeout + (expected or 0) / MIN_RATE

    def download(url: str, output_file, pooch_obj) -> None:
        begin = time.monotonic()
        with requests.get(url, stream=True, timeout=(timeout, timeout), headers={"Accept-Encoding": "identity"}) as resp:
            if 400 <= resp.status_code < 500:
                raise _Refused(NewsclaimsError(f"download of {name} failed: HTTP {resp.status_code} {resp.reason}",
                                               file=url, hint="Check the version and base_url (the release may not be uploaded)."))
            resp.raise_for_status()
            announced = resp.headers.get("Content-Length")
            if expected is not None and announced and announced.isdigit() and int(announced) > expected:
                raise _Refused(NewsclaimsError(f"the server announces {int(announced):,} bytes for {name}; the index "
                                               f"records {expected:,}", file=url, hint="The server does not serve the "
                                               "published file; nothing was kept. Report it or use another mirror."))
            got = 0
            with open(output_file, "wb") as fh:
                while True:
                    chunk = resp.raw.read1(1 << 16)
                    if not chunk:
                        break
                    got += len(chunk)
                    if expected is not None and got > expected:
                        raise _Refused(NewsclaimsError(f"the server sent more than the {expected:,} bytes the index "
                                                       f"records for {name}; the download was stopped and deleted",
                                                       file=url, hint="The server does not serve the published file; "
                                                                      "report it or use another mirror."))
                    if time.monotonic() - begin > deadline:
                        raise _Refused(NewsclaimsError(f"download of {name} took longer than {deadline:.0f} s "
                                                       f"({got:,} bytes received); it was stopped and deleted",
                                                       file=url, hint="The server is too slow; try again later or "
                                                                      "set NEWSCLAIMS_TIMEOUT to wait longer."))
                    fh.write(chunk)
    return download


def fetch_files(entry: dict, paths: Iterable[str], *, base_url: str | None = None, cache_dir: str | Path | None = None,
                timeout: float = TIMEOUT, progress: Callable[[str], None] | None = None) -> Path:
    """Make sure the release files *paths* are in the cache and verified; return the version's cache dir."""
    import pooch
    pooch.get_logger().setLevel("WARNING")     # progress is the caller's to show
    version = entry["version"]
    root = cache_root(cache_dir) / version
    known = {f["path"]: f for f in entry["files"]}
    base = base_url.format(version=version) if base_url and "{version}" in base_url else (base_url or default_base_url(version))
    if not base.endswith("/"):
        base += "/"
    for rel in paths:
        f = known[rel]
        target = root / rel
        if _verified(target, f["sha256"]):
            continue
        name = PurePosixPath(rel).name
        if progress:
            progress(rel)
        fetcher = pooch.create(path=target.parent, base_url=base, registry={name: f"sha256:{f['sha256']}"},
                               retry_if_failed=RETRIES, allow_updates=True)
        if target.exists():
            target.unlink()             # it failed verification: fetched again
        try:
            fetcher.fetch(name, downloader=_bounded_downloader(rel, f.get("bytes"), timeout))
        except Exception as exc:  # pooch and requests raise many types; each gets a clear message
            if target.exists() and not _verified(target, f["sha256"]):
                target.unlink()
            if isinstance(exc, _Refused):
                raise exc.error from None
            raise _download_error(rel, base + name, exc, timeout) from None
        _mark_verified(target, f["sha256"])
    return root


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


MAX_ENTRIES = 10_000
MAX_UNPACKED = 4 * 1024 ** 3
"""Caps on unpacking a zip: entries, total bytes, and (above 64 MiB) 100 bytes out per byte in."""
MAX_RATIO = 100
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


def _unsafe(path: Path, message: str) -> NewsclaimsError:
    return NewsclaimsError(message, file=path, hint="The archive is unsafe or damaged; do not use it.")


def check_zip(zf: zipfile.ZipFile, path: Path) -> None:
    """Refuse, before anything is written, a zip a release never is: paths that leave the folder
    (absolute, ``..``, Windows ``..\\``), links, encrypted entries, unknown compression, too many
    entries, or more unpacked bytes than the caps allow (a zip bomb)."""
    names = zf.infolist()
    if len(names) > MAX_ENTRIES:
        raise _unsafe(path, f"the zip has {len(names):,} entries, more than the {MAX_ENTRIES:,} a release can have")
    total = 0
    for info in names:
        p = PurePosixPath(info.filename)
        if p.is_absolute() or ".." in p.parts or info.filename.startswith(("/", "\\")) or "\\" in info.filename \
                or (p.parts and ":" in p.parts[0]):
            raise _unsafe(path, f"zip entry {info.filename!r} would be written outside the folder")
        if _is_link(info):
            raise _unsafe(path, f"zip entry {info.filename!r} is a link")
        if info.flag_bits & 0x1:
            raise _unsafe(path, f"zip entry {info.filename!r} is encrypted")
        if info.compress_type not in _METHODS:
            raise _unsafe(path, f"zip entry {info.filename!r} uses an unsupported compression method ({info.compress_type})")
        total += info.file_size
    packed = path.stat().st_size if path.exists() else 0
    if total > MAX_UNPACKED or (total > 64 * 1024 ** 2 and total > MAX_RATIO * max(packed, 1)):
        raise _unsafe(path, f"the zip would unpack to {total:,} bytes from {packed:,} (caps: {MAX_UNPACKED:,} bytes, "
                            f"and {MAX_RATIO}x above 64 MiB)")


def extract_zip(path: Path, dest: Path | None = None) -> Path:
    """Safely unpack a release zip; return the package dir (see :func:`check_zip`).

    Everything is checked before anything is written; an entry that turns out damaged (bad CRC,
    truncated) removes what was unpacked and raises a one-line error.
    """
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise NewsclaimsError(f"not a readable zip: {exc}", file=path) from None
    with zf:
        check_zip(zf, path)
        created = dest is None or not Path(dest).exists()
        dest = Path(dest) if dest else Path(tempfile.mkdtemp(prefix="newsclaims-zip-"))
        dest.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".unzip-", dir=dest))
        try:
            zf.extractall(work)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError,
                ValueError, zlib.error) as exc:
            shutil.rmtree(work, ignore_errors=True)
            if created:
                shutil.rmtree(dest, ignore_errors=True)
            raise _unsafe(path, f"a zip entry cannot be unpacked ({type(exc).__name__}: {str(exc)[:120]})") from None
        for child in work.iterdir():
            os.replace(child, dest / child.name)
        work.rmdir()
    candidates = [p.parent for p in dest.rglob("datapackage.json")]
    if not candidates:
        raise NewsclaimsError("the zip holds no datapackage.json", file=path)
    return min(candidates, key=lambda p: len(p.parts))


def cached_release_dir(root: Path | None, version: str, *, base_url: str | None = None,
                       cache_dir: str | Path | None = None, index: dict | str | Path | None = None) -> Path:
    """A complete local copy of a published release (downloaded as its zip, verified, unpacked)."""
    idx = read_index(index if index is not None else (Path(root) / "releases" / "index.json" if root else None))
    entry = _entry(idx, version)
    zip_rel = f"newsclaims-{entry['version']}.zip"
    cache = fetch_files(entry, [zip_rel], base_url=base_url, cache_dir=cache_dir)
    unpacked = cache / "unpacked"
    if not (unpacked / f"newsclaims-{entry['version']}" / "datapackage.json").exists():
        tmp = Path(tempfile.mkdtemp(prefix=".unpack-", dir=cache))
        extract_zip(cache / zip_rel, tmp)
        shutil.rmtree(unpacked, ignore_errors=True)
        os.replace(tmp, unpacked)
    return unpacked / f"newsclaims-{entry['version']}"


# --- typed frames ----------------------------------------------------------------------------

def _tables_of(descriptor: dict, fmt: str) -> dict[str, tuple[str, Table]]:
    from .validate import table_from_resource
    out = {}
    for res in descriptor["resources"]:
        m = TABLE_FILE.match(str(res.get("path", "")))
        if m and m.group(2) == fmt:
            table = table_from_resource(res)
            out[m.group(1)] = (res["path"], Table(m.group(1), table.title, table.description, table.fields,
                                                  table.primary_key, table.foreign_keys))
    return out


def read_parquet_typed(path: Path, table: Table) -> pd.DataFrame:
    """A Parquet table with the dtypes derived from its schema."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    mapping = {pa.string(): pd.StringDtype(), pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(),
               pa.bool_(): pd.BooleanDtype()}
    frame = pq.read_table(path).to_pandas(types_mapper=mapping.get, ignore_metadata=True)
    dtypes = table.pandas_dtypes()
    for name, dtype in dtypes.items():
        col = frame[name]
        if isinstance(dtype, pd.CategoricalDtype):
            frame[name] = col.astype("string").astype(dtype)
        elif str(dtype).startswith("datetime64"):
            frame[name] = pd.to_datetime(col).astype(dtype)
    return frame[table.columns]


def read_csv_typed(path: Path, table: Table) -> pd.DataFrame:
    """A CSV table with the dtypes derived from its schema."""
    frame, problems = csvio.coerce(csvio.read_csv_text(path), table)
    if problems:
        p = problems[0]
        raise NewsclaimsError(p.message, file=path, line=p.row + 1, field=p.column, hint="Run newsclaims validate on it.")
    return csvio.typed_frame(frame, table)[table.columns]


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

    >>> ds = load(Path(__file__).resolve().parents[2], tables=["claims"])
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
        entry = _entry(read_index(index), str(version))
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


def fetch(version: str, dest: Path, *, base_url: str | None = None, index: dict | str | Path | None = None,
          cache_dir: str | Path | None = None, timeout: float = TIMEOUT,
          progress: Callable[[int, int, str], None] | None = None) -> Path:
    """Download every file of a release into *dest*, verified against the index."""
    entry = _entry(read_index(index), version)
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise NewsclaimsError("the folder is not empty", file=dest, hint="Give a new or empty folder.")
    with tempfile.TemporaryDirectory(prefix="newsclaims-fetch-") as tmp:
        zip_rel = f"newsclaims-{entry['version']}.zip"
        if progress:
            progress(0, len(entry["files"]), zip_rel)
        cache = fetch_files(entry, [zip_rel], base_url=base_url, cache_dir=cache_dir or tmp, timeout=timeout)
        unpacked = extract_zip(cache / zip_rel, Path(tmp) / "unpacked")
        shutil.copyfile(cache / zip_rel, unpacked / zip_rel)
        for i, f in enumerate(entry["files"], 1):
            if progress:
                progress(i, len(entry["files"]), f["path"])
            got = sha256_file(unpacked / f["path"]) if (unpacked / f["path"]).exists() else None
            if got != f["sha256"]:
                raise NewsclaimsError(f"{f['path']} in the zip does not match the index (expected {f['sha256']}, got {got})",
                                      file=zip_rel, hint="The published zip is not the indexed release; report it.")
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            dest.rmdir()
        shutil.move(str(unpacked), str(dest))
    return dest
