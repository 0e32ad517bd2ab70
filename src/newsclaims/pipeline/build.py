"""``newsclaims build``: seeds and curation → ``data/*.csv`` + ``datapackage.json``, validated
in a staging directory and swapped in only when valid.
"""

from __future__ import annotations

import gc
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from newsclaims.pipeline import curate, events, uptodate
from newsclaims.pipeline.repository import Repository
from newsclaims.datapackage.errors import InvalidData, Interrupted, NewsclaimsError
from newsclaims.pipeline.extract.runner import Store, default_jobs, extract_all, payload, to_entry
from newsclaims.datapackage.fsio import make_staging, remove_staging, repository_lock
from newsclaims.datapackage.commit import STAGE_PREFIX, commit, recover_repository
from newsclaims.pipeline.tables import (actor_rows, assemble, date_rows, development_version, place_rows, source_rows,
                                        speaker_rows, write_files)
from newsclaims.datapackage.validate import Report, validate
from newsclaims.datapackage.workers import helper_task, spawn_pool

__all__ = ["BuildResult", "Interrupted", "Options", "build", "recover_repository", "tables", "tables_and_pairs"]


@dataclass
class BuildResult:
    rows: dict[str, int]
    report: Report


Docs = Callable[..., list[str]]
"""Writes derived documents of a package: ``docs(package, repository root, target, checked=,
proposals=, workers=)`` returns the paths written under *target* (the publishing layer's
``write_docs`` is the one the CLI passes); *checked* is the package's validation report and
*proposals* a function returning the event proposals of extraction alone, both as the build has
them already, and *workers* the processes it may use (see :func:`processes`)."""


@contextmanager
def without_cyclic_gc():
    """Python's cyclic garbage collector off for the block, as it was after.

    A build holds millions of claim, link and relation dicts and makes millions more; the
    collector walks every live one each time the heap grows by a quarter, which at 10,000
    articles took about half of proposing events and two thirds of reading the extraction
    cache (peak memory is the same without it: the build makes no cyclic garbage to speak of).

    >>> with without_cyclic_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build(root: Repository | Path, *, progress: Callable[[str], None] = lambda _: None, options: Options | None = None,
          docs: Docs | None = None, committed: Callable[[], None] = lambda: None) -> BuildResult:
    """Rebuild the package from ``seeds/`` (and curation) and swap it in when it validates.

    With *docs*, and when the repository has a ``docs/`` folder, the documents it writes are
    committed together with the data (see :mod:`newsclaims.datapackage.commit`). *committed* is
    called the moment the new package is in place, so a caller interrupted later can say so.
    """
    root = Repository.of(root).root
    with repository_lock(root):
        recover_repository(root, locked=True)
        # what this build reads, as it starts; kept when it succeeds so that the next build with
        # nothing changed has nothing to do (only when docs/ is written too: the CLI's build)
        before = uptodate.inputs(root) if docs is not None else None
        uptodate.forget(root)
        with without_cyclic_gc():
            result = _build(Repository(root).require(), progress, options or Options(), docs, committed)
        if before is not None and not result.report.warnings:
            uptodate.record(root, before, result.rows)
        return result


@dataclass(frozen=True)
class Options:
    """How to run extraction: worker processes, engine (local or dask), scheduler address, cache."""

    jobs: int | None = None
    engine: str = "local"
    address: str | None = None
    cache: bool = True
    cache_write: bool = True
    counter: Callable[[int, int], None] = lambda done, total: None


PROPOSALS = Path(".newsclaims-cache") / "proposals.sqlite"


def _proposals(entry: bytes) -> list | None:
    """The proposals in a store entry, or None when it is damaged in any way."""
    raw = payload(entry)
    try:
        return events.decode_proposals(raw) if raw is not None else None
    except (ValueError, TypeError, KeyError):
        return None


def _block(entry: bytes) -> tuple | None:
    """The scored candidate block in a store entry, or None when it is damaged in any way."""
    raw = payload(entry)
    try:
        return events.decode_block(raw) if raw is not None else None
    except ValueError:
        return None


class ProposalStore:
    """Each article's event proposals between builds, in ``.newsclaims-cache/proposals.sqlite``
    (the store :func:`newsclaims.pipeline.events.propose` takes): a rebuild after one article
    changed proposes events for that article only, and scores again only the candidate blocks
    its proposals are in, then merges across all of them. An entry whose digest does not match,
    or that does not decode, is made again. Every entry rests on the code and libraries that
    made it (:func:`~newsclaims.pipeline.events.code_signature`): a store written under another
    signature is emptied when opened for writing, so it holds one version's entries, not every
    version's since it was made."""

    def __init__(self, root: Path, write: bool = True):
        self.store = Store(Path(root) / PROPOSALS, write)
        self.store.belongs_to(events.code_signature())

    def get(self, keys: list[str]) -> dict[str, list]:
        return self.store.take(keys, _proposals)

    def put(self, items: dict[str, list]) -> None:
        self.store.put({key: to_entry(events.encode_proposals(ps)) for key, ps in items.items()})

    def blocks(self, keys: list[str]) -> dict[str, tuple]:
        return self.store.take(keys, _block)

    def put_blocks(self, items: dict[str, tuple]) -> None:
        self.store.put({key: to_entry(events.encode_block(pairs)) for key, pairs in items.items()})

    def close(self) -> None:
        self.store.close()


