"""Validation of a repository: the data package checks plus what only the pipeline can check
(every curation entry still matches a claim of the current extraction)."""

from __future__ import annotations

from pathlib import Path

from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.datapackage.rules import Failure
from newsclaims.datapackage.validate import Report, validate
from newsclaims.pipeline.repository import Repository


def curation_failures(repo: Repository | Path) -> list[Failure]:
    """One failure per curation entry that matches nothing (nothing is written, not even cache)."""
    from newsclaims.pipeline.build import Options, tables     # spaCy and the extractor: only here
    try:
        _, _, _, problems = tables(repo, collect=True, options=Options(cache_write=False))
    except NewsclaimsError as exc:
        problems = [exc]
    return [Failure(None, p.line, None, p.field, "curation_matches", None, p.message, file=p.file) for p in problems]


def validate_repository(path: Repository | Path, *, frictionless: bool = False) -> Report:
    """``validate`` of the package at *path*; in a repository, also its curation check.

    >>> validate_repository(Path(__file__).resolve().parents[3]).valid
    True
    """
    repo = Repository.of(path)
    checks = [lambda _root: curation_failures(repo)] if repo.has_curation else []
    return validate(repo.root, frictionless=frictionless, checks=checks)
