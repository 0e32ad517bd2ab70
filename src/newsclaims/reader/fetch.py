"""Fetching published releases: the release index, downloads checked against it, and the cache.

Files are downloaded with pooch and checked against the sha256 recorded in the release index,
never against what the server says. They are cached (pooch's OS cache, or ``$NEWSCLAIMS_CACHE``,
or ``cache_dir``); a cached file is hashed again whenever it may have changed since it was
verified (inode, size, mtime or ctime), and replaced when it no longer matches. Each download
has a socket timeout, an overall deadline and the size cap the index records.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

from newsclaims.datapackage.archive import extract_zip
from newsclaims.datapackage.descriptor import semver_key, stable
from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.datapackage.fsio import sha256_file

OWNER = os.environ.get("NEWSCLAIMS_OWNER", "newsclaims")
"""The GitHub account that publishes the releases: the one setting behind the default addresses."""
RELEASE_URL = "https://github.com/{owner}/newsclaims/releases/download/v{version}/"
"""Where a version's files are: the assets of its GitHub release (flat: ``claims.parquet``)."""
INDEX_URL = "https://github.com/{owner}/newsclaims/releases/latest/download/index.json"
"""Where the release index is published: an asset of every release, so the latest one's is current."""
PINNED = Path(__file__).with_name("releases.json")
"""The release index as the installed package knows it (a copy of ``releases/index.json`` made by
each release). A version listed here is fetched by these hashes whatever a server's index says."""
CACHE_ENV = "NEWSCLAIMS_CACHE"
TIMEOUT = float(os.environ.get("NEWSCLAIMS_TIMEOUT", "30"))
RETRIES = 2


def _mirror(base_url: str | None) -> str | None:
    """The mirror address in use (``base_url``, else ``$NEWSCLAIMS_BASE_URL``), ending in "/"."""
    base = base_url or os.environ.get("NEWSCLAIMS_BASE_URL")
    return base if base is None or base.endswith("/") else base + "/"


def file_url(version: str, rel: str, base_url: str | None = None) -> str:
    """Where the release file *rel* of *version* is served.

    A mirror (``base_url``) is a folder laid out as ``newsclaims release`` writes ``dist/``:
    ``index.json`` beside one ``newsclaims-X.Y.Z/`` folder per release. A ``base_url`` holding
    ``{version}`` is one release's folder. With neither, the GitHub release assets (flat names).

    >>> file_url("1.1.0", "data/claims.parquet", "http://127.0.0.1:8000/")
    'http://127.0.0.1:8000/newsclaims-1.1.0/data/claims.parquet'
    >>> file_url("1.1.0", "data/claims.parquet", "https://example.org/v{version}")
    'https://example.org/v1.1.0/data/claims.parquet'
    """
    base = _mirror(base_url)
    if base is None:
        return RELEASE_URL.format(owner=OWNER, version=version) + PurePosixPath(rel).name
    if "{version}" in base:
        return base.format(owner=OWNER, version=version) + rel
    return f"{base}newsclaims-{version}/{rel}"


def index_url(base_url: str | None = None) -> str | None:
    """Where the published release index is: next to a mirror's release folders, or the latest
    GitHub release's asset (None for a one-release ``{version}`` folder: it has no index beside it).

    >>> index_url("http://127.0.0.1:8000/")
    'http://127.0.0.1:8000/index.json'
    """
    base = _mirror(base_url)
    if base is None:
        return INDEX_URL.format(owner=OWNER)
    return None if "{version}" in base else base + "index.json"


def repository_index_path() -> Path | None:
    """The checkout's ``releases/index.json`` when the package runs from one (an editable install)."""
    root = Path(__file__).resolve().parents[3]
    return root / "releases" / "index.json" if (root / "pyproject.toml").is_file() else None


