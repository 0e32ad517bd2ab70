"""What changed between two versions of the package, and the smallest version bump that says so.

The Data Package version recipe: MAJOR for breaking changes (a resource or field removed or
renamed, a type changed, a constraint tightened, enum values removed, rows removed), MINOR for
additions (a new resource or field, new rows, a loosened constraint, enum values added), PATCH for
corrected values and descriptive metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from newsclaims.datapackage import csvio
from newsclaims.datapackage.descriptor import confined, read_descriptor
from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.datapackage.descriptor import table_from_resource

LEVELS = ("none", "patch", "minor", "major")


@dataclass
class Change:
    level: str           # patch / minor / major
    table: str | None
    kind: str            # e.g. field_removed, rows_added, enum_values_added
    detail: str

    def as_dict(self) -> dict:
        return vars(self).copy()


@dataclass
class TableDiff:
    added: list[str] = field(default_factory=list)      # primary keys
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, dict]] = field(default_factory=list)   # key, {column: (old, new)}


@dataclass
class Diff:
    changes: list[Change]
    tables: dict[str, TableDiff]

    @property
    def level(self) -> str:
        return max((c.level for c in self.changes), key=LEVELS.index, default="none")

    def as_dict(self, examples: int = 5) -> dict:
        return {"level": self.level, "changes": [c.as_dict() for c in self.changes],
                "tables": {name: {"added": len(t.added), "removed": len(t.removed), "changed": len(t.changed),
                                  "examples": {"added": t.added[:examples], "removed": t.removed[:examples],
                                               "changed": [{"key": k, "columns": {c: [str(o), str(n)] for c, (o, n) in v.items()}}
                                                           for k, v in t.changed[:examples]]}}
                           for name, t in self.tables.items()}}


def bump(version: str, level: str) -> str:
    """The next version at *level*.

    >>> bump("1.2.3", "patch"), bump("1.2.3", "minor"), bump("1.2.3", "major")
    ('1.2.4', '1.3.0', '2.0.0')
    """
    major, minor, patch = (int(x) for x in version.split("-")[0].split("."))
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0", "patch": f"{major}.{minor}.{patch + 1}",
            "none": f"{major}.{minor}.{patch + 1}"}[level]


def level_of(old: str, new: str) -> str:
    """The size of the step from version *old* to *new* ("none" when *new* is not greater).

    >>> level_of("1.0.0", "1.0.1"), level_of("1.0.0", "1.1.0"), level_of("1.4.2", "2.0.0"), level_of("1.0.0", "1.0.0")
    ('patch', 'minor', 'major', 'none')
    """
    a = tuple(int(x) for x in old.split("-")[0].split("."))
    b = tuple(int(x) for x in new.split("-")[0].split("."))
    if b <= a:
        return "none"
    return "major" if b[0] > a[0] else "minor" if b[1] > a[1] else "patch"


def read_package(path: Path) -> tuple[dict, dict[str, pd.DataFrame]]:
    """Descriptor and CSV tables (as text cells) of a package directory."""
    path, desc = read_descriptor(Path(path))
    frames = {}
    for res in desc["resources"]:
        if res.get("format", "csv") == "csv":
            full = confined(path, res.get("path"))
            if full is None:
                raise NewsclaimsError(f"resource path {res.get('path')!r} leaves the package", file=path / "datapackage.json",
                                      field=res["name"])
            frames[res["name"]] = csvio.read_csv_text(full)
    return desc, frames


def _constraint_changes(table: str, name: str, old: dict, new: dict) -> list[Change]:
    out = []
    oc, nc = old.get("constraints", {}), new.get("constraints", {})
    for key, tighter in (("required", lambda o, n: bool(n) and not o), ("unique", lambda o, n: bool(n) and not o)):
        if bool(oc.get(key)) != bool(nc.get(key)):
            level = "major" if tighter(oc.get(key), nc.get(key)) else "minor"
            out.append(Change(level, table, f"constraint_{'tightened' if level == 'major' else 'loosened'}",
                              f"{name}: {key} {oc.get(key, False)} -> {nc.get(key, False)}"))
    for key, sign in (("minimum", 1), ("maximum", -1), ("minLength", 1), ("maxLength", -1)):
        o, n = oc.get(key), nc.get(key)
        if o != n:
            tighter = n is not None and (o is None or (n - o) * sign > 0)
            out.append(Change("major" if tighter else "minor", table,
                              f"constraint_{'tightened' if tighter else 'loosened'}", f"{name}: {key} {o} -> {n}"))
    if oc.get("pattern") != nc.get("pattern"):
        level = "minor" if nc.get("pattern") is None else "major"
        out.append(Change(level, table, "constraint_changed", f"{name}: pattern {oc.get('pattern')} -> {nc.get('pattern')}"))
    oe = [c["value"] for c in old.get("categories", [])] or oc.get("enum") or []
    ne = [c["value"] for c in new.get("categories", [])] or nc.get("enum") or []
    if set(oe) - set(ne) and ne:
        out.append(Change("major", table, "enum_values_removed", f"{name}: {sorted(map(str, set(oe) - set(ne)))}"))
    if set(ne) - set(oe) and oe:
        out.append(Change("minor", table, "enum_values_added", f"{name}: {sorted(map(str, set(ne) - set(oe)))}"))
    if oe and not ne:
        out.append(Change("minor", table, "constraint_loosened", f"{name}: enum removed"))
    if ne and not oe:
        out.append(Change("major", table, "constraint_tightened", f"{name}: enum added"))
    return out


def schema_changes(old: dict, new: dict) -> list[Change]:
    """Resource and field changes between two descriptors (CSV resources)."""
    changes = []
    olds = {r["name"]: r for r in old["resources"] if r.get("format", "csv") == "csv"}
    news = {r["name"]: r for r in new["resources"] if r.get("format", "csv") == "csv"}
    for name in sorted(set(olds) - set(news)):
        changes.append(Change("major", name, "resource_removed", name))
    for name in sorted(set(news) - set(olds)):
        changes.append(Change("minor", name, "resource_added", name))
    for name in sorted(set(olds) & set(news)):
        of = {f["name"]: f for f in olds[name].get("schema", {}).get("fields", [])}
        nf = {f["name"]: f for f in news[name].get("schema", {}).get("fields", [])}
        for f in sorted(set(of) - set(nf)):
            changes.append(Change("major", name, "field_removed", f))
        for f in sorted(set(nf) - set(of)):
            level = "major" if nf[f].get("constraints", {}).get("required") else "minor"
            changes.append(Change(level, name, "field_added", f))
        for f in sorted(set(of) & set(nf)):
            if of[f]["type"] != nf[f]["type"]:
                changes.append(Change("major", name, "type_changed", f"{f}: {of[f]['type']} -> {nf[f]['type']}"))
            changes += _constraint_changes(name, f, of[f], nf[f])
            if of[f].get("description") != nf[f].get("description"):
                changes.append(Change("patch", name, "description_changed", f))
        if olds[name]["schema"].get("primaryKey") != news[name]["schema"].get("primaryKey"):
            changes.append(Change("major", name, "primary_key_changed",
                                  f"{olds[name]['schema'].get('primaryKey')} -> {news[name]['schema'].get('primaryKey')}"))
    for key in ("title", "description", "keywords", "licenses", "contributors", "homepage"):
        if old.get(key) != new.get(key):
            changes.append(Change("patch", None, "metadata_changed", key))
    return changes


def _keyed(df: pd.DataFrame, pk: list[str]) -> pd.DataFrame:
    keys = df[pk].astype(str).agg("|".join, axis=1) if len(pk) > 1 else df[pk[0]].astype(str)
    return df.set_index(keys)


def data_changes(old_desc: dict, old: dict[str, pd.DataFrame], new_desc: dict, new: dict[str, pd.DataFrame]) -> tuple[list[Change], dict[str, TableDiff]]:
    """Rows added, removed and changed per table, by primary key."""
    changes, tables = [], {}
    schemas = {r["name"]: table_from_resource(r) for r in new_desc["resources"] if r["name"] in new}
    for name in sorted(set(old) & set(new)):
        pk = schemas[name].primary_key
        a, b = _keyed(old[name], pk), _keyed(new[name], pk)
        d = TableDiff(added=sorted(set(b.index) - set(a.index)), removed=sorted(set(a.index) - set(b.index)))
        common = sorted(set(a.index) & set(b.index))
        columns = [c for c in b.columns if c in a.columns]
        if common:
            left, right = a.loc[common, columns], b.loc[common, columns]
            differs = ~((left == right) | (left.isna() & right.isna()))
            for key in differs.index[differs.any(axis=1)]:
                cols = [c for c in columns if differs.at[key, c]]
                d.changed.append((key, {c: (left.at[key, c], right.at[key, c]) for c in cols}))
        tables[name] = d
        if d.removed:
            changes.append(Change("major", name, "rows_removed", f"{len(d.removed)} row(s)"))
        if d.added:
            changes.append(Change("minor", name, "rows_added", f"{len(d.added)} row(s)"))
        if d.changed:
            changes.append(Change("patch", name, "rows_changed", f"{len(d.changed)} row(s)"))
    for name in sorted(set(new) - set(old)):
        tables[name] = TableDiff(added=list(_keyed(new[name], schemas[name].primary_key).index))
    return changes, tables


def diff(old_path: Path, new_path: Path) -> Diff:
    """Schema and data changes from the package at *old_path* to the one at *new_path*."""
    od, of = read_package(old_path)
    nd, nf = read_package(new_path)
    changes = schema_changes(od, nd)
    data, tables = data_changes(od, of, nd, nf)
    return Diff(changes + data, tables)


def changelog_entry(version: str, day: str, d: Diff, notes: list[str]) -> str:
    """A CHANGELOG.md section for a release, from its diff and the curators' notes."""
    lines = [f"## {version} — {day}", ""]
    if d.changes:
        lines.append(f"Change level: **{d.level}**.")
        lines.append("")
        for c in d.changes:
            lines.append(f"- {c.level.upper()}: {c.table + ': ' if c.table else ''}{c.kind.replace('_', ' ')} — {c.detail}")
    else:
        lines.append("- First release.")
    for name, t in sorted(d.tables.items()):
        if t.added or t.removed or t.changed:
            lines.append(f"- `{name}`: {len(t.added)} added, {len(t.removed)} removed, {len(t.changed)} changed")
    if notes:
        lines += ["", "Curator notes:", ""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"
