"""The answer the command line gives before it loads its parser: ``newsclaims build`` when
nothing the last build read or wrote has changed.

Loading the full command line (typer builds a pydantic adapter for every option) costs about
0.2 s, as much again as checking 29,000 files of a 10,000-article repository; a plain
``newsclaims build`` or ``newsclaims build --root DIR`` is answered here without it. Any other
option goes through the parser as usual.
"""

from __future__ import annotations

from pathlib import Path


def plain_build_root(argv: list[str]) -> Path | None:
    """The repository of a ``build`` command line with no option but ``--root``, else None.

    >>> plain_build_root(["build", "--root", "repo"])
    PosixPath('repo')
    >>> plain_build_root(["build"]), plain_build_root(["build", "--no-cache"]), plain_build_root(["validate"])
    (PosixPath('.'), None, None)
    """
    if not argv or argv[0] != "build":
        return None
    rest = argv[1:]
    if not rest:
        return Path(".")
    if len(rest) == 2 and rest[0] == "--root" and rest[1] and not rest[1].startswith("-"):
        return Path(rest[1])
    if len(rest) == 1 and rest[0].startswith("--root=") and len(rest[0]) > len("--root="):
        return Path(rest[0][len("--root="):])
    return None


def unchanged(root: Path) -> dict[str, int] | None:
    """The last build's rows when nothing it read or wrote has changed (checked under the
    repository lock, and never while an interrupted build waits to be recovered), else None."""
    from newsclaims.datapackage.commit import needs_recovery
    from newsclaims.datapackage.fsio import Busy, repository_lock
    from newsclaims.pipeline import uptodate
    try:
        with repository_lock(root):
            return None if needs_recovery(root) else uptodate.current(root)
    except (Busy, OSError):
        return None          # the build proper waits, or says what is wrong


def report_unchanged(root: Path) -> bool:
    """Print the last build's rows and say there was nothing to do, when that is so."""
    rows = unchanged(root)
    if rows is None:
        return False
    from rich.console import Console
    out = Console(soft_wrap=True)
    for name, n in rows.items():
        out.print(f"{name:20} {n:6d} rows")
    out.print("[green]valid[/], no warnings (nothing changed since the last build; --no-cache rebuilds)")
    return True