def tables(root: Repository | Path, *, progress: Callable[[str], None] = lambda _: None, collect: bool = False,
           options: Options = Options()):
    """Every table of the package, in memory: extraction plus curation (nothing is written).

    Returns ``(pkg, seeds, frames, problems)``; *problems* holds curation entries that match
    nothing when ``collect`` is true (otherwise the first one is raised).
    """
    return _tables(Repository.of(root), progress, collect, options)[:4]


def tables_and_pairs(root: Repository | Path, *, collect: bool = False, options: Options = Options()):
    """What :func:`tables` returns, and the pairs of events that are possibly the same (a
    proposed event and another event that the same-event rules score between
    :data:`~newsclaims.pipeline.events.POSSIBLE` and :data:`~newsclaims.pipeline.events.MERGE`)."""
    pkg, seeds, frames, problems, _, pairs, _ = _tables(Repository.of(root), lambda _: None, collect, options)
    return pkg, seeds, frames, problems, pairs


def _tables(repo: Repository, progress: Callable[[str], None], collect: bool, options: Options,
            keep: ExitStack | None = None):
    """The tables and what else a build needs of them; with *keep*, the last item is the event
    proposals of the claims as extracted (curation set aside, for the report: an :class:`_Alone`,
    closed when *keep* closes), else None."""
    pkg, g, seeds, root = repo.package, repo.gazetteer, repo.seeds, repo.root
    progress(f"extracting {len(seeds)} seed(s)")
    extractions, computed = extract_all(seeds, g, root=root, jobs=options.jobs, engine=options.engine,
                                        address=options.address, cache=options.cache,
                                        cache_write=options.cache_write, progress=options.counter)
    progress(f"extracted {computed} seed(s), {len(seeds) - computed} from the cache")
    new_actors = {}
    for x in extractions:
        new_actors.update(x.new_actors)
    claims = [c for x in extractions for c in x.claims]
    alone = keep.enter_context(_Alone(repo, extractions, claims, options)) if keep is not None else None
    progress("applying curation")
    curated = curate.apply(root, seeds, claims, files=repo.curation, collect=collect, actors={*g.actors, *new_actors},
                           places=set(g.places))
    progress("proposing events")
    store = ProposalStore(root, options.cache_write) if options.cache else None
    try:
        proposals, possible = events.propose_extracted(repo, extractions, claims, store=store)
    finally:
        if store is not None:
            store.close()
    absorbed = events.absorb(proposals, possible, curated.rows, claims, g.places, curated.decisions)
    if absorbed.ignored and not collect:
        raise absorbed.ignored[0]
    curated.problems.extend(absorbed.ignored)
    for table in ("events", "event_actors", "claim_events"):
        curated.rows[table] = curated.rows[table] + getattr(absorbed, table)
    # relations follow events (claims that proposals put together are compared too), places by the gazetteer
    progress("relating claims about the same thing")
    curated.rows["claim_relations"] = curate.with_automatic(curated.rows["claim_relations"], claims,
                                                            curated.rows["claim_events"], g.places)
    rows = {
        **curated.rows,
        "sources": source_rows(repo.catalog, seeds) + curated.rows["sources"],
        "actors": actor_rows(g, new_actors),
        "places": place_rows(g),
        "claims": claims,
        "claim_speakers": speaker_rows(claims),
        "claim_dates": date_rows(claims),
        "excluded_spans": [{"source_id": x.source_id, "char_start": s.start, "char_end": s.end, "reason": s.reason,
                            "text": s.text} for x in extractions for s in x.excluded],
    }
    return pkg, seeds, assemble(pkg, rows), curated.problems, curated.origins, absorbed.possibly_same, alone


BESIDE_FROM = 100
"""Seeds from which a build that writes ``docs/`` proposes events for the report (from
extraction alone, curation set aside) in a process of its own, on a core the build leaves idle
while it curates, proposes, relates, writes and validates (for fewer seeds, starting a process
costs more than it saves)."""


def _proposed_alone(root: str, extractions: list | None = None) -> list:
    """The report's event proposals, in a process of its own. Without *extractions* (the
    build's, as extracted), the extraction cache holds every article (the build just wrote it)
    and the proposals store every article no curator touched; with them (a build without the
    cache), they are proposed from them alone."""
    if extractions is not None:
        repo = Repository.of(root).require()
        return events.propose_extracted(repo, extractions, [c for x in extractions for c in x.claims])[0]
    store = ProposalStore(Path(root), write=False)
    try:
        return events.proposals_of(root, store=store)[0]
    finally:
        store.close()


def processes(options: Options) -> int:
    """The processes a build may run at once: ``--jobs``, else every core. It bounds the
    extraction workers, the explorer's writers and whether the report's proposals are made
    beside the build (``--jobs 1`` keeps a build to one process)."""
    return options.jobs or default_jobs()


