"""The ``newsclaims`` command line."""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape

from newsclaims import __version__
from newsclaims.cli.quick import report_unchanged
from newsclaims.datapackage.errors import NewsclaimsError

app = typer.Typer(help="Build, validate, release and load the newsclaims dataset of claims, sources and events.\n\n"
                       "Example: newsclaims build && newsclaims validate",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
out = Console(soft_wrap=True)      # never wrap: one failure, one line, greppable
err = Console(stderr=True, soft_wrap=True)
STATE = {"debug": False}


class Format(str, Enum):
    text = "text"
    json = "json"
    github = "github"


def fail(exc: Exception) -> None:
    """Print a one-line error (a traceback only with --debug) and exit with the error's code."""
    if STATE["debug"]:
        raise exc
    code = getattr(exc, "exit_code", 2)
    text = str(exc)
    if isinstance(exc, NewsclaimsError) and not exc.hint:
        # Every error says what to do; where the raiser knew no better, the generic advice.
        text = f"{text.rstrip('.')}. Correct the file or value named here and run the command again (--help lists the options)."
    err.print("[bold red]error:[/] ", end="")
    err.print(text, markup=False, highlight=False, soft_wrap=True)    # messages may hold [brackets]
    raise typer.Exit(code)


def run(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except NewsclaimsError as exc:
        fail(exc)
    except KeyboardInterrupt:
        if STATE.get("telling"):
            raise                         # told by the enclosing `tells_interrupts` block
        # Commands that write (build, release) raise Interrupted with what they actually did;
        # reaching here means the command had written nothing yet.
        err.print("interrupted before anything was written")
        raise typer.Exit(130)
    except OSError as exc:
        from newsclaims.datapackage.fsio import disk_full
        if exc.errno in (28, 27, 122) and getattr(exc, "filename", None):
            fail(disk_full(exc, Path(exc.filename)))
        fail(NewsclaimsError(f"{exc.strerror or exc}", file=getattr(exc, "filename", None)))


@contextlib.contextmanager
def tells_interrupts(after: str, before: str):
    """Say truthfully what a Ctrl-C left behind, wherever in a writing command it lands.

    The block receives a callback to pass on as the command's ``committed=``; a Ctrl-C after it
    was called (even after the command returned, while its summary prints) reports *after*.
    """
    done: list[bool] = []
    STATE["telling"] = True
    try:
        yield lambda: done.append(True)
    except KeyboardInterrupt:
        err.print(after if done else before, markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(130)
    finally:
        STATE["telling"] = False


def _version(value: bool):
    if value:
        out.print(f"newsclaims {__version__}")
        raise typer.Exit()


@app.callback()
def main(debug: bool = typer.Option(False, "--debug", help="Show Python tracebacks for errors."),
         version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version.")):
    STATE["debug"] = debug


def _is_zip(path: Path) -> bool:
    return path.suffix == ".zip" and path.is_file()


@contextlib.contextmanager
def _unpacked(path: Path):
    """*path* itself, or for a release zip a temporary folder it is safely unpacked into."""
    if not _is_zip(path):
        yield path
        return
    from newsclaims.datapackage.archive import extract_zip
    with tempfile.TemporaryDirectory(prefix="newsclaims-zip-") as tmp:
        yield run(extract_zip, path, Path(tmp))


def _print_report(report, fmt: Format) -> None:
    if fmt is Format.json:
        sys.stdout.write(json.dumps([f.as_dict() for f in report.failures], indent=1, ensure_ascii=False) + "\n")
        return
    if fmt is Format.github:
        for f in report.failures:
            level = "error" if f.severity == "error" else "warning"
            where = f"file={f.file}" + (f",line={f.row + 1}" if f.row else "")
            msg = f"{f.table or ''} {f.key or ''} {f.column or ''}: {f.message}".replace("\n", " ")
            print(f"::{level} {where},title={f.check}::{msg}")
        return
    for f in report.failures[:500]:
        where = f"{f.file or report.path}" + (f":{f.row + 1}" if f.row is not None and (f.file or "").endswith(".csv") else
                                                (f":{f.row}" if f.row is not None else ""))
        what = " ".join(x for x in (f.table, f"row {f.row}" if f.row is not None and f.table else None,
                                    f"[{f.key}]" if f.key else None, f.column) if x)
        color = "red" if f.severity == "error" else "yellow"
        out.print(f"{escape(where)}: [{color}]{f.severity}[/]: {escape(what + ': ' if what else '')}"
                  f"{escape(f.message)} ({f.check})", highlight=False, soft_wrap=True)
    if len(report.failures) > 500:
        out.print(f"... and {len(report.failures) - 500} more (use --format json for all)")
    status = "[green]valid[/]" if report.valid else "[red]invalid[/]"
    out.print(f"{report.path}: {status} — {len(report.errors)} error(s), {len(report.warnings)} warning(s); rows: "
              + ", ".join(f"{k} {v}" for k, v in report.rows.items()), soft_wrap=True, highlight=False)
    if not report.valid:
        out.print("Fix the rows named above (or rebuild with `newsclaims build`), then validate again.")


@app.command("validate")
def validate_cmd(path: Path = typer.Argument(Path("."), help="Data package: a repository, a release directory or a release zip."),
                 format: Format = typer.Option(Format.text, "--format", "-f", help="text, json (one object per failure) or github (annotations)."),
                 frictionless: bool = typer.Option(False, "--frictionless/--no-frictionless", help="Also run frictionless' own row pass (slow on large tables; the schemas and rules already reject what it rejects)."),
                 rows: Optional[bool] = typer.Option(None, "--rows/--no-rows", hidden=True, help="Old name of --frictionless/--no-frictionless.")):
    """Check a data package: descriptor, file hashes, rows, schemas and cross-table rules.

    Exit 0 valid, 1 invalid data, 2 unreadable input. A zip is checked for unsafe entries, then
    unpacked to a temporary folder and validated. Example: newsclaims validate --format github
    """
    from newsclaims.datapackage.commit import recover_repository
    from newsclaims.pipeline.checks import validate_repository
    if not _is_zip(path):
        run(recover_repository, path)
    with _unpacked(path) as package:
        report = run(validate_repository, package, frictionless=frictionless if rows is None else rows)
    report.path = path
    _print_report(report, format)
    raise typer.Exit(0 if report.valid else 1)


class Engine(str, Enum):
    local = "local"
    dask = "dask"


@app.command()
def build(root: Path = typer.Option(Path("."), "--root", help="Repository root."),
          format: Format = typer.Option(Format.text, "--format", "-f", help="How to print warnings."),
          jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Processes the build may run at once: extraction workers, explorer writers, the report's proposals beside the build (default: all cores; 1 keeps it to one process)."),
          engine: Engine = typer.Option(Engine.local, "--engine", help="local processes, or dask (pip install \"newsclaims[dask]\")."),
          scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Address of a running dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster of --jobs workers)."),
          cache: bool = typer.Option(True, "--cache/--no-cache", help="Reuse per-article results from .newsclaims-cache/ (keyed by seed, catalog row, gazetteer and extractor version).")):
    """Extract claims from seeds/ (and apply curation), write data/ and datapackage.json, validate.

    The new package replaces the old one only when it validates. Unchanged articles come from the
    extraction cache; when nothing the last build read or wrote has changed, there is nothing to do. Examples: newsclaims build; newsclaims build --jobs 1 --no-cache;
    newsclaims build --engine dask --scheduler tcp://scheduler:8786
    """
    if cache and report_unchanged(root):
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from newsclaims.pipeline.build import Options, build as do_build
    from newsclaims.publish.docs import write_docs
    with tells_interrupts("interrupted after the new package was committed: data/, datapackage.json and docs/ "
                          "hold the new build", "interrupted before anything was replaced") as committed:
        with Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True) as bar:
            task = bar.add_task("extract", total=None)
            options = Options(jobs=jobs, engine=engine.value, address=scheduler, cache=cache,
                              counter=lambda done, total: bar.update(task, completed=done, total=total))
            result = run(do_build, root, progress=lambda m: bar.console.log(m), options=options, docs=write_docs,
                         committed=committed)
        for name, n in result.rows.items():
            out.print(f"{name:20} {n:6d} rows")
        if result.report.warnings:
            _print_report(result.report, format)
        else:
            out.print("[green]valid[/], no warnings")
    # everything is written and said: the process may end without freeing what it built
    STATE["done"] = engine == Engine.local


@app.command("add-seed")
def add_seed(file: Path = typer.Argument(..., help="Plain-text UTF-8 article to add."),
             root: Path = typer.Option(Path("."), "--root", help="Repository root."),
             title: Optional[str] = typer.Option(None, help="Headline (default: the first line)."),
             publisher: Optional[str] = typer.Option(None, help="Outlet that published it."),
             url: Optional[str] = typer.Option(None, help="Address of the article."),
             published: Optional[str] = typer.Option(None, "--published", help="Publication date YYYY-MM-DD."),
             precision: str = typer.Option("day", "--published-precision", help="day, week, month or year."),
             retrieved: Optional[str] = typer.Option(None, "--retrieved", help="Retrieval date YYYY-MM-DD."),
             language: str = typer.Option("en", help="BCP 47 language tag."),
             allow_invisible: bool = typer.Option(False, "--allow-invisible", help="Accept invisible format characters (zero-width spaces, direction marks) in the text.")):
    """Copy an article into seeds/ and add its catalog row (never modifies existing seeds).

    Example: newsclaims add-seed article.txt --publisher "AP" --published 2025-11-16
    """
    from newsclaims.pipeline.ingest import add_seed as do_add
    row = run(do_add, root.resolve(), file, title=title, publisher=publisher, url=url, published_date=published,
              published_precision=precision, retrieved_date=retrieved, language=language, allow_invisible=allow_invisible)
    out.print(f"added {row['file']} as {row['source_id']}; run `newsclaims build` to extract it")


@app.command()
def review(root: Path = typer.Option(Path("."), "--root", help="Repository root."),
           format: Format = typer.Option(Format.text, "--format", "-f", help="text or json.")):
    """List what curators still have to do; exit 1 when the worklist is not empty.

    Unreviewed claims, automatic contradictions not yet judged, events without a date basis,
    events only extraction proposes that no curator has judged (confirm or reject them in
    curation/proposals.yaml, or let a curated event absorb them), pairs of events that are
    possibly the same, and curation entries that match nothing. Example: newsclaims review --format json
    """
    from newsclaims.datapackage.commit import recover_repository
    from newsclaims.pipeline.review import worklist
    run(recover_repository, root)
    work = run(worklist, root.resolve())
    if format is Format.json:
        sys.stdout.write(json.dumps({**vars(work), "counts": work.counts()}, indent=1, default=str, ensure_ascii=False) + "\n")
    else:
        for name, items in vars(work).items():
            out.print(f"[bold]{name.replace('_', ' ')}[/]: {len(items)}")
            for item in items[:50]:
                out.print(escape(f"  {item if isinstance(item, str) else ' | '.join(str(v)[:80] for v in item.values() if v is not None)}"),
                          highlight=False)
        out.print("[green]nothing left to review[/]" if work.empty else "[yellow]worklist not empty[/]")
    raise typer.Exit(0 if work.empty else 1)


def _plain(value):
    """JSON for what json cannot write: sets as sorted lists (their own order changes from run to
    run), anything else (dates) as text."""
    return sorted(value) if isinstance(value, (set, frozenset)) else str(value)


@app.command("propose-events")
def propose_events(root: Path = typer.Option(Path("."), "--root", help="Repository root."),
                   format: Format = typer.Option(Format.text, "--format", "-f", help="text or json.")):
    """Propose events from the extracted claims, curation set aside, merged across articles.

    Each proposal has a type (from the lexicon's event_types), status, dates with their basis,
    place, the claims it rests on with evidence and confidence, and its sources. Pairs that are
    possibly the same event are listed apart. Writes nothing. Example: newsclaims propose-events -f json
    """
    from dataclasses import asdict
    from newsclaims.pipeline.events import proposals_of
    proposals, possible = run(proposals_of, root.resolve())
    if format is Format.json:
        sys.stdout.write(json.dumps({"proposals": [asdict(p) for p in proposals],
                                     "possibly_the_same": [dict(zip(("event_id", "other_event_id", "score", "why"), x))
                                                           for x in possible]},
                                    indent=1, default=_plain, ensure_ascii=False) + "\n")
        return
    for p in proposals:
        out.print(escape(f"{p.event_id}  {p.event_type} / {p.sub_event_type}  {p.status}  "
                         f"{p.date_start}..{p.date_end} ({p.date_precision}, {p.date_basis})  {p.place_id or 'no place'}  "
                         f"{len(p.sources)} source(s), {len(p.links)} claim(s), confidence {p.confidence:.2f}"), highlight=False)
    for a, b, score, why in possible:
        out.print(escape(f"possibly the same event: {a} ~ {b} ({score:.2f}: {why})"), highlight=False)
    out.print(f"{len(proposals)} proposal(s)")


@app.command("release")
def release_cmd(version: Optional[str] = typer.Option(None, "--version", help="The version to cut, X.Y.Z."),
                bump: Optional[str] = typer.Option(None, "--bump", help="major, minor or patch: the next such version; "
                                                   "auto: the smallest version the changes allow."),
                force: bool = typer.Option(False, "--force", help="Allow a version larger than the changes need "
                                           "(with a --note saying why)."),
                date: Optional[str] = typer.Option(None, "--date", help="Release date YYYY-MM-DD (default: today, UTC)."),
                note: list[str] = typer.Option([], "--note", help="A curator note for the changelog (repeatable)."),
                root: Path = typer.Option(Path("."), "--root", help="Repository root.")):
    """Cut an immutable release into dist/newsclaims-X.Y.Z/ (CSV, Parquet, descriptor, SHA256SUMS, zip).

    Refuses when validate or review fails, when the version exists, or when it understates the
    changes since the previous release, or overstates them without --force and a --note.
    Example: newsclaims release --bump auto --note "Fixed a date"
    """
    from datetime import date as _date
    from newsclaims.publish.release import release
    day = None
    if date:
        try:
            day = _date.fromisoformat(date)
        except ValueError:
            fail(NewsclaimsError(f"{date!r} is not a date YYYY-MM-DD", field="--date"))
    with tells_interrupts("interrupted after the release was committed: it is in dist/ and the index",
                          "interrupted before the release was committed: nothing was published") as committed:
        with err.status("releasing…"):
            result = run(release, root, version=version, bump_level=bump, day=day, notes=note,
                         committed=committed, force=force)
        level = result.diff.level if result.previous else "initial"
        out.print(f"released {result.version} ({level}{' since ' + result.previous if result.previous else ''}) "
                  f"in {result.directory}")


@app.command("diff")
def diff_cmd(a: str = typer.Argument(..., help="Old side: a version, a release directory, or '.' for the working tree."),
             b: str = typer.Argument(".", help="New side (default: the working tree)."),
             format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
             root: Path = typer.Option(Path("."), "--root", help="Repository root."),
             examples: int = typer.Option(3, help="Example rows per table and kind.")):
    """Show schema and data changes between two versions, and the version bump they need.

    Example: newsclaims diff 1.0.0 .
    """
    from newsclaims.datapackage.diff import diff
    from newsclaims.publish.release import resolve_package
    d = run(lambda: diff(resolve_package(root.resolve(), a), resolve_package(root.resolve(), b)))
    if format is Format.json:
        sys.stdout.write(json.dumps(d.as_dict(examples), indent=1, ensure_ascii=False, default=str) + "\n")
        return
    out.print(f"change level: [bold]{d.level}[/]")
    for c in d.changes:
        out.print(f"  {c.level:5} {c.table or 'package'}: {c.kind} — {c.detail}", highlight=False, markup=False)
    for name, t in d.tables.items():
        if t.added or t.removed or t.changed:
            out.print(f"[bold]{name}[/]: +{len(t.added)} −{len(t.removed)} ~{len(t.changed)}")
            for k in t.added[:examples]:
                out.print(f"  + {k}", highlight=False, markup=False)
            for k in t.removed[:examples]:
                out.print(f"  − {k}", highlight=False, markup=False)
            for k, cols in t.changed[:examples]:
                out.print(f"  ~ {k}: " + "; ".join(f"{c}: {o!r} → {n!r}" for c, (o, n) in cols.items()), highlight=False, markup=False)


@app.command("report")
def report_cmd(package: Path = typer.Argument(Path("."), help="A repository, release directory or release zip."),
               output: Path = typer.Option(Path("report.html"), "--output", "-o", help="HTML file to write."),
               title: Optional[str] = typer.Option(None, help="Heading (default: newsclaims VERSION).")):
    """Write the one-file HTML report of a package: counts, event timeline, claims per source and
    speaker, the corroboration/contradiction matrix, figures by event, validation summary.

    build refreshes docs/report.html and every release holds report.html; this renders any other
    package. Example: newsclaims report dist/newsclaims-1.0.0 -o report-1.0.0.html
    """
    from newsclaims.datapackage.fsio import atomic_write, check_output
    from newsclaims.publish.report import report
    run(check_output, output)
    with _unpacked(package) as folder:
        page = run(report, folder, title=title)
    run(atomic_write, output, page.encode("utf-8"))
    out.print(f"wrote {output}")


@app.command("explore")
def explore_cmd(package: Path = typer.Argument(Path("."), help="A repository, release directory or release zip."),
                output: Optional[Path] = typer.Option(None, "--out", "-o", help="Folder to write (default: docs/explorer "
                                                      "of a repository, explorer/ beside anything else).")):
    """Write the explorer: a static, offline site of the package's articles with every claim
    highlighted in place, its fields, speakers, events and relations on click or keyboard focus,
    each event's claims from every source side by side, and every contradiction in one list.

    It opens from file:// (no server, no network). build refreshes docs/explorer and every
    release holds explorer/; a folder the explorer did not write is never replaced.
    Example: newsclaims explore dist/newsclaims-1.2.0 -o explorer-1.2.0 && open explorer-1.2.0/index.html
    """
    from newsclaims.publish.explore import DIR, site_workers, write_site
    target = output or (package / DIR if (package / "docs").is_dir() and package.is_dir() else
                        Path(f"explorer-{package.stem}") if package.suffix == ".zip" else package / "explorer")
    with _unpacked(package) as folder:
        written = run(write_site, folder, target, workers=site_workers(folder))
    out.print(f"wrote {len(written)} files to {target}; open {target / 'index.html'}")


@app.command("verify-release")
def verify_release(version: str = typer.Argument(..., help="A version in releases/index.json."),
                   root: Path = typer.Option(Path("."), "--root", help="Repository root.")):
    """Rebuild a published release from this checkout and check its bytes against the index.

    Used by the release workflow on a vX.Y.Z tag. Example: newsclaims verify-release 1.0.0
    """
    from newsclaims.publish.release import rebuild_release
    target = run(rebuild_release, root, version)
    out.print(f"rebuilt {version} in {target}: every file matches releases/index.json")


@app.command("fetch")
def fetch_cmd(version: str = typer.Argument(..., help='A published version, or "latest".'),
              dest: Optional[Path] = typer.Argument(None, help="Folder to create (default: newsclaims-VERSION)."),
              base_url: Optional[str] = typer.Option(None, "--base-url", help="A mirror: a folder laid out as dist/ "
                                                     "(index.json beside newsclaims-X.Y.Z/), e.g. python -m http.server over it."),
              index: Optional[Path] = typer.Option(None, "--index", help="Release index to trust (default: the checkout's, "
                                                   "else the one the package ships)."),
              timeout: float = typer.Option(30.0, help="Seconds to wait for the server before retrying.")):
    """Download a whole release into a folder, verified file by file against the release index.

    Example: newsclaims fetch 1.0.0 data/newsclaims-1.0.0
    """
    from rich.progress import Progress
    from newsclaims.reader.fetch import fetch
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task(f"fetching {version}", total=None)

        def step(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=f"verifying {name}" if done else f"downloading {name}")
        target = run(fetch, version, dest or Path(f"newsclaims-{version}"), base_url=base_url, index=index,
                     timeout=timeout, progress=step)
    out.print(f"fetched and verified {version} into {target}")


# What only the `build` extra installs: a command that needs one of them says how to get it.
BUILD_EXTRA = {"spacy", "pandera", "frictionless", "yaml", "jsonschema", "referencing", "dateparser", "matplotlib",
               "pycountry", "en_core_web_sm"}


def run_app(argv: list[str] | None = None) -> None:
    """The ``newsclaims`` command. A reader's install (``pip install newsclaims``) has ``fetch``;
    the other commands need ``pip install "newsclaims[build]"`` and say so in one line."""
    try:
        app(args=argv, prog_name="newsclaims")
    except ModuleNotFoundError as exc:
        if STATE["debug"] or (exc.name or "").split(".")[0] not in BUILD_EXTRA:
            raise
        err.print(f"error: this command needs the build tools, and {exc.name} is not installed; "
                  "install them with: pip install \"newsclaims[build]\"", markup=False, highlight=False)
        sys.exit(2)
