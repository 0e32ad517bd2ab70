"""Writing files so that nothing is ever half-written or lost: atomic writes, journals, staging
folders this toolkit owns, and the repository lock.

Three promises rest on this module:

* a file written with :func:`atomic_write` is the old file or the new one, never a mix, and its
  permissions are the ones any new file gets (``0666`` less the umask), not ``mkstemp``'s ``0600``;
* a journal is written atomically and durably, and one that cannot be fully parsed is refused
  with a clear error rather than acted on;
* clean-up removes only staging folders that carry this toolkit's marker file, never a folder a
  user made, whatever its name.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import tempfile
from pathlib import Path
from typing import Iterator

from newsclaims.datapackage.errors import NewsclaimsError

MARKER = ".newsclaims-staging"
"""File put in every staging folder the moment it is created; recovery deletes only such folders."""

LOCK = ".newsclaims.lock"


class Busy(NewsclaimsError):
    """Another writing command holds the repository lock."""
_FULL = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def fsync_dir(path: Path) -> None:
    """Make a rename or unlink inside *path* durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def disk_full(exc: OSError, path: Path, replaced: bool = False) -> NewsclaimsError:
    """The one-line error for a write that ran out of space (or hit a file-size limit)."""
    what = "the disk is full" if exc.errno == errno.ENOSPC else "the disk quota or file-size limit was reached"
    state = "" if replaced else "; nothing was replaced"
    return NewsclaimsError(f"{what} while writing this file{state}", file=path,
                           hint="Free some space and run the command again.")


def atomic_write(path: Path, data: bytes, *, durable: bool = True, mode: int | None = None) -> None:
    """Write *data* to *path* through a temporary file and a rename: readers see old or new, never half.

    The file gets *mode*, else the mode of the file it replaces, else ``0o666`` less the umask.
    ``durable=False`` skips the fsyncs (for caches, where a lost entry is only recomputed).
    A full disk raises a one-line error naming *path*; the old file is untouched.

    >>> import tempfile, pathlib, stat
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> atomic_write(p, b"hello"); p.read_bytes(), oct(stat.S_IMODE(p.stat().st_mode) & 0o044)
    (b'hello', '0o44')
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        try:
            mode = os.stat(path).st_mode & 0o7777
        except OSError:
            mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno in _FULL:
            raise disk_full(exc, path) from None
        raise
    if durable:
        fsync_dir(path.parent)


def check_output(path: Path) -> None:
    """Refuse an output path a report must never replace: a seed or anything in a ``seeds/``
    folder of a newsclaims repository, or something that is not a plain file (a link, a device,
    a folder)."""
    path = Path(path)
    if os.path.lexists(path) and (path.is_symlink() or not path.is_file()):
        kind = "a link" if path.is_symlink() else "a folder" if path.is_dir() else "not a regular file"
        raise NewsclaimsError(f"the output exists and is {kind}; it is not replaced", file=path,
                              hint="Give the path of a new or plain file (-o report.html).")
    full = path.resolve()
    for parent in full.parents:
        if parent.name == "seeds" and (parent / "catalog.csv").is_file():
            raise NewsclaimsError("the output is inside a seeds/ folder; seeds are never written", file=path,
                                  hint="Write the report somewhere else (-o report.html).")


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    import hashlib
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --- journals -------------------------------------------------------------------------------

def write_journal(path: Path, record: dict) -> None:
    """Write a journal (the commit point of a multi-step change) atomically and durably."""
    atomic_write(path, (json.dumps(record, sort_keys=True) + "\n").encode("utf-8"))


def read_journal(path: Path, kind: str, required: dict[str, type]) -> dict:
    """Read a journal written by :func:`write_journal`; refuse one that is not exactly that.

    A journal that is empty, torn, of another kind or lacks a field is never acted on: the error
    says so and nothing is moved.
    """
    def refuse(why: str) -> NewsclaimsError:
        return NewsclaimsError(f"{why}; nothing was moved", file=path,
                               hint="An interrupted run left this journal but it cannot be trusted. Check that "
                                    "data/ and datapackage.json are what you expect (git status), then delete the "
                                    "journal and run the command again.")
    try:
        record = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise refuse("the journal of an interrupted run is empty or damaged") from None
    if not isinstance(record, dict) or record.get("kind") != kind:
        raise refuse(f"not a {kind} journal")
    for name, typ in required.items():
        if not isinstance(record.get(name), typ):
            raise refuse(f"the journal has no valid {name!r}")
    return record


# --- staging folders ------------------------------------------------------------------------

def make_staging(parent: Path, prefix: str) -> Path:
    """A new temporary folder in *parent* (same file system, so renames are atomic), marked as ours."""
    parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    (path / MARKER).write_bytes(b"created by newsclaims; removed when the run ends or by the next run\n")
    return path


def owned(path: Path) -> bool:
    """True for a staging folder this toolkit made: it holds the marker, or is an empty folder
    (killed between creating it and writing the marker). Links are never ours."""
    if path.is_symlink() or not path.is_dir():
        return False
    return (path / MARKER).is_file() or not any(path.iterdir())


def remove_staging(path: Path) -> bool:
    """Remove *path* if (and only if) it is a staging folder we made; return whether it was removed."""
    if not owned(path):
        return False
    shutil.rmtree(path, ignore_errors=True)
    return not path.exists()


# --- the repository lock --------------------------------------------------------------------

@contextlib.contextmanager
def repository_lock(root: Path, *, wait: float = 0) -> Iterator[None]:
    """Hold the repository lock: one writing command (build, release, add-seed) at a time.

    The second one waits up to *wait* seconds, then fails with a one-line error. The lock file is
    released on every exit path (the OS releases it when a killed process dies).
    """
    from filelock import FileLock, Timeout
    lock = FileLock(str(Path(root) / LOCK), timeout=wait, blocking=wait > 0)
    try:
        lock.acquire()
    except Timeout:
        raise Busy("another build or release is running in this repository (or an add-seed)",
                              file=Path(root) / LOCK,
                              hint="Wait for it to finish (the lock is released when it exits).") from None
    except OSError as exc:
        raise NewsclaimsError(f"cannot create the lock file ({exc.strerror})", file=Path(root) / LOCK,
                              hint="This command writes the repository: run it in a writable checkout.") from None
    try:
        yield
    finally:
        lock.release()


@contextlib.contextmanager
def no_interrupts() -> Iterator[None]:
    """Hold back Ctrl-C (SIGINT) and SIGTERM until the block ends, so a commit is never cut in half.

    A signal that arrives meanwhile is only recorded; when the block exits it is acted on as it
    would have been (KeyboardInterrupt for Ctrl-C), so the caller knows the commit happened before
    it. Python handlers, not a signal mask, are used: a mask covers one thread only, and a helper
    thread (a progress bar's) would still let the signal through.
    """
    import threading
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    saved = {sig: signal.signal(sig, lambda signum, frame: pending.append(signum))
             for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
        if pending:
            signal.raise_signal(pending[0])
