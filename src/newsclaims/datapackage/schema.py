"""The one description of every table, read from ``schemas/``, and everything derived from it.

``schemas/<table>.yaml`` is a Frictionless Table Schema (plus ``title`` and ``description``).
From it this module derives the frictionless descriptor of each resource, pandas dtypes, the
Arrow schema and the pandera schema, so no column is described twice.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from newsclaims.datapackage.errors import NewsclaimsError


@dataclass(frozen=True)
class Table:
    """One table's description: its Table Schema with shared vocabularies expanded."""

    name: str
    title: str
    description: str
    fields: list[dict]
    primary_key: list[str]
    foreign_keys: list[dict] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @functools.cached_property
    def _by_name(self) -> dict[str, dict]:
        return {f["name"]: f for f in self.fields}

    def field(self, name: str) -> dict:
        """The field called *name* (``KeyError`` if the table has none)."""
        return self._by_name[name]

    def categories(self, name: str) -> list | None:
        cats = self.field(name).get("categories")
        return [c["value"] for c in cats] if cats else None

    def required(self, name: str) -> bool:
        return bool(self.field(name).get("constraints", {}).get("required"))

    def table_schema(self) -> dict:
        """The frictionless Table Schema: categories also become ``constraints.enum``."""
        fields = []
        for f in self.fields:
            f = {k: v for k, v in f.items()}
            if f.get("categories"):
                f["constraints"] = {**f.get("constraints", {}),
                                    "enum": [c["value"] for c in f["categories"]]}
            fields.append(f)
        out: dict = {"fields": fields, "missingValues": [""], "primaryKey": self.primary_key}
        if self.foreign_keys:
            out["foreignKeys"] = self.foreign_keys
        return out

    def pandas_dtypes(self) -> dict[str, Any]:
        """Column -> pandas dtype: ``Int64``, ``Float64``, ``string``, ``boolean``, categoricals
        with the schema's categories, and ``datetime64[s]`` for dates."""
        return {f["name"]: _pandas_dtype(f) for f in self.fields}

    def arrow_schema(self) -> pa.Schema:
        """Explicit Arrow schema in column order (dictionary type for categorical strings)."""
        return pa.schema([pa.field(f["name"], _arrow_type(f), nullable=not self.required(f["name"]))
                          for f in self.fields])


def _pandas_dtype(f: dict) -> Any:
    cats = f.get("categories")
    if cats and f["type"] == "string":
        return pd.CategoricalDtype([c["value"] for c in cats], ordered=False)
    return {"string": pd.StringDtype(), "integer": pd.Int64Dtype(), "number": pd.Float64Dtype(),
            "boolean": pd.BooleanDtype(), "date": "datetime64[s]"}[f["type"]]


def _arrow_type(f: dict) -> pa.DataType:
    if f.get("categories") and f["type"] == "string":
        return pa.dictionary(pa.int32(), pa.string())
    return {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(),
            "boolean": pa.bool_(), "date": pa.date32()}[f["type"]]


@dataclass(frozen=True)
class Package:
    """Every table of the package plus the package-level metadata and the cross-table rules."""

    metadata: dict
    tables: dict[str, Table]
    catalog: Table
    rules: list[dict]

    def __getitem__(self, name: str) -> Table:
        return self.tables[name]


def _expand(fields: list[dict], vocabularies: dict, path: Path) -> list[dict]:
    out = []
    for f in fields:
        cats = f.get("categories")
        if isinstance(cats, dict):
            name = cats.get("vocabulary")
            if name not in vocabularies:
                raise NewsclaimsError(f"unknown vocabulary {name!r}", file=path, field=f["name"])
            f = {**f, "categories": vocabularies[name]}
        out.append(f)
    return out


def load_package(schemas_dir: Path) -> Package:
    """Read ``schemas/``: package metadata, every table, the seed catalog and the rules.

    >>> pkg = load_package(Path(__file__).resolve().parents[3] / "schemas")
    >>> pkg["claims"].primary_key
    ['claim_id']
    >>> pkg["claims"].categories("qualifier")[:3]
    ['exact', 'approximately', 'more_than']
    """
    schemas_dir = Path(schemas_dir)
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(schemas_dir.glob("*.yaml")))
    return _load(schemas_dir, stamp)


@functools.lru_cache(maxsize=8)
def _load(schemas_dir: Path, stamp: tuple) -> Package:
    """Parsed once per state of the folder (file names, sizes and modification times)."""
    # imported here: reading a release (typed frames from its descriptor) needs no YAML or
    # jsonschema, which only the `build` extra installs
    from newsclaims.datapackage.yamlfiles import read_yaml
    metadata = read_yaml(schemas_dir / "package.yaml")
    vocabularies = read_yaml(schemas_dir / "vocabularies.yaml")
    tables = {}
    for name in metadata["resources"]:
        path = schemas_dir / f"{name}.yaml"
        raw = read_yaml(path)
        tables[name] = Table(name=name, title=raw["title"], description=raw["description"],
                             fields=_expand(raw["fields"], vocabularies, path),
                             primary_key=raw["primaryKey"], foreign_keys=raw.get("foreignKeys", []))
    raw = read_yaml(schemas_dir / "catalog.yaml")
    base = tables[raw["fromTable"]]
    catalog_fields = []
    for name in raw["fields"]:
        f = dict(base.field(name))
        constraints = {k: v for k, v in f.get("constraints", {}).items() if k != "required"}
        if name in raw.get("requiredFields", []):
            constraints["required"] = True
        f["constraints"] = constraints
        catalog_fields.append(f)
    catalog = Table(name="catalog", title=raw["title"], description=raw["description"],
                    fields=catalog_fields, primary_key=raw["primaryKey"])
    return Package(metadata=metadata, tables=tables, catalog=catalog,
                   rules=read_yaml(schemas_dir / "rules.yaml"))
