"""Reading a ``datapackage.json`` that may be broken or hostile.

:func:`read_descriptor` parses a descriptor and checks the shape every reader relies on (each
resource an object with a name, a path inside the package, an inline schema whose fields have
known types and valid patterns, a known hash algorithm) before any of it is used, so a bad
descriptor gives one line naming the field instead of a traceback in ``validate``, ``report`` or
``load``. Paths a descriptor names are confined to the package; what the rules mean (their
severity) comes from the toolkit's own ``schemas/rules.yaml``, never from the descriptor.
"""

from __future__ import annotations

import json
import re
from itertools import repeat
from pathlib import Path, PurePosixPath

from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.datapackage.schema import Table

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")
FIELD_TYPES = ("string", "integer", "number", "date", "boolean")
HASHES = ("md5", "sha1", "sha256", "sha512")
TOOLKIT_SCHEMAS = Path(__file__).resolve().parents[3] / "schemas"
"""The toolkit's own table descriptions (a checkout's ``schemas/``)."""


def semver_key(version: str) -> tuple:
    """Sort key giving Semantic Versioning precedence (a pre-release sorts before its release).

    >>> sorted(["1.0.0", "1.0.0-rc.1", "0.9.0", "1.0.0-alpha", "1.0.0-rc.10", "1.0.0-rc.2"], key=semver_key)
    ['0.9.0', '1.0.0-alpha', '1.0.0-rc.1', '1.0.0-rc.2', '1.0.0-rc.10', '1.0.0']
    """
    m = SEMVER.match(str(version))
    if not m:
        raise NewsclaimsError(f"{version!r} is not a semantic version X.Y.Z", field="version")
    core = tuple(int(m.group(i)) for i in (1, 2, 3))
    if m.group(4) is None:
        return core, (1,)
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in m.group(4).split("."))
    return core, (0, parts)


def stable(version: str) -> bool:
    """True for a release version (no pre-release part).

    >>> stable("1.2.0"), stable("1.2.0-rc.1")
    (True, False)
    """
    m = SEMVER.match(str(version))
    return bool(m) and m.group(4) is None


def confined(root: Path, rel: str, *, links: bool = True) -> Path | None:
    """*root*/*rel* when *rel* is a relative path that stays inside *root*, else None. With
    *links* (the default) links are resolved too, so a link out of the package does not count
    as inside; without, only the path as written is judged.

    >>> confined(Path("/tmp"), "../etc/passwd") is None, confined(Path("/tmp"), "a/b.csv") is not None
    (True, True)
    """
    if not isinstance(rel, str) or not rel:
        return None
    p = PurePosixPath(rel)
    if p.is_absolute() or ".." in p.parts or "\\" in rel or re.match(r"^[A-Za-z]:", rel) or "://" in rel:
        return None
    if not links:
        return root / rel
    full = (root / rel).resolve()
    return full if full.is_relative_to(root.resolve()) else None


def toolkit_severities() -> dict[str, str]:
    """Rule id -> severity, from the toolkit's own ``schemas/rules.yaml`` (every rule is an error
    when the toolkit has no schemas beside it: stricter, never weaker)."""
    from newsclaims.datapackage.yamlfiles import read_yaml
    path = TOOLKIT_SCHEMAS / "rules.yaml"
    if not path.exists():
        return {}
    return {r["id"]: r["severity"] for r in read_yaml(path)}


def _problem(file: Path, where: str, what: str) -> NewsclaimsError:
    return NewsclaimsError(what, file=file, field=where,
                           hint="The descriptor is damaged or was not written by newsclaims: restore it, or rebuild "
                                "it with `newsclaims build`.")


