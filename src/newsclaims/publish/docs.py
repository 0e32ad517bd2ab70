"""The derived documents of a package: the codebook (from the table descriptions), the report and
the explorer (from the tables), as ``newsclaims build`` commits them into ``docs/``."""

from __future__ import annotations

from pathlib import Path

from newsclaims.publish.codebook import PATH as CODEBOOK, codebook
from newsclaims.publish.explore import DIR as EXPLORER, write_site
from newsclaims.publish.report import PATH as REPORT, report


def write_docs(package: Path, root: Path, target: Path, *, checked=None) -> list[str]:
    """Write the codebook (from *root*'s schemas), the report and the explorer of *package* under
    *target*/docs; return the paths written, relative to *target*. *checked*, the package's
    validation report, is computed when not given (a build passes the one it has)."""
    (target / "docs").mkdir(parents=True, exist_ok=True)
    (target / CODEBOOK).write_bytes(codebook(root, data=package).encode("utf-8"))
    from newsclaims.pipeline.events import proposals_of
    proposals, _ = proposals_of(root)       # curation set aside; extraction is cached by the build
    (target / REPORT).write_bytes(report(package, title="newsclaims — working tree", proposals=proposals,
                                         checked=checked).encode("utf-8"))
    write_site(package, target / EXPLORER)
    return [CODEBOOK.as_posix(), REPORT.as_posix(), EXPLORER.as_posix()]
