"""The repository a command works on, read once: its schemas, gazetteer, catalog, seeds and
curation files, each read and checked the first time a stage asks for it and then shared by
every stage of the same command.

>>> from pathlib import Path
>>> repo = Repository(Path(__file__).resolve().parents[3])
>>> len(repo.seeds) == len(repo.catalog), repo.package is repo.package
(True, True)
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd

from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.datapackage.schema import Package, load_package
from newsclaims.pipeline.gazetteer import Gazetteer, load_gazetteer
from newsclaims.pipeline.ingest import CATALOG, Seed, load_seeds, read_catalog


class Repository:
    """A newsclaims repository (a folder with ``schemas/``, ``seeds/``, ``gazetteer/`` and
    ``curation/``), with what the pipeline reads from it."""

    def __init__(self, root: Path | str):
        self.root = Path(root).resolve()

    @classmethod
    def of(cls, where: Repository | Path | str) -> Repository:
        """*where* itself when it is a Repository, else the repository at that path."""
        return where if isinstance(where, Repository) else cls(where)

    def require(self) -> Repository:
        """Raise a one-line error unless this folder is a repository (it has a seed catalog)."""
        if not (self.root / CATALOG).is_file():
            raise NewsclaimsError("not a newsclaims repository (no seeds/catalog.csv)", file=self.root,
                                  hint="Run the command in a checkout of the repository, or pass --root.")
        return self

    @cached_property
    def package(self) -> Package:
        """The table descriptions in ``schemas/``."""
        return load_package(self.root / "schemas")

    @cached_property
    def gazetteer(self) -> Gazetteer:
        """Actors, places and the extraction lexicon from ``gazetteer/``."""
        return load_gazetteer(self.root)

    @cached_property
    def catalog(self) -> pd.DataFrame:
        """``seeds/catalog.csv`` as a typed frame, checked."""
        return read_catalog(self.root, table=self.package.catalog)

    @cached_property
    def seeds(self) -> list[Seed]:
        """Every seed, checked against its catalog row, in source_id order."""
        return load_seeds(self.root, catalog=self.catalog)

    @cached_property
    def curation(self) -> dict[str, object]:
        """The curation files, read and checked against their JSON Schemas."""
        from newsclaims.pipeline import curate      # the extractor (spaCy): not for validating a release
        return curate.load(self.root)

    @property
    def has_curation(self) -> bool:
        return (self.root / "curation").is_dir() and (self.root / CATALOG).is_file()