def check_shape(desc: object, file: Path) -> dict:
    """Raise a one-line error for the first part of *desc* a reader could not use safely."""
    if not isinstance(desc, dict) or not isinstance(desc.get("resources"), list):
        raise _problem(file, "resources", "not a Data Package descriptor (no resources list)")
    names = set()
    for i, res in enumerate(desc["resources"]):
        at = f"resources[{i}]"
        if not isinstance(res, dict):
            raise _problem(file, at, "a resource must be an object")
        name = res.get("name")
        if not isinstance(name, str) or not name:
            raise _problem(file, f"{at}.name", "a resource needs a name")
        if name in names:
            raise _problem(file, f"{at}.name", f"resource name {name!r} is used twice")
        names.add(name)
        if "hash" in res:
            algo, _, digest = str(res["hash"]).rpartition(":")
            if (algo or "md5") not in HASHES or not re.fullmatch(r"[0-9a-f]+", digest):
                raise _problem(file, f"{at}.hash", f"unknown or malformed hash {res['hash']!r} "
                                                   f"(use one of {', '.join(HASHES)} as 'algorithm:hexdigest')")
        schema = res.get("schema")
        if not isinstance(schema, dict):
            raise _problem(file, f"{at}.schema", "the table schema must be given inline as an object"
                                                 + (" (a URL or path to a schema is not followed)" if isinstance(schema, str) else ""))
        fields = schema.get("fields")
        if not isinstance(fields, list) or not fields:
            raise _problem(file, f"{at}.schema.fields", "the schema needs a list of fields")
        for j, f in enumerate(fields):
            fat = f"{at}.schema.fields[{j}]"
            if not isinstance(f, dict) or not isinstance(f.get("name"), str):
                raise _problem(file, fat, "a field must be an object with a name")
            if f.get("type", "string") not in FIELD_TYPES:
                raise _problem(file, f"{fat}.type", f"unknown field type {f.get('type')!r} (known: {', '.join(FIELD_TYPES)})")
            c = f.get("constraints", {})
            if not isinstance(c, dict):
                raise _problem(file, f"{fat}.constraints", "constraints must be an object")
            if "pattern" in c:
                try:
                    re.compile(str(c["pattern"]))
                except re.error as exc:
                    raise _problem(file, f"{fat}.constraints.pattern", f"invalid pattern {c['pattern']!r} ({exc})") from None
            if "enum" in c and not isinstance(c["enum"], list):
                raise _problem(file, f"{fat}.constraints.enum", "enum must be a list")
            cats = f.get("categories", [])
            if not isinstance(cats, list) or not all(isinstance(x, dict) and "value" in x for x in cats):
                raise _problem(file, f"{fat}.categories", "categories must be a list of {value: ...} objects")
        for key in ("primaryKey",):
            if key in schema and not (isinstance(schema[key], list) and all(isinstance(k, str) for k in schema[key])):
                raise _problem(file, f"{at}.schema.{key}", f"{key} must be a list of field names")
        for k, fk in enumerate(schema.get("foreignKeys", []) if isinstance(schema.get("foreignKeys", []), list) else [None]):
            ok = isinstance(fk, dict) and isinstance(fk.get("fields"), list) and isinstance(fk.get("reference"), dict) \
                and isinstance(fk["reference"].get("fields"), list) and len(fk["fields"]) == 1 == len(fk["reference"]["fields"])
            if not ok:
                raise _problem(file, f"{at}.schema.foreignKeys[{k}]", "a foreign key needs one field and a reference")
    sources = desc.get("sources", [])
    if not isinstance(sources, list) or not all(map(isinstance, sources, repeat(dict))):
        raise _problem(file, "sources", "sources must be a list of objects")
    rules = desc.get("newsclaims", {})
    if not isinstance(rules, dict):
        raise _problem(file, "newsclaims", "must be an object")
    return desc


def table_from_resource(resource: dict) -> Table:
    """The :class:`~newsclaims.datapackage.schema.Table` a (shape-checked) resource describes."""
    schema = resource.get("schema") or {}
    return Table(name=resource["name"], title=resource.get("title", resource["name"]),
                 description=resource.get("description", ""), fields=schema.get("fields", []),
                 primary_key=schema.get("primaryKey", []), foreign_keys=schema.get("foreignKeys", []))


def descriptor_bytes(desc: dict) -> bytes:
    """A descriptor as the canonical bytes every package and release is written with."""
    return (json.dumps(desc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def read_descriptor(path: Path) -> tuple[Path, dict]:
    """The package folder and its descriptor, parsed and shape-checked (see :func:`check_shape`).

    *path* is a package folder or its ``datapackage.json``.
    """
    path = Path(path)
    file = path / "datapackage.json" if path.is_dir() else path
    if not file.is_file():
        raise NewsclaimsError("no datapackage.json here", file=file,
                              hint="Give a data package directory (the repository or a release), or run `newsclaims build`.")
    try:
        desc = json.loads(file.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise NewsclaimsError(f"not valid JSON{where}: {getattr(exc, 'msg', exc)}", file=file,
                              hint="Restore the file or rebuild it with `newsclaims build`.") from None
    return file.parent, check_shape(desc, file)
