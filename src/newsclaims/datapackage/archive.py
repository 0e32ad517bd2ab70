"""Unpacking a release zip safely: everything is checked before anything is written.

A release zip never holds paths that leave its folder, links, encrypted entries or unknown
compression, and never unpacks to more than the caps below (a zip bomb); a damaged entry (bad
CRC, truncated) removes what was unpacked.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from newsclaims.datapackage.errors import NewsclaimsError


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