class _Alone:
    """The event proposals of extraction alone, which the report sets against the curated events.

    From :data:`BESIDE_FROM` seeds on, when the build may run more than one process (see
    :func:`processes`), they are proposed in a spawned process while the build goes on: from the
    extraction cache and the proposals store, or, in a build that leaves the cache alone, from
    copies of the extractions taken here before curation changes them. Otherwise they are proposed in
    this process when asked, from copies of the claims taken before curation changed them
    (curation sets top-level fields of a claim, never inside one). Call it for the proposals;
    leaving it (a context manager) stops the process in any case.
    """

    def __init__(self, repo: Repository, extractions: list, claims: list[dict], options: Options):
        self.repo, self.extractions, self.pool, self.claims = repo, extractions, None, None
        if len(repo.seeds) >= BESIDE_FROM and processes(options) > 1:
            cached = options.cache and options.cache_write
            # the pool sends its arguments from a thread of its own, while curation changes the
            # claims: it gets copies (curation sets top-level fields of a claim, never inside one)
            args = (str(repo.root),) if cached else (
                str(repo.root), [replace(x, claims=[dict(c) for c in x.claims]) for x in extractions])
            self.pool = spawn_pool(1)
            self.pending = self.pool.apply_async(helper_task, (_proposed_alone, *args))
        else:
            self.claims = [dict(c) for c in claims]

    def __call__(self) -> list:
        if self.pool is None:
            return events.propose_extracted(self.repo, self.extractions, self.claims)[0]
        try:
            return self.pending.get()
        except Exception as exc:
            raise NewsclaimsError(f"proposing events for the report failed: {exc}", file=self.repo.root,
                              hint="Nothing was replaced. Run `newsclaims propose-events` to see the error alone.") from None

    def __enter__(self) -> _Alone:
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


def _where(failure, origins: dict, root: Path) -> tuple[object, int | None, str | None]:
    """The curation entry behind a failed row when there is one (the curator fixes it there),
    else the table file and row."""
    if failure.table and failure.key and (failure.table, failure.key) in origins:
        path, line = origins[(failure.table, failure.key)]
        return Path(path).relative_to(root) if Path(path).is_relative_to(root) else path, line, failure.column
    return failure.file, failure.row + 1 if failure.row is not None else None, failure.column


def _build(repo: Repository, progress, options: Options, docs: Docs | None, on_commit: Callable[[], None]) -> BuildResult:
    with ExitStack() as stack:
        writes_docs = docs is not None and (repo.root / "docs").is_dir()
        pkg, seeds, frames, _, origins, _, alone = _tables(repo, progress, False, options,
                                                           keep=stack if writes_docs else None)
        return _write(repo, progress, pkg, seeds, frames, origins, alone, docs, on_commit, processes(options))


def _write(repo: Repository, progress, pkg, seeds, frames, origins, alone, docs: Docs | None,
           on_commit: Callable[[], None], workers: int) -> BuildResult:
    root = repo.root
    stage = make_staging(root, STAGE_PREFIX)
    committed: list[bool] = []
    try:
        try:
            progress("writing the tables")
            write_files(stage, frames, pkg, seeds, development_version(root))
            (stage / "seeds").symlink_to(root / "seeds", target_is_directory=True)
            progress("validating the new package")
            # pandera and the rules check every constraint the frictionless row pass would (a test
            # holds them equal); that pass costs ~1.5 s per 100k rows, so `validate` runs it, build not.
            report = validate(stage)
            if not report.valid:
                first = report.errors[0]
                file, line, column = _where(first, origins, root)
                raise InvalidData(f"the new package is invalid ({len(report.errors)} error(s)); first: "
                                  f"{first.table + ' ' if first.table else ''}{first.key or ''}: {first.message}",
                                  file=file, line=line, field=column,
                                  hint="Nothing was replaced. Fix the seed, gazetteer or curation entry it names.")
            paths = ["data", "datapackage.json"]
            if docs is not None and (root / "docs").is_dir():
                progress("writing docs/")
                paths += docs(stage, root, stage, checked=report, proposals=alone, workers=workers)
            (stage / "seeds").unlink()
            progress("replacing data/, datapackage.json and docs/")
            commit(root, stage, paths, committed=lambda: (committed.append(True), on_commit()))
        finally:
            # Inside the handler below: Ctrl-C while the staging folder is removed is told truthfully too.
            if stage.exists():
                remove_staging(stage)
    except KeyboardInterrupt:
        if committed:
            raise Interrupted("interrupted after the new package was committed: data/, datapackage.json and docs/ "
                              "hold the new build", file=root,
                              hint="Nothing more needs doing.") from None
        raise Interrupted("interrupted before anything was replaced: data/, datapackage.json and docs/ are "
                          "unchanged", file=root,
                          hint="Run the build again when you are ready.") from None
    report.path = root
    return BuildResult({name: len(df) for name, df in frames.items()}, report)
