"""The derived documents of a package: the codebook (from the table descriptions), the report and
the explorer (from the tables), as ``newsclaims build`` commits them into ``docs/``."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.publish.codebook import PATH as CODEBOOK, codebook
from newsclaims.publish.explore import DIR as EXPLORER, write_site
from newsclaims.publish.report import PATH as REPORT, report

PARALLEL_FROM = 100
"""Seeds from which the explorer is written in a second process while the report is made (for
fewer, starting a process costs more than it saves)."""


def _explorer(package: str, out: str) -> None:
    import gc
    gc.disable()        # a process of its own that ends with the site; see pipeline.build.without_cyclic_gc
    try:
        write_site(Path(package), Path(out))
    except Exception as exc:      # a plain message crosses the process boundary whatever the error's type
        raise RuntimeError(str(exc)) from None


def write_docs(package: Path, root: Path, target: Path, *, checked=None) -> list[str]:
    """Write the codebook (from *root*'s schemas), the report and the explorer of *package* under
    *target*/docs; return the paths written, relative to *target*. *checked*, the package's
    validation report, is computed when not given (a build passes the one it has).

    From :data:`PARALLEL_FROM` seeds on, with more than one core, the explorer is written in a
    second process while this one makes the codebook and the report (both read the package;
    neither needs the other).
    """
    (target / "docs").mkdir(parents=True, exist_ok=True)
    seeds = Path(root) / "seeds"
    parallel = (os.cpu_count() or 1) > 1 and seeds.is_dir() and \
        sum(1 for p in seeds.iterdir() if p.suffix == ".txt") >= PARALLEL_FROM
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) if parallel else None
    try:
        site = pool.submit(_explorer, str(package), str(target / EXPLORER)) if pool else None
        (target / CODEBOOK).write_bytes(codebook(root, data=package).encode("utf-8"))
        from newsclaims.pipeline.events import proposals_of
        proposals, _ = proposals_of(root)       # curation set aside; extraction is cached by the build
        (target / REPORT).write_bytes(report(package, title="newsclaims — working tree", proposals=proposals,
                                             checked=checked).encode("utf-8"))
        if site is None:
            write_site(package, target / EXPLORER)
        else:
            try:
                site.result()
            except Exception as exc:
                raise NewsclaimsError(f"writing the explorer failed: {exc}", file=target / EXPLORER,
                                      hint="Run `newsclaims explore` on the package to see the error alone.") from None
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return [CODEBOOK.as_posix(), REPORT.as_posix(), EXPLORER.as_posix()]