def _read_index_file(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NewsclaimsError("no release index", file=path,
                              hint="Pass index= (a releases/index.json) or load a local release directory.") from None
    except json.JSONDecodeError as exc:
        raise NewsclaimsError(f"not valid JSON (line {exc.lineno}): {exc.msg}", file=path,
                              hint="Restore the index from the repository.") from None
    return _checked_index(data, path)


def _checked_index(data, where) -> dict:
    if not isinstance(data, dict) or not isinstance(data.get("releases"), list) or not all(
            isinstance(r, dict) and {"version", "files"} <= set(r) and isinstance(r["files"], list) and all(
                isinstance(f, dict) and isinstance(f.get("path"), str) and re.fullmatch(r"[0-9a-f]{64}", str(f.get("sha256")))
                for f in r["files"]) for r in data["releases"]):
        raise NewsclaimsError("not a release index (each release needs version and files, each file path and sha256)",
                              file=where, hint="Use the index.json published with the releases.")
    return data


INDEX_LIMIT = 64 << 20
"""The largest release index read from a server, in bytes."""


def _published_index(url: str, cache_dir: str | Path | None, timeout: float) -> dict:
    """The release index a server publishes, kept in the cache (used when the server cannot be
    reached)."""
    import requests
    cached = cache_root(cache_dir) / "index.json"
    try:
        with requests.get(url, timeout=(timeout, timeout), stream=True) as resp:
            resp.raise_for_status()
            body = resp.raw.read(INDEX_LIMIT + 1, decode_content=True)     # never more than the limit
        if len(body) > INDEX_LIMIT:
            raise NewsclaimsError(f"the release index is larger than {INDEX_LIMIT >> 20} MiB", file=url,
                                  hint="The server does not serve a release index; check base_url.")
        data = _checked_index(json.loads(body), url)
    except (requests.RequestException, ValueError) as exc:
        if cached.is_file():
            return _read_index_file(cached)
        reason = f"HTTP {exc.response.status_code}" if isinstance(exc, requests.HTTPError) and exc.response is not None \
            else "not JSON" if isinstance(exc, ValueError) else f"no connection ({type(exc).__name__})"
        raise NewsclaimsError(f"cannot read the published release index: {reason}", file=url,
                              hint="Check base_url (a mirror serves index.json beside its newsclaims-X.Y.Z folders), "
                                   "or pass index= a local releases/index.json.") from None
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_name(f".index.json.{os.getpid()}")
    tmp.write_bytes(body)
    os.replace(tmp, cached)
    return data


def read_index(index: dict | str | Path | None = None, *, version: str | None = None, base_url: str | None = None,
               cache_dir: str | Path | None = None, timeout: float = TIMEOUT) -> dict:
    """The release index to trust for *version*.

    *index* (a dict or a path) or ``$NEWSCLAIMS_INDEX`` is used as given. Otherwise, in a
    checkout, its ``releases/index.json``. Otherwise (an installed package) the index the package
    ships (:data:`PINNED`); for "latest" or a version it does not list, the index published with
    the releases (:func:`index_url`) adds the versions it does not know, never replacing one it
    knows.
    """
    if isinstance(index, dict):
        return _checked_index(index, "index")
    if index is None and os.environ.get("NEWSCLAIMS_INDEX"):
        index = os.environ["NEWSCLAIMS_INDEX"]
    if index is not None:
        return _read_index_file(Path(index))
    local = repository_index_path()
    if local is not None and local.is_file():
        return _read_index_file(local)
    pinned = _read_index_file(PINNED) if PINNED.is_file() else {"name": "newsclaims", "releases": []}
    known = {r["version"] for r in pinned["releases"]}
    url = index_url(base_url)
    if version in known or url is None:
        return pinned
    published = _published_index(url, cache_dir, timeout)
    return {**pinned, "releases": pinned["releases"] + [r for r in published["releases"] if r["version"] not in known]}


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
    for rel in paths:
        f = known[rel]
        target = root / rel
        if _verified(target, f["sha256"]):
            continue
        name = PurePosixPath(rel).name
        if progress:
            progress(rel)
        url = file_url(version, rel, base_url)
        fetcher = pooch.create(path=target.parent, base_url=url[: -len(name)], registry={name: f"sha256:{f['sha256']}"},
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
            raise _download_error(rel, url, exc, timeout) from None
        _mark_verified(target, f["sha256"])
    return root


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


def fetch(version: str, dest: Path, *, base_url: str | None = None, index: dict | str | Path | None = None,
          cache_dir: str | Path | None = None, timeout: float = TIMEOUT,
          progress: Callable[[int, int, str], None] | None = None) -> Path:
    """Download every file of a release into *dest*, verified against the index."""
    entry = _entry(read_index(index, version=version, base_url=base_url, cache_dir=cache_dir, timeout=timeout), version)
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
