"""``newsclaims build``: seeds and curation → ``data/*.csv`` + ``datapackage.json``, validated
in a staging directory and swapped in only when valid.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from filelock import FileLock, Timeout

from . import curate
from .errors import InvalidData, NewsclaimsError
from .extract.runner import extract_all
from .gazetteer import load_gazetteer
from .ingest import atomic_write, load_seeds
from .schema import load_package
from .tables import actor_rows, assemble, place_rows, recover, source_rows, staging_dir, swap_in, write_files
from .validate import Report, validate


@dataclass
class BuildResult:
    rows: dict[str, int]
    report: Report


def lock(root: Path, what: str) -> FileLock:
    """The repository lock: one build or release at a time; released on every exit path."""
    return FileLock(str(root / ".newsclaims.lock"), timeout=0, blocking=False)


def recover_repository(root: Path) -> None:
    """Finish or undo what an interrupted build or release left behind (when no other build or
    release is running). Every command that reads the repository calls this first."""
    from . import release
    root = Path(root).resolve()
    if not (root / "seeds" / "catalog.csv").exists():
        return      # not a repository (a release directory, say): nothing to recover
    try:
        with lock(root, "recover"):
            recover(root)
            release.recover(root)
    except Timeout:
        pass        # someone is building or releasing right now; they recover on their own


def build(root: Path, *, progress: Callable[[str], None] = lambda _: None, options: Options | None = None) -> BuildResult:
    """Rebuild the package from ``seeds/`` (and curation) and swap it in when it validates."""
    root = Path(root).resolve()
    try:
        with lock(root, "build"):
            recover(root)
            from . import release
            release.recover(root)
            return _build(root, progress, options or Options())
    except Timeout:
        raise NewsclaimsError("another build or release is running in this repository", file=root / ".newsclaims.lock",
                              hint="Wait for it to finish (the lock is released when it exits).") from None


@dataclass(frozen=True)
class Options:
    """How to run extraction: worker processes, engine (local or dask), scheduler address, cache."""

    jobs: int | None = None
    engine: str = "local"
    address: str | None = None
    cache: bool = True
    cache_write: bool = True
    counter: Callable[[int, int], None] = lambda done, total: None


def tables(root: Path, *, progress: Callable[[str], None] = lambda _: None, collect: bool = False,
           options: Options = Options()):
    """Every table of the package, in memory: extraction plus curation (nothing is written).

    Returns ``(pkg, seeds, frames, problems)``; *problems* holds curation entries that match
    nothing when ``collect`` is true (otherwise the first one is raised).
    """
    pkg = load_package(root / "schemas")
    g = load_gazetteer(root)
    seeds = load_seeds(root)
    progress(f"extracting {len(seeds)} seed(s)")
    extractions, computed = extract_all(seeds, g, root=root, jobs=options.jobs, engine=options.engine,
                                        address=options.address, cache=options.cache,
                                        cache_write=options.cache_write, progress=options.counter)
    progress(f"extracted {computed} seed(s), {len(seeds) - computed} from the cache")
    new_actors = {}
    for x in extractions:
        new_actors.update(x.new_actors)
    claims = [c for x in extractions for c in x.claims]
    progress("applying curation")
    curated = curate.apply(root, seeds, claims, collect=collect, actors={*g.actors, *new_actors}, places=set(g.places))
    rows = {
        **curated.rows,
        "sources": source_rows(root, seeds) + curated.rows["sources"],
        "actors": actor_rows(g, new_actors),
        "places": place_rows(g),
        "claims": claims,
        "excluded_spans": [{"source_id": x.source_id, "char_start": s.start, "char_end": s.end, "reason": s.reason,
                            "text": s.text} for x in extractions for s in x.excluded],
    }
    return pkg, seeds, assemble(pkg, rows), curated.problems


def write_docs(root: Path) -> None:
    """Regenerate the codebook and the working tree's report (derived files, so no staging)."""
    from .codebook import PATH as CODEBOOK, codebook
    from .report import PATH as REPORT, report
    for stale in (root / "docs").glob(".*.tmp"):     # left by a run killed while writing docs
        stale.unlink(missing_ok=True)
    atomic_write(root / CODEBOOK, codebook(root).encode("utf-8"))
    atomic_write(root / REPORT, report(root, title="newsclaims — working tree").encode("utf-8"))


def _build(root: Path, progress, options: Options) -> BuildResult:
    pkg, seeds, frames, _ = tables(root, progress=progress, options=options)
    stage = staging_dir(root)
    try:
        write_files(stage, frames, pkg, seeds)
        (stage / "seeds").symlink_to(root / "seeds", target_is_directory=True)
        progress("validating")
        # pandera and the rules check every constraint the frictionless row pass would (a test
        # holds them equal); that pass costs ~1.5 s per 100k rows, so `validate` runs it, build not.
        report = validate(stage, rows=False, curation=False)
        (stage / "seeds").unlink()
        if not report.valid:
            first = report.errors[0]
            raise InvalidData(f"the new package is invalid ({len(report.errors)} error(s)); first: {first.message}",
                              file=first.file, field=first.column,
                              hint="Nothing was replaced. Fix the seed, gazetteer or curation entry it names.")
        swap_in(root, stage)
        if (root / "docs").is_dir():
            progress("writing docs/codebook.md and docs/report.html")
            write_docs(root)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)
    report.path = root
    return BuildResult({name: len(df) for name, df in frames.items()}, report)
