"""``newsclaims release``: an immutable, verifiable, versioned release in ``dist/newsclaims-X.Y.Z/``.

A release holds every table as CSV and as Parquet (written from the explicit Arrow schema derived
from ``schemas/``, zstd, fixed level and row-group size, sorted by primary key), the seeds it
points into, its descriptor, README, changelog entry, ``SHA256SUMS`` and one zip of it all. The
committed ``releases/index.json`` records every file's size and sha256 and a content hash of each
table; the loader trusts that index.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import zipfile
from typing import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

from newsclaims.datapackage import csvio
from newsclaims.datapackage.diff import Diff, LEVELS, TableDiff, bump, changelog_entry, diff, level_of
from newsclaims.publish.codebook import codebook
from newsclaims.publish.explore import site_workers, write_site
from newsclaims.publish.report import report
from newsclaims.datapackage.errors import InvalidData, Interrupted, NewsclaimsError
from newsclaims.datapackage.tableio import content_hash, parquet_bytes
from newsclaims.datapackage.fsio import atomic_write, remove_staging, repository_lock, sha256_file
from newsclaims.datapackage.archive import extract_zip
from newsclaims.datapackage.commit import PINNED_INDEX, commit_release, recover_repository, release_stage
from newsclaims.datapackage.validate import validate
from newsclaims.pipeline.checks import validate_repository
from newsclaims.pipeline.repository import Repository
from newsclaims.pipeline.review import worklist
from newsclaims.reader.fetch import cached_release_dir
from newsclaims.datapackage.schema import Table
from newsclaims.datapackage.descriptor import SEMVER, confined, descriptor_bytes, semver_key, table_from_resource

INDEX = Path("releases/index.json")
DIST = Path("dist")
RELEASE_VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
"""A version ``newsclaims release`` cuts: X.Y.Z (pre-release and build suffixes are refused)."""
# frictionless cannot count the bytes of a Parquet resource (it reports "None" and fails the
# package), so their size is recorded under this key instead of "bytes"; newsclaims checks both.
PARQUET_BYTES = "newsclaims:bytes"


def read_index(root: Path) -> dict:
    path = root / INDEX
    if not path.exists():
        return {"name": "newsclaims", "releases": []}
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise NewsclaimsError(f"not valid JSON (line {exc.lineno}): {exc.msg}", file=path,
                              hint="Restore it from git: the index is never edited by hand.") from None
    if not isinstance(index.get("releases"), list):
        raise NewsclaimsError("no releases list", file=path, hint="Restore it from git.")
    return index


def _typed_tables(root: Path, desc: dict) -> dict[str, tuple[pd.DataFrame, Table]]:
    out = {}
    for res in desc["resources"]:
        table = table_from_resource(res)
        frame, problems, _ = csvio.read_csv_coerced(root / res["path"], table)
        if problems:
            raise InvalidData(problems[0].message, file=res["path"], line=problems[0].row + 1, field=problems[0].column)
        out[res["name"]] = (frame, table)
    return out


def _zip(directory: Path, target: Path, day: date) -> None:
    stamp = (day.year, day.month, day.day, 0, 0, 0)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{directory.name}/{path.relative_to(directory).as_posix()}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes(), compresslevel=9)


@dataclass
class ReleaseResult:
    version: str
    directory: Path
    diff: Diff
    previous: str | None


def previous_release(root: Path, index: dict) -> tuple[str | None, Path | None]:
    """The latest published version and its local directory (``dist/`` or the loader's cache)."""
    if not index["releases"]:
        return None, None
    latest = max(index["releases"], key=lambda r: semver_key(r["version"]))["version"]
    local = root / DIST / f"newsclaims-{latest}"
    if local.is_dir():
        return latest, local
    commit = release_commit(root, latest)
    if commit is not None:         # a fresh clone: rebuilt by the commit that recorded it, no network
        return latest, rebuild_from_commit(root, latest, commit)
    try:
        return latest, cached_release_dir(root, latest)
    except NewsclaimsError as exc:
        raise NewsclaimsError(f"the previous release {latest} is not in dist/ and could not be fetched ({exc.message})",
                              hint=f"Run `newsclaims fetch {latest} dist/newsclaims-{latest}` first.") from None


BUMPS = ("major", "minor", "patch", "auto")


def release(root: Repository | Path, *, version: str | None = None, bump_auto: bool = False, day: date | None = None,
            notes: list[str] | None = None, require_review: bool = True,
            committed: Callable[[], None] = lambda: None, bump_level: str | None = None,
            force: bool = False) -> ReleaseResult:
    """Cut a release of the repository's package (see module docstring).

    The version is *version*, or the next at *bump_level* (major / minor / patch, or auto: the
    smallest the changes allow; *bump_auto* is auto). A version smaller than the changes need is
    refused; a larger one only with *force* and a note saying why. *committed* is called the
    moment the release is in ``dist/`` and the index.
    """
    if bump_auto:
        bump_level = "auto"
    if bump_level is not None and bump_level not in BUMPS:
        raise NewsclaimsError(f"--bump takes {', '.join(BUMPS)}, not {bump_level!r}", field="--bump")
    root = Repository.of(root).root
    dirty = _git(root, "status", "--porcelain")
    if dirty is not None and dirty.stdout.strip():
        changed = [line for line in dirty.stdout.splitlines() if line.strip()]
        raise NewsclaimsError(f"the working tree has {len(changed)} uncommitted change(s), first: {changed[0][3:]}",
                              file=root, hint="Commit them first: a release records the commit it was cut from.")
    if version is not None and not RELEASE_VERSION.match(version):
        why = "pre-release and build suffixes are not cut as releases" if SEMVER.match(version) else "it is not X.Y.Z"
        raise NewsclaimsError(f"{version!r} cannot be released: {why}", field="--version",
                              hint="Give a version X.Y.Z (e.g. 1.1.0), or --bump auto.")
    day = day or datetime.now(timezone.utc).date()
    with repository_lock(root):
        recover_repository(root, locked=True)
        result = _release(Repository(root).require(), version, bump_level, day, notes or [], require_review, committed,
                          force)
        citation = root / "CITATION.cff"
        if citation.exists():       # "Cite this repository" names the latest release
            atomic_write(citation, _stamped(citation.name, citation.read_text(encoding="utf-8"), result.version,
                                            day).encode("utf-8"))
    if dirty is not None:
        _commit_and_tag(root, result.version)
    return result


def _commit_and_tag(root: Path, version: str) -> None:
    """Commit what the release wrote into the repository (index, changelog, the package's copy of
    the index) and tag that commit ``vX.Y.Z``: the commit that records the release."""
    paths = [p for p in (INDEX.as_posix(), "CHANGELOG.md", "CITATION.cff", PINNED_INDEX.as_posix())
             if (root / p).exists()]
    steps = [("add", "--", *paths), ("commit", "-q", "-m", f"Release {version}", "--", *paths),
             ("tag", "-a", f"v{version}", "-m", f"newsclaims {version}")]
    for step in steps:
        r = _git(root, *step)
        if r is None or r.returncode != 0:
            why = (r.stderr.strip().splitlines() or ["?"])[-1] if r is not None else "git is not available"
            raise NewsclaimsError(f"released {version} into dist/, but `git {step[0]}` failed: {why}", file=root,
                                  hint=f"Commit {', '.join(paths)} and tag the commit v{version} yourself.")


def _release(repo: Repository, version: str | None, bump_level: str | None, day: date, notes: list[str],
             require_review: bool, on_commit: Callable[[], None], force: bool = False) -> ReleaseResult:
    root = repo.root
    if (version is None) == (bump_level is None):
        raise NewsclaimsError("give either --version X.Y.Z or --bump major|minor|patch|auto", field="--version")
    index = read_index(root)
    if version and any(r["version"] == version for r in index["releases"]):
        raise NewsclaimsError(f"version {version} is already released; releases are immutable", file=root / INDEX,
                              hint="Choose a new version (or --bump auto).")
    report = validate_repository(repo)      # the staged release gets frictionless' pass too, below
    if not report.valid:
        first = report.errors[0]
        raise InvalidData(f"the package is invalid ({len(report.errors)} error(s)); first: {first.message}",
                          file=first.file, hint="Run `newsclaims validate` and fix it before releasing.")
    if require_review:
        work = worklist(repo)
        if not work.empty:
            raise InvalidData(f"the review worklist is not empty ({work.counts()})", file=root / "curation",
                              hint="Run `newsclaims review` and finish the curation before releasing.")
    previous, previous_dir = previous_release(root, index)
    desc = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    if previous_dir is not None:
        d = diff(previous_dir, root)
    else:
        d = Diff([], {r["name"]: TableDiff() for r in desc["resources"]})
    needed = d.level if previous else "major"
    if previous and needed == "none":
        raise NewsclaimsError(f"nothing changed since {previous}", hint="There is nothing to release.")
    if bump_level is not None:
        version = bump(previous, needed if bump_level == "auto" else bump_level) if previous else "1.0.0"
    if previous:
        step = level_of(previous, version)
        if step == "none":
            raise NewsclaimsError(f"{version} is not greater than the latest release {previous}", field="--version")
        if LEVELS.index(step) < LEVELS.index(needed):
            reasons = "; ".join(f"{c.table or 'package'}: {c.kind} ({c.detail})" for c in d.changes if c.level == needed)[:400]
            raise NewsclaimsError(f"{version} is a {step} step from {previous} but the changes need a {needed} one: {reasons}",
                                  field="--version", hint=f"Use {bump(previous, needed)} or --bump auto.")
        if LEVELS.index(step) > LEVELS.index(needed) and not (force and notes):
            raise NewsclaimsError(f"{version} is a {step} step from {previous} but the changes need only a {needed} one "
                                  f"({bump(previous, needed)})", field="--version",
                                  hint="Use --bump auto, or pass --force with a --note saying why the version is larger.")
    target = root / DIST / f"newsclaims-{version}"
    if target.exists():
        raise NewsclaimsError(f"{target.relative_to(root)} exists already; releases are immutable", file=target)
    stage = release_stage(root, version)
    committed: list[bool] = []
    try:
        try:
            section = changelog_entry(version, day.isoformat(), d, notes)
            entry = _write_release(root, stage, desc, version, day, section, d.level if previous else "initial", previous)
            check = validate(stage, frictionless=True)
            if not check.valid:
                raise InvalidData(f"the release does not validate: {check.errors[0].message}", file=check.errors[0].file)
            index["releases"].append(entry)
            index["releases"].sort(key=lambda r: semver_key(r["version"]))
            # The journal is the commit point: once it is written, an interrupted release is finished
            # by the next command (see newsclaims.swap); before it, nothing outside the staging folder changed.
            commit_release(root, stage, version, json.dumps(index, indent=2, ensure_ascii=False) + "\n",
                           _changelog_with(root, entry["changelog"]), committed=lambda: (committed.append(True), on_commit()))
        finally:
            if stage.parent.exists():
                remove_staging(stage.parent)
    except KeyboardInterrupt:
        if committed:
            raise Interrupted(f"interrupted after release {version} was committed: it is in dist/ and the index",
                              file=root, hint="Nothing more needs doing.") from None
        raise Interrupted("interrupted before the release was committed: nothing was published", file=root,
                          hint="Run the release again when you are ready.") from None
    return ReleaseResult(version, target, d, previous)


def _changelog_with(root: Path, section: str) -> str:
    """CHANGELOG.md with the release's section above the earlier ones; an ``## Unreleased``
    section's items are carried into it (they describe this release)."""
    path = root / "CHANGELOG.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Changelog\n"
    head, _, rest = text.partition("\n## ")
    sections = ["## " + s for s in rest.split("\n## ")] if rest else []
    if sections and sections[0].startswith("## Unreleased"):
        items = sections.pop(0).split("\n", 1)[1].strip()
        if items:
            section = section.rstrip("\n") + "\n\nAlso in this release:\n\n" + items + "\n"
    parts = [head.rstrip("\n"), section.rstrip("\n")] + [s.rstrip("\n") for s in sections]
    return "\n\n".join(parts) + "\n"


def _stamped(name: str, text: str, version: str, day: date) -> str:
    r"""A release's own copy of the citation file or the dataset card: its version and date.

    >>> print(_stamped("CITATION.cff", "title: x\nversion: 1.0.0\ndate-released: 2026-01-01\n", "1.1.0", date(2026, 12, 1)))
    title: x
    version: 1.1.0
    date-released: 2026-12-01
    <BLANKLINE>
    >>> _stamped("DATASET.md", "# newsclaims — dataset card\n\nText.", "1.1.0", date(2026, 12, 1)).splitlines()[:3]
    ['# newsclaims 1.1.0 — dataset card', '', 'Version 1.1.0, released 2026-12-01.']
    """
    if name == "CITATION.cff":
        text = re.sub(r"(?m)^version:.*$", f"version: {version}", text)
        return re.sub(r"(?m)^date-released:.*$", f"date-released: {day.isoformat()}", text)
    if name == "DATASET.md":
        title, _, rest = text.partition("\n")
        return f"{title.replace('newsclaims', f'newsclaims {version}', 1)}\n\nVersion {version}, released {day.isoformat()}.\n{rest}"
    return text


def _write_release(root: Path, stage: Path, desc: dict, version: str, day: date, section: str, level: str,
                   previous: str | None) -> dict:
    (stage / "data").mkdir(parents=True)
    typed = _typed_tables(root, desc)
    resources, tables = [], {}
    for res in desc["resources"]:
        frame, table = typed[res["name"]]
        csv_bytes = (root / res["path"]).read_bytes()
        pq_bytes = parquet_bytes(frame, table)
        (stage / res["path"]).write_bytes(csv_bytes)
        pq_path = f"data/{res['name']}.parquet"
        (stage / pq_path).write_bytes(pq_bytes)
        resources.append(res)
        schema = json.loads(json.dumps(res["schema"]))
        for fk in schema.get("foreignKeys", []):
            fk["reference"]["resource"] = f"{fk['reference']['resource']}_parquet"
        resources.append({**{k: v for k, v in res.items() if k not in ("path", "format", "mediatype", "encoding", "bytes")},
                          "name": f"{res['name']}_parquet", "path": pq_path, "format": "parquet",
                          "mediatype": "application/vnd.apache.parquet", PARQUET_BYTES: len(pq_bytes),
                          "hash": "sha256:" + hashlib.sha256(pq_bytes).hexdigest(), "schema": schema})
        tables[res["name"]] = {"rows": len(frame), "content_sha256": content_hash(frame, table)}
    seeds = sorted({s["path"] for s in desc.get("sources", [])} | {"seeds/catalog.csv"})
    for rel in seeds:
        if not isinstance(rel, str) or confined(root, rel) is None or not rel.startswith("seeds/"):
            raise InvalidData(f"sources path {rel!r} is not a file under seeds/ of the package", file=root / "datapackage.json",
                              field="sources", hint="Rebuild the descriptor with `newsclaims build`.")
        (stage / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / rel, stage / rel)
    created = f"{day.isoformat()}T00:00:00Z"
    new_desc = {**desc, "version": version, "created": created, "resources": resources}
    new_desc["id"] = f"newsclaims-{version}"
    (stage / "datapackage.json").write_bytes(descriptor_bytes(new_desc))
    shutil.copyfile(root / "README.md", stage / "README.md")
    for extra in ("LICENSE", "CITATION.cff", "DATASET.md"):
        if (root / extra).exists():
            text = (root / extra).read_text(encoding="utf-8")
            (stage / extra).write_text(_stamped(extra, text, version, day), encoding="utf-8")
    (stage / "CHANGELOG.md").write_text(f"# newsclaims {version}\n\n{section}", encoding="utf-8")
    (stage / "docs").mkdir(exist_ok=True)
    (stage / "docs" / "codebook.md").write_text(codebook(root), encoding="utf-8")
    # the report is made here while the explorer's processes (a large package's) write it
    write_site(stage, stage / "explorer", workers=site_workers(stage),
               meanwhile=lambda: (stage / "report.html").write_text(report(stage, title=f"newsclaims {version}"),
                                                                   encoding="utf-8"))
    files = sorted(p for p in stage.rglob("*") if p.is_file())
    sums = "".join(f"{sha256_file(p)}  {p.relative_to(stage).as_posix()}\n" for p in files)
    (stage / "SHA256SUMS").write_text(sums, encoding="utf-8")
    zip_path = stage / f"newsclaims-{version}.zip"
    _zip(stage, zip_path, day)
    listed = sorted(p for p in stage.rglob("*") if p.is_file())
    return {"version": version, "date": day.isoformat(), "created": created, "previous": previous,
            "level": level,
            "files": [{"path": p.relative_to(stage).as_posix(), "bytes": p.stat().st_size, "sha256": sha256_file(p)}
                      for p in listed],
            "tables": tables, "changelog": section}


def resolve_package(root: Path, spec: str) -> Path:
    """A package directory for *spec*: a path (directory or zip), '.' for the working tree, or a
    version (``dist/newsclaims-X.Y.Z`` or the loader's cache)."""
    path = Path(spec)
    if spec == ".":
        return root
    if path.is_dir():
        return path
    if path.suffix == ".zip" and path.is_file():
        return extract_zip(path)
    if SEMVER.match(spec):
        local = root / DIST / f"newsclaims-{spec}"
        if local.is_dir():
            return local
        commit = release_commit(root, spec)
        return rebuild_from_commit(root, spec, commit) if commit else cached_release_dir(root, spec)
    raise NewsclaimsError(f"{spec!r} is neither a directory, a zip nor a version X.Y.Z", hint="See `newsclaims diff --help`.")


def _git(root: Path, *args: str, text: bool = True) -> subprocess.CompletedProcess | None:
    """``git -C root args`` (None when *root* is not in a git work tree or git is missing)."""
    git = shutil.which("git")
    if git is None:
        return None
    inside = subprocess.run([git, "-C", str(root), "rev-parse", "--is-inside-work-tree"], capture_output=True, text=True)
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        return None
    return subprocess.run([git, "-C", str(root), *args], capture_output=True, text=text)


def release_commit(root: Path, version: str) -> str | None:
    """The commit that recorded *version*: its tag ``vX.Y.Z``, else the first commit whose
    ``releases/index.json`` lists it (None outside git, or when no commit does)."""
    tagged = _git(root, "rev-parse", "-q", "--verify", f"refs/tags/v{version}^{{commit}}")
    if tagged is None:
        return None
    if tagged.returncode == 0:
        return tagged.stdout.strip()
    log = _git(root, "log", "--format=%H", "--reverse", "-S", f'"version": "{version}"', "--", INDEX.as_posix())
    first = log.stdout.split() if log is not None and log.returncode == 0 else []
    return first[0] if first else None


def rebuild_from_commit(root: Path, version: str, commit: str) -> Path:
    """Rebuild *version* with the code *and* data of *commit* (``git archive`` into a temporary
    folder, then that commit's own ``newsclaims verify-release``, run with this environment's
    libraries), so a release stays verifiable whatever the toolkit became since. The rebuilt and
    checked directory lands in ``dist/``."""
    import io
    import sys
    import tarfile
    import tempfile
    target = root / DIST / f"newsclaims-{version}"
    if target.exists():
        raise NewsclaimsError(f"{target} exists already", file=target, hint="Remove it to rebuild.")
    archive = _git(root, "archive", "--format=tar", commit, text=False)
    if archive is None or archive.returncode != 0:
        raise NewsclaimsError(f"cannot read commit {commit[:12]} of the repository", file=root,
                              hint="Fetch the full history (git fetch --unshallow --tags).")
    with tempfile.TemporaryDirectory(prefix="newsclaims-rebuild-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        env = {**os.environ, "PYTHONPATH": str(Path(tmp) / "src")}
        r = subprocess.run([sys.executable, "-m", "newsclaims", "verify-release", version], cwd=tmp, env=env,
                   capture_output=True, text=True)
        if r.returncode != 0:
            last = (r.stderr.strip().splitlines() or ["no output"])[-1]
            raise InvalidData(f"the toolkit of commit {commit[:12]} could not rebuild {version}: {last}", file=root / INDEX,
                              hint="Check the release entry against that commit's data.")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(Path(tmp) / DIST / f"newsclaims-{version}"), str(target))
    return target


def rebuild_release(root: Path, version: str) -> Path:
    """Rebuild a published version and check every file against its index entry (what the
    release workflow does on a tag); the rebuilt directory lands in ``dist/``.

    In a git checkout the release is rebuilt by the commit that recorded it
    (:func:`rebuild_from_commit`); elsewhere (a copy without history) by this toolkit from the
    working tree.
    """
    root = Path(root).resolve()
    index = read_index(root)
    entry = next((r for r in index["releases"] if r["version"] == version), None)
    if entry is None:
        known = ", ".join(r["version"] for r in index["releases"]) or "none"
        raise NewsclaimsError(f"version {version} is not in the release index (known: {known})", file=root / INDEX)
    target = root / DIST / f"newsclaims-{version}"
    if target.exists():
        raise NewsclaimsError(f"{target} exists already", file=target, hint="Remove it to rebuild.")
    commit = release_commit(root, version)
    if commit is not None:
        return rebuild_from_commit(root, version, commit)
    desc = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    stage = release_stage(root, version)
    try:
        rebuilt = _write_release(root, stage, desc, version, date.fromisoformat(entry["date"]), entry["changelog"],
                                 entry["level"], entry["previous"])
        expected = {f["path"]: f["sha256"] for f in entry["files"]}
        actual = {f["path"]: f["sha256"] for f in rebuilt["files"]}
        if expected != actual:
            bad = sorted(p for p in set(expected) | set(actual) if expected.get(p) != actual.get(p))
            raise InvalidData(f"the rebuilt release differs from the published one in {', '.join(bad[:5])}",
                              file=root / INDEX, hint="Build the release from the commit that recorded it.")
        os.replace(stage, target)
    finally:
        remove_staging(stage.parent)
    return target
