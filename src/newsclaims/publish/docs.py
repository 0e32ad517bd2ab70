"""The derived documents of a package: the codebook (from the table descriptions), the report and
the explorer (from the tables), as ``newsclaims build`` commits them into ``docs/``."""

from __future__ import annotations

import os
from pathlib import Path

from newsclaims.publish.codebook import PATH as CODEBOOK, codebook
from newsclaims.publish.explore import DIR as EXPLORER, write_site
from newsclaims.publish.report import PATH as REPORT, report

PARALLEL_FROM = 100
"""Seeds from which the explorer is written by as many processes as there are cores while this
one makes the report (for fewer, starting processes costs more than it saves)."""


def write_docs(package: Path, root: Path, target: Path, *, checked=None, proposals=None,
               workers: int | None = None) -> list[str]:
    """Write the codebook (from *root*'s schemas), the report and the explorer of *package* under
    *target*/docs; return the paths written, relative to *target*. *checked*, the package's
    validation report, is computed when not given, and so are the event proposals of extraction
    alone (*proposals*: a function returning them); a build passes what it has.

    From :data:`PARALLEL_FROM` seeds on, when *workers* (default: the number of cores) is more
    than one, the explorer's pages are written by that many processes while this one makes the
    codebook and the report (both read the package; neither needs the other).
    """
    (target / "docs").mkdir(parents=True, exist_ok=True)
    seeds = Path(root) / "seeds"
    cores = workers or os.cpu_count() or 1
    parallel = cores > 1 and seeds.is_dir() and sum(1 for p in seeds.iterdir() if p.suffix == ".txt") >= PARALLEL_FROM

    def documents() -> None:
        (target / CODEBOOK).write_bytes(codebook(root, data=package).encode("utf-8"))
        if proposals is None:
            from newsclaims.pipeline.events import proposals_of
            alone = proposals_of(root)[0]       # curation set aside
        else:
            alone = proposals()
        (target / REPORT).write_bytes(report(package, title="newsclaims — working tree", proposals=alone,
                                             checked=checked).encode("utf-8"))

    write_site(package, target / EXPLORER, workers=cores if parallel else 1, meanwhile=documents)
    return [CODEBOOK.as_posix(), REPORT.as_posix(), EXPLORER.as_posix()]
