"""Committing a build or a release, and finishing one that was interrupted.

A build prepares its new ``data/``, ``datapackage.json`` and ``docs/`` files in a staging folder,
then writes a journal (the commit point) and moves each new file in, the old one into the
staging folder's ``.old/``. A release prepares ``dist/newsclaims-X.Y.Z`` in a staging folder, then
journals the new index and changelog. A run killed before its journal leaves only a staging
folder (removed by the next command); one killed after it is finished by the next command.

Recovery acts only on a journal it can fully parse whose paths are exactly the ones it writes,
and removes only staging folders that carry the toolkit's marker (see :mod:`newsclaims.fsio`).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Callable

from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.datapackage.fsio import (Busy, atomic_write, fsync_dir, make_staging, no_interrupts, owned, read_journal, remove_staging, repository_lock,
                   write_journal)

SWAP = Path(".newsclaims-swap")
STAGE_PREFIX = ".newsclaims-stage-"
SWAPPABLE = ("data", "datapackage.json", "docs/codebook.md", "docs/report.html", "docs/explorer")
"""Everything a build replaces, in the order it is replaced."""
OLD = ".old"
_STAGE_NAME = re.compile(r"^\.newsclaims-stage-[A-Za-z0-9_]+$")

RELEASE_JOURNAL = Path("dist/.newsclaims-release-journal.json")
RELEASE_PREFIX = ".newsclaims-release-"
_RELEASE_STAGE = re.compile(r"^dist/\.newsclaims-release-[A-Za-z0-9_]+/newsclaims-(\d+\.\d+\.\d+)$")
_TMP_PLACES = ((Path("dist"), RELEASE_JOURNAL.name), (Path("releases"), "index.json"), (Path("."), "CHANGELOG.md"),
               (Path("docs"), "codebook.md"), (Path("docs"), "report.html"), (Path("seeds"), "catalog.csv"),
               (Path("."), SWAP.name))


# --- the build's swap -----------------------------------------------------------------------

def _forward(root: Path, stage: Path, paths: list[str]) -> None:
    for rel in paths:
        new, old, cur = stage / rel, stage / OLD / rel, root / rel
        if not os.path.lexists(new):
            continue                          # moved in already
        if os.path.lexists(cur):
            if os.path.lexists(old):
                raise NewsclaimsError(f"both {rel} and its saved old copy exist", file=root / SWAP,
                                      hint="Nothing more was moved. Check data/ and the staging folder by hand.")
            old.parent.mkdir(parents=True, exist_ok=True)
            os.replace(cur, old)
        cur.parent.mkdir(parents=True, exist_ok=True)
        os.replace(new, cur)
        fsync_dir(cur.parent)


def _back(root: Path, stage: Path, paths: list[str]) -> None:
    for rel in reversed(paths):
        new, old, cur = stage / rel, stage / OLD / rel, root / rel
        if not os.path.lexists(new) and os.path.lexists(cur):
            os.replace(cur, new)
        if os.path.lexists(old):
            os.replace(old, cur)


def _close(root: Path, journal: Path, stage: Path) -> None:
    journal.unlink()
    fsync_dir(journal.parent)
    remove_staging(stage)


def commit(root: Path, stage: Path, paths: list[str], *, committed: Callable[[], None] = lambda: None) -> None:
    """Replace *paths* of *root* by those prepared in *stage*, all or nothing.

    Ctrl-C is deferred until the commit is done; *committed* is called once the new files are in
    (so a caller can tell an interrupt after the commit from one before it). A failure to move
    (a read-only ``data/``, say) puts everything back and raises a one-line error.
    """
    root, journal = Path(root), Path(root) / SWAP
    assert _STAGE_NAME.match(stage.name) and set(paths) <= set(SWAPPABLE), (stage, paths)
    with no_interrupts():
        write_journal(journal, {"kind": "newsclaims-swap", "stage": stage.name, "paths": list(paths)})
        try:
            _forward(root, stage, paths)
        except OSError as exc:
            try:
                _back(root, stage, paths)
                journal.unlink()
            except OSError:
                raise NewsclaimsError(f"cannot replace {exc.filename or 'data/'} ({exc.strerror}), and putting the old "
                                      "files back failed too", file=journal,
                                      hint="The journal is kept: fix the permissions and run any command to finish.") from None
            raise NewsclaimsError(f"cannot replace {Path(exc.filename).relative_to(root) if exc.filename else 'data/'} "
                                  f"({exc.strerror}); nothing was replaced", file=root,
                                  hint="Make data/, docs/ and datapackage.json writable and build again.") from None
        _close(root, journal, stage)
        committed()


def recover_swap(root: Path) -> bool:
    """Finish a build whose journal was written; return whether there was one."""
    journal = root / SWAP
    if not os.path.lexists(journal):
        return False
    record = read_journal(journal, "newsclaims-swap", {"stage": str, "paths": list})
    name, paths = record["stage"], record["paths"]
    bad = "" if _STAGE_NAME.match(name) else f"its staging folder {name!r} is not one a build makes"
    if not bad and not (all(isinstance(p, str) for p in paths) and set(paths) <= set(SWAPPABLE)):
        bad = f"it names paths a build never replaces ({paths})"
    stage = root / name
    if not bad and not owned(stage):
        bad = f"its staging folder {name} is missing or not made by newsclaims"
    if bad:
        raise NewsclaimsError(f"the journal of an interrupted build cannot be trusted: {bad}; nothing was moved",
                              file=journal, hint="Check data/ and datapackage.json (git status), then delete the journal.")
    _forward(root, stage, paths)
    _close(root, journal, stage)
    return True


# --- the release's journal ------------------------------------------------------------------

def release_stage(root: Path, version: str) -> Path:
    return make_staging(root / "dist", RELEASE_PREFIX) / f"newsclaims-{version}"


PINNED_INDEX = Path("src/newsclaims/reader/releases.json")
"""The copy of ``releases/index.json`` that the installed package carries (kept equal by release)."""


def commit_release(root: Path, stage: Path, version: str, index_text: str, changelog: str, *,
                   committed: Callable[[], None] = lambda: None) -> None:
    """Write the release journal (the commit point) and carry it out."""
    record = {"kind": "newsclaims-release", "version": version, "stage": stage.relative_to(root).as_posix(),
              "index": index_text, "changelog": changelog}
    with no_interrupts():
        write_journal(root / RELEASE_JOURNAL, record)
        _finish_release(root, record)
        committed()


def _finish_release(root: Path, record: dict) -> None:
    stage, target = root / record["stage"], root / "dist" / f"newsclaims-{record['version']}"
    if stage.is_dir() and not target.exists():
        os.replace(stage, target)
        fsync_dir(target.parent)
    atomic_write(root / "releases" / "index.json", record["index"].encode("utf-8"))
    # dist/ is a mirror anyone can serve (index next to the release folders), and the package ships
    # the index it knows, so a server cannot swap the files of a version the package has seen
    atomic_write(root / "dist" / "index.json", record["index"].encode("utf-8"))
    if (root / PINNED_INDEX).parent.is_dir():
        atomic_write(root / PINNED_INDEX, record["index"].encode("utf-8"))
    atomic_write(root / "CHANGELOG.md", record["changelog"].encode("utf-8"))
    (root / RELEASE_JOURNAL).unlink()
    fsync_dir(root / RELEASE_JOURNAL.parent)
    remove_staging(stage.parent)


def recover_release(root: Path) -> bool:
    """Finish a release whose journal was written; return whether there was one."""
    path = root / RELEASE_JOURNAL
    if not os.path.lexists(path):
        return False
    record = read_journal(path, "newsclaims-release", {"version": str, "stage": str, "index": str, "changelog": str})
    m = _RELEASE_STAGE.match(record["stage"])
    why = ""
    if not m or m.group(1) != record["version"]:
        why = f"its staging folder {record['stage']!r} is not one a release of {record['version']!r} makes"
    else:
        try:
            index = json.loads(record["index"])
            ok = isinstance(index, dict) and isinstance(index.get("releases"), list)
        except ValueError:
            ok = False
        if not ok:
            why = "its release index is not a valid index"
        elif not (root / record["stage"]).is_dir() and not (root / "dist" / f"newsclaims-{record['version']}").is_dir():
            why = "neither its staging folder nor the release folder exists"
    if why:
        raise NewsclaimsError(f"the journal of an interrupted release cannot be trusted: {why}; nothing was moved",
                              file=path, hint="Check dist/, releases/index.json and CHANGELOG.md (git status), "
                                              "then delete the journal.")
    _finish_release(root, record)
    return True


# --- recovery ---------------------------------------------------------------------------------

def _leftovers(root: Path) -> list[Path]:
    found = [*root.glob(f"{STAGE_PREFIX}*")]
    if (root / "dist").is_dir():
        found += [*(root / "dist").glob(f"{RELEASE_PREFIX}*")]
    for folder, name in _TMP_PLACES:
        if (root / folder).is_dir():
            found += [*(root / folder).glob(f".{name}.*.tmp")]
    return found


def needs_recovery(root: Path) -> bool:
    """Whether an interrupted build or release left anything (a cheap look; nothing is locked)."""
    return os.path.lexists(root / SWAP) or os.path.lexists(root / RELEASE_JOURNAL) or bool(_leftovers(root))


def recover_repository(root: Path, *, locked: bool = False) -> None:
    """Finish or undo what an interrupted build or release left behind.

    Does nothing (and needs no write access, so read-only checkouts work) when nothing was left.
    Otherwise it takes the repository lock (unless *locked*: the caller holds it), finishes a
    journalled commit, and removes staging folders and temporary files the toolkit made. If another
    run holds the lock, it leaves everything to that run.
    """
    root = Path(root).resolve()
    if not (root / "seeds" / "catalog.csv").exists() or not needs_recovery(root):
        return
    if locked:
        _recover(root)
        return
    try:
        with repository_lock(root):
            _recover(root)
    except Busy:
        return          # a build or release is running; it recovers on its own


def _recover(root: Path) -> None:
    recover_swap(root)
    recover_release(root)
    for path in _leftovers(root):
        if path.is_dir():
            remove_staging(path)
        elif path.name.endswith(".tmp"):
            path.unlink(missing_ok=True)
