"""``newsclaims validate``: descriptor, files, rows, pandera schemas and cross-table rules in one run.

Layers, in order: the descriptor against the Data Package v2 profile (plus a SemVer version and
paths confined to the package); each file's bytes and sha256; frictionless row validation of the
CSVs (optional, slow); pandera per table with lazy validation; the cross-table rules.

Each file is read once: its hash is taken (in a thread) from the bytes its rows are parsed from,
and Arrow parses a CSV straight into the schema's types, reading it as text only to name the
cells of a file that does not convert (see :func:`newsclaims.datapackage.csvio.read_csv_coerced`).
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import frictionless
import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from newsclaims.datapackage import csvio
from newsclaims.datapackage.descriptor import (SEMVER, confined, read_descriptor, semver_key, table_from_resource,
                                               toolkit_severities)
from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.datapackage.rules import RULES, Failure, Tables
from newsclaims.datapackage.schema import Table

__all__ = ["SEMVER", "Report", "confined", "pandera_schema", "semver_key", "table_from_resource", "validate"]


@dataclass
class Report:
    """What validation found; ``valid`` when no failure has severity error."""

    path: Path
    failures: list[Failure] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Failure]:
        return [f for f in self.failures if f.severity == "error"]

    @property
    def warnings(self) -> list[Failure]:
        return [f for f in self.failures if f.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors


def pandera_schema(table: Table, *, uniqueness: bool = True) -> pa.DataFrameSchema:
    """The pandera schema of a table, derived from its Table Schema (``uniqueness=False`` leaves
    out the primary key's and unique columns' checks, for a frame known to have no repeats).

    >>> t = Table("t", "T", "", [{"name": "id", "type": "string", "constraints": {"required": True, "pattern": "^a"}}], ["id"])
    >>> sorted(pandera_schema(t).columns)
    ['id']
    """
    dtypes = {"string": "string", "integer": "Int64", "number": "Float64", "date": "datetime64[s]", "boolean": "boolean"}
    columns = {}
    for f in table.fields:
        c = f.get("constraints", {})
        checks = []
        enum = c.get("enum") or [x["value"] for x in f.get("categories", [])]
        if enum:
            checks.append(pa.Check.isin(enum, name="enum"))
        if "minimum" in c:
            checks.append(pa.Check.ge(c["minimum"], name="minimum"))
        if "maximum" in c:
            checks.append(pa.Check.le(c["maximum"], name="maximum"))
        if "pattern" in c:
            checks.append(pa.Check.str_matches(c["pattern"], name="pattern"))
        if "minLength" in c:
            checks.append(pa.Check.str_length(min_value=c["minLength"], name="minLength"))
        columns[f["name"]] = pa.Column(dtypes[f["type"]], checks=checks, nullable=not c.get("required", False),
                                       unique=uniqueness and bool(c.get("unique")), required=True)
    return pa.DataFrameSchema(columns, unique=(uniqueness and table.primary_key) or None, strict=True, coerce=False,
                              name=table.name)


def _may_repeat(frame: pd.DataFrame, table: Table) -> bool:
    """Whether the primary key or a unique column holds a repeat (missing cells counted as
    equal, as pandas' ``duplicated`` counts them). Only a table with a repeat is given
    pandera's uniqueness checks, so that they name the repeated rows.

    Each column is factorized (Arrow's hash table for Arrow strings) and a key's codes are
    combined column by column: at 3.9 million relation ids, 0.7 s against 1.1 s for a set of the
    cells (and of Arrow's ``count_distinct``), and a two-column key 0.25 s against 0.8 s for a
    set of tuples.

    >>> from newsclaims.datapackage.schema import Table
    >>> t = Table("t", "T", "", [{"name": "a", "type": "string"}, {"name": "b", "type": "integer"}], ["a", "b"])
    >>> _may_repeat(pd.DataFrame({"a": ["x", "x"], "b": [1, 2]}), t), _may_repeat(pd.DataFrame({"a": ["x", "x"], "b": [1, 1]}), t)
    (False, True)
    """
    keys = {tuple(table.primary_key)} | {(f["name"],) for f in table.fields if f.get("constraints", {}).get("unique")}
    for cols in sorted(keys):
        if not cols or any(c not in frame.columns for c in cols):
            continue
        codes, distinct = None, 0
        for c in cols:
            # a missing cell is a value of its own, equal to every other missing cell
            k, values = pd.factorize(frame[c], use_na_sentinel=False)
            if codes is None:
                codes, distinct = k.astype(np.int64), len(values)
            else:       # refactorized: never more than len(frame) codes, so the product never overflows
                codes, found = pd.factorize(codes * len(values) + k)
                distinct = len(found)
        if distinct != len(frame):
            return True
    return False


def _check_bytes(res: dict, data: bytes, report: list[Failure]) -> list[Failure]:
    """A resource file's size and hash against what the descriptor records (added to *report*,
    which is returned)."""
    name, rel = res["name"], res["path"]
    size = res.get("bytes", res.get("newsclaims:bytes"))
    if size is not None and size != len(data):
        report.append(Failure(name, None, None, "bytes", "file_bytes", str(len(data)),
                               f"{rel} has {len(data)} bytes, the descriptor says {size}", file=rel))
    if "hash" in res:
        algo, _, expected = str(res["hash"]).rpartition(":")
        actual = hashlib.new(algo or "md5", data).hexdigest()
        if actual != expected:
            report.append(Failure(name, None, None, "hash", "file_hash", actual,
                                  f"{rel} has {algo or 'md5'} {actual}, the descriptor says {expected}", file=rel))
    return report


def _check_descriptor(root: Path, desc: dict, report: Report) -> dict[str, Path]:
    add = report.failures.append
    for err in frictionless.Package.metadata_validate(desc):
        if "is not safe" in err.message:
            continue       # reported below with the resource name
        add(Failure(None, None, None, None, "descriptor", None, err.message, file="datapackage.json"))
    if not SEMVER.match(str(desc.get("version", ""))):
        add(Failure(None, None, None, "version", "descriptor", str(desc.get("version")),
                    "version must be a semantic version X.Y.Z", file="datapackage.json"))
    paths = {}
    for res in desc["resources"]:
        name, rel = res.get("name"), res.get("path")
        if not isinstance(rel, str):
            add(Failure(name, None, None, "path", "descriptor", str(rel), "resource path must be one string", file="datapackage.json"))
            continue
        full = confined(root, rel)
        if full is None:
            add(Failure(name, None, None, "path", "path_confined", rel,
                        f"resource path {rel!r} leaves the package (absolute or ..); paths must be relative and inside it",
                        file="datapackage.json"))
            continue
        if not full.is_file():
            add(Failure(name, None, None, "path", "file_exists", rel, f"{rel} is missing", file=rel))
            continue
        paths[name] = full
    for i, src in enumerate(desc.get("sources", [])):
        rel = src.get("path")
        # judged as written: a build validates its staging folder through a link to seeds/
        if rel is not None and confined(root, rel, links=False) is None:
            add(Failure(None, None, None, f"sources[{i}].path", "path_confined", str(rel),
                        f"sources path {rel!r} leaves the package (absolute or ..); paths must be relative and inside it",
                        file="datapackage.json"))
    return paths


def _frictionless_rows(file: Path, report: Report) -> None:
    result = frictionless.validate(str(file))
    for task in result.tasks:
        for err in task.errors:
            if err.type in ("hash-count", "byte-count"):
                continue  # checked above, with clearer messages
            report.failures.append(Failure(task.name, getattr(err, "row_number", None) and err.row_number - 1, None,
                                           getattr(err, "field_name", None), f"frictionless:{err.type}", getattr(err, "cell", None),
                                           err.message, file=task.place))


def _read_table(name: str, path: Path, table: Table, report: Report, data: bytes | None = None) -> pd.DataFrame | None:
    rel = path.name if path.parent.name != "data" else f"data/{path.name}"
    try:
        frame, problems, header = csvio.read_csv_coerced(path, table, data)
    except NewsclaimsError as exc:
        report.failures.append(Failure(name, None, None, None, "readable", None, exc.message, file=rel))
        return None
    missing = [c for c in table.columns if c not in header]
    extra = [c for c in header if c not in table.columns]
    for c in missing:
        report.failures.append(Failure(name, None, None, c, "column_missing", None, f"column {c} is missing", file=rel))
    for c in extra:
        report.failures.append(Failure(name, None, None, c, "column_unexpected", None, f"column {c} is not in the schema", file=rel))
    if missing:
        return None
    for p in problems:
        report.failures.append(Failure(name, p.row, None, p.column, "type", p.value, p.message, file=rel))
    try:
        pandera_schema(table, uniqueness=_may_repeat(frame, table)).validate(frame, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        for rec in cases.to_dict("records"):
            idx = rec.get("index")
            row = None if idx is None or pd.isna(idx) else int(idx) + 1
            key = None
            if row is not None and table.primary_key:
                key = "|".join(str(frame.at[int(idx), c]) for c in table.primary_key)
            check = str(rec.get("check"))
            col = rec.get("column") if isinstance(rec.get("column"), str) else None
            value = None if pd.isna(rec.get("failure_case")) else str(rec.get("failure_case"))
            if check.startswith("column_in_") or "dtype" in check and problems:
                continue
            report.failures.append(Failure(name, row, key, col, check, value,
                                           _pandera_message(check, col, value, table), file=rel))
    report.rows[name] = len(frame)
    return frame


def _check_parquet(name: str, path: Path, table: Table, report: Report, data: bytes | None = None) -> None:
    """A Parquet resource: readable, with the Arrow schema derived from the table's schema, and its
    rows passing the same pandera schema as the CSV."""
    import pyarrow as pa_
    import pyarrow.parquet as pq
    rel = f"data/{path.name}"
    try:
        arrow = pq.read_table(path if data is None else pa_.BufferReader(data))
    except Exception as exc:  # pyarrow raises several types for damaged files
        report.failures.append(Failure(name, None, None, None, "readable", None,
                                       f"not a readable Parquet file ({type(exc).__name__}: {str(exc)[:120]})", file=rel))
        return
    expected = table.arrow_schema()
    if [(f.name, f.type) for f in arrow.schema] != [(f.name, f.type) for f in expected]:
        report.failures.append(Failure(name, None, None, None, "parquet_schema", None,
                                       "the Parquet schema differs from the one derived from schemas/", file=rel))
        return
    frame = arrow.to_pandas(types_mapper=csvio.ARROW_TO_PANDAS.get)
    for f in table.fields:
        if f["type"] == "date":
            frame[f["name"]] = pd.to_datetime(frame[f["name"]]).astype("datetime64[s]")
        elif f.get("categories") and f["type"] == "string":
            frame[f["name"]] = frame[f["name"]].astype("string")
    try:
        pandera_schema(table).validate(frame, lazy=True)
    except SchemaErrors as exc:
        for rec in exc.failure_cases.head(100).to_dict("records"):
            report.failures.append(Failure(name, None, None, rec.get("column") if isinstance(rec.get("column"), str) else None,
                                           str(rec.get("check")), str(rec.get("failure_case")),
                                           f"Parquet row fails {rec.get('check')}", file=rel))
    report.rows[name] = len(frame)


def _pandera_message(check: str, column: str | None, value: str | None, table: Table) -> str:
    if check == "not_nullable":
        return f"{column} is required"
    if check.startswith("field_uniqueness") or check == "multiple_fields_uniqueness" or "unique" in check:
        return f"duplicate primary key ({', '.join(table.primary_key)})" if column is None or column in table.primary_key \
            else f"duplicate {column}"
    return f"{value!r} fails {check} on {column}"


Check = Callable[[Path], Iterable[Failure]]
"""An extra check a higher layer adds (the pipeline's "every curation entry still matches")."""


def validate(path: Path, *, frictionless: bool = False, checks: Iterable[Check] = ()) -> Report:
    """Validate a data package directory (the repository or a release).

    ``frictionless=True`` adds frictionless' own row pass (slow; the pandera schemas and the rules
    reject everything it does, which ``tests/test_validate.py`` checks on a corpus of bad tables);
    each of *checks* is run on the package folder and its failures are added (the pipeline adds
    its curation check this way; see ``newsclaims.pipeline.checks``).
    Raises :class:`NewsclaimsError` only when the descriptor itself cannot be read.
    """
    root, desc = read_descriptor(path)
    report = Report(root)
    paths = _check_descriptor(root, desc, report)
    resources = {r["name"]: r for r in desc["resources"] if isinstance(r, dict) and r.get("name") in paths}
    # Each file is read once: its size and hash are checked on the bytes its rows are parsed from.
    # Those failures are listed before any table's, as the descriptor's checks come first.
    file_failures: list[Failure] = []
    listed_at = len(report.failures)
    if frictionless:       # its row pass runs only on files whose bytes are as recorded
        for name, path_ in paths.items():
            _check_bytes(resources[name], path_.read_bytes(), report.failures)
        if not report.errors:
            _frictionless_rows(root / "datapackage.json", report)
        listed_at = len(report.failures)
    schemas = {r["name"]: table_from_resource(r) for r in desc["resources"] if isinstance(r, dict) and "name" in r}
    frames = {}
    # hashlib lets go of the GIL on large buffers: a file is hashed in a thread while it is parsed,
    # and the next file is read only when that hash is done (one file's bytes in memory at a time).
    with ThreadPoolExecutor(max_workers=1) as hasher:
        hashing = None
        for name, path_ in paths.items():
            if hashing is not None:
                file_failures += hashing.result()
            data = path_.read_bytes()
            hashing = None if frictionless else hasher.submit(_check_bytes, resources[name], data, [])
            if path_.suffix == ".csv":
                frame = _read_table(name, path_, schemas[name], report, data)
                if frame is not None:
                    frames[name] = frame
            elif path_.suffix == ".parquet":
                _check_parquet(name, path_, schemas[name], report, data)
            del data
        if hashing is not None:
            file_failures += hashing.result()
    report.failures[listed_at:listed_at] = file_failures
    for check in checks:
        report.failures.extend(check(root))
    # What a rule means is the toolkit's to say: a descriptor cannot downgrade its own checks.
    severities = toolkit_severities()
    claimed = {r.get("id"): r.get("severity") for r in desc.get("newsclaims", {}).get("rules", []) if isinstance(r, dict)}
    weakened = sorted(k for k, v in claimed.items() if k in severities and v != severities[k])
    if weakened:
        report.failures.append(Failure(None, None, None, "newsclaims.rules", "rule_severity", ", ".join(weakened),
                                       "the descriptor's rule severities differ from the toolkit's for "
                                       f"{', '.join(weakened)}; the toolkit's are used", severity="warning",
                                       file="datapackage.json"))
    tables = Tables(frames, schemas, root)
    for rule_id, fn in RULES.items():
        severity = severities.get(rule_id, "error")
        for f in fn(tables):
            report.failures.append(Failure(**{**f.as_dict(), "severity": severity}))
    return report
