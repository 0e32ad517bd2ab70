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

__all__ = ["Dataset", "load", "__version__"]


def __getattr__(name: str):
    # ``newsclaims.load`` is the public entry point; it is imported when first asked for, so that
    # commands which never read a package (``newsclaims --help``, a build with nothing to do) do
    # not pay for pandas.
    if name in ("Dataset", "load"):
        from newsclaims.reader import load as module
        return getattr(module, name)
    raise AttributeError(f"module 'newsclaims' has no attribute {name!r}")
