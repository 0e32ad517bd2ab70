"""newsclaims: claims, sources and events from news reports.

The package is in layers, lowest first; each imports only those below it (import-linter checks
this in CI, see ``pyproject.toml``):

* ``datapackage`` — what a data package is: table descriptions, typed files, descriptors,
  safe YAML, atomic writes and commits, validation and its rules, diffs;
* ``reader`` — ``load()`` and ``fetch()``: a release as typed pandas frames;
* ``pipeline`` — seeds to tables: ingest, clean, extract, curate, relations, tables, build;
* ``publish`` — releases, their verification, the codebook and the report;
* ``cli`` — the ``newsclaims`` command.
"""

__version__ = "0.1.0"

from newsclaims.reader.load import Dataset, load  # noqa: E402  (the public entry point: newsclaims.load)

__all__ = ["Dataset", "load", "__version__"]
