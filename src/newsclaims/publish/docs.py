"""The derived documents of a package: the codebook (from the table descriptions), the report and
the explorer (from the tables), as ``newsclaims build`` commits them into ``docs/``."""

from __future__ import annotations

from pathlib import Path

from newsclaims.publish.codebook import PATH as CODEBOOK, codebook
from newsclaims.publish.explore import DIR as EXPLORER, site_workers, write_site
from newsclaims.publish.report import PATH as REPORT, report

def write_docs(package: Path, root: Path, target: Path, *, checked=None, proposals=None,
               workers: int | None = None) -> list[str]:
    """Write the codebook (from *root*'s schemas), the report and the explorer of *package* under
    *target*/docs; return the paths written, relative to *target*. *checked*, the package's
    validation report, is computed when not given, and so are the event proposals of extraction
    alone (*proposals*: a function returning them); a build passes what it has.

    A large package's explorer is written by up to *workers* processes (default: one per
    core; see :func:`~newsclaims.publish.explore.site_workers`) while this one makes the codebook
    and the report (both read the package; neither needs the other).
    """
    (target / "docs").mkdir(parents=True, exist_ok=True)

    def documents() -> None:
        (target / CODEBOOK).write_bytes(codebook(root, data=package).encode("utf-8"))
        if proposals is None:
            from newsclaims.pipeline.events import proposals_of
            alone = proposals_of(root)[0]       # curation set aside
        else:
            alone = proposals()
        (target / REPORT).write_bytes(report(package, title="newsclaims — working tree", proposals=alone,
                                             checked=checked).encode("utf-8"))

    write_site(package, target / EXPLORER, workers=site_workers(package, workers), meanwhile=documents)
    return [CODEBOOK.as_posix(), REPORT.as_posix(), EXPLORER.as_posix()]
