"""Curator-edited YAML files: safe loading, JSON Schema checks, and line numbers for errors."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema.validators
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from newsclaims.datapackage.errors import NewsclaimsError


MAX_DEPTH = 32
"""Deepest nesting of lists and mappings accepted in a curation file (ours need 6)."""


class DuplicateKey(yaml.YAMLError):
    def __init__(self, key: str, first: int, second: int):
        super().__init__(f"duplicate key {key!r}")
        self.key, self.first, self.second = key, first, second


class _Loader(yaml.SafeLoader):
    """The safe loader, except that dates stay text (JSON Schema checks them; code parses them),
    aliases are refused (curation files never need them, and they allow self-referencing and
    exponentially large "billion laughs" documents), a key given twice in one mapping is an error
    (YAML would silently keep the last), and nesting deeper than :data:`MAX_DEPTH` is refused."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed; write the value out", mark)
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        seen: dict[str, int] = {}
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode):
                line = key.start_mark.line + 1
                if key.value in seen:
                    raise DuplicateKey(key.value, seen[key.value], line)
                seen[key.value] = line
        return super().construct_mapping(node, deep)


_Loader.yaml_implicit_resolvers = {
    k: [(tag, regexp) for tag, regexp in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _decode(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NewsclaimsError("file not found", file=path) from None
    except UnicodeDecodeError as exc:
        raise NewsclaimsError(f"not valid UTF-8 at byte {exc.start}", file=path,
                              hint="Save the file as UTF-8.") from None


def _syntax_error(path: Path, exc: yaml.YAMLError) -> NewsclaimsError:
    if isinstance(exc, DuplicateKey):
        return NewsclaimsError(f"key {exc.key!r} is given twice (lines {exc.first} and {exc.second}); YAML would "
                               "silently keep only the last", file=path, line=exc.second,
                               hint="Merge the two into one key.")
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return NewsclaimsError(f"YAML syntax error: {problem}", file=path, line=mark.line + 1 if mark else None,
                           hint="Fix the YAML syntax (indentation, quotes, colons).")


def read_yaml(path: Path) -> Any:
    """Read a YAML file with the safe loader; syntax errors become one-line errors with the line.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.yaml"; _ = p.write_text("a: [1, 2]")
    >>> read_yaml(p)
    {'a': [1, 2]}
    >>> _ = p.write_text("a: [1, 2")
    >>> read_yaml(p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    newsclaims.datapackage.errors.NewsclaimsError: ...x.yaml:1: YAML syntax error: ...
    """
    path = Path(path)
    try:
        return yaml.load(_decode(path), Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        raise _syntax_error(path, exc) from None
    except RecursionError:
        raise NewsclaimsError("nested too deeply to read", file=path, hint="Flatten the file.") from None


class Located:
    """YAML data plus the line of every node, so errors can name ``file:line``."""

    def __init__(self, path: Path, data: Any, lines: dict[tuple, int]):
        self.path, self.data, self._lines = path, data, lines

    def line(self, *keys) -> int | None:
        """Line (1-based) of the node at ``keys`` (list indexes and mapping keys), or its nearest parent."""
        keys = tuple(keys)
        while keys not in self._lines and keys:
            keys = keys[:-1]
        return self._lines.get(keys)

    def error(self, message: str, *keys, hint: str | None = None) -> NewsclaimsError:
        field = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys).lstrip(".") or None
        return NewsclaimsError(message, file=self.path, line=self.line(*keys), field=field, hint=hint)


def _index(node: yaml.Node, path: tuple, lines: dict) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            _index(child, path + (i,), lines)
    elif isinstance(node, yaml.MappingNode):
        for key, child in node.value:
            lines[path + (key.value,)] = key.start_mark.line + 1
            _index(child, path + (key.value,), lines)
            lines[path + (key.value,)] = key.start_mark.line + 1


def _strict_pattern(validator, pattern: str, instance, schema):
    """JSON Schema ``pattern`` as JSON Schema means it (ECMA-262): ``\\d`` is an ASCII digit and
    ``$`` is the end of the text. Python's ``re`` would accept Arabic-Indic digits and a trailing
    newline, which then crash the code that parses the value."""
    if not validator.is_type(instance, "string"):
        return
    strict = pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith("\\$") else pattern
    if not re.search(strict, instance, re.ASCII):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


_FORMATS = jsonschema.FormatChecker(formats=())


@_FORMATS.checks("date", raises=ValueError)
def _is_date(value) -> bool:
    """A real calendar date written YYYY-MM-DD in ASCII (2022-02-30 is not one)."""
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value, re.ASCII):
        raise ValueError("not YYYY-MM-DD")
    date.fromisoformat(value)
    return True


_Strict = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _strict_pattern})


def _validator(schema_path: Path) -> jsonschema.Draft202012Validator:
    """A validator for one JSON Schema, resolving ``$ref`` to sibling ``*.schema.json`` files, with
    strict ``pattern`` semantics and real ``date`` checks."""
    resources = [(p.name, Resource.from_contents(json.loads(p.read_text(encoding="utf-8")), default_specification=DRAFT202012))
                 for p in sorted(schema_path.parent.glob("*.schema.json"))]
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    return _Strict(schema, registry=Registry().with_resources(resources), format_checker=_FORMATS)


def read_checked(path: Path, json_schema_path: Path) -> Located:
    """Read a curation YAML file and check it against its JSON Schema; the first problem is raised
    as a one-line error naming file, line and field."""
    path = Path(path)
    text = _decode(path)
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        raise _syntax_error(path, exc) from None
    except RecursionError:
        raise NewsclaimsError("nested too deeply to read", file=path, hint="Flatten the file.") from None
    lines: dict[tuple, int] = {}
    if node is not None:
        _index(node, (), lines)
    located = Located(path, data, lines)
    validator = _validator(Path(json_schema_path))
    errors = sorted(validator.iter_errors(data), key=lambda e: (located.line(*e.absolute_path) or 0, str(e.message)))
    if errors:
        err = errors[0]
        message = err.message
        if err.validator == "additionalProperties":
            message = f"unknown key: {message.split('(')[-1].rstrip(')')}"
        raise located.error(message, *err.absolute_path,
                            hint=f"See {Path(json_schema_path).name} for the allowed keys and values.")
    return located
