"""Curator-edited YAML files: safe loading, JSON Schema checks, and line numbers for errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .errors import NewsclaimsError


class _Loader(yaml.SafeLoader):
    """The safe loader, except that dates stay text (JSON Schema checks them; code parses them)
    and aliases are refused: curation files never need them, and they allow self-referencing
    and exponentially large ("billion laughs") documents."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed; write the value out", mark)
        return super().compose_node(parent, index)


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
    newsclaims.errors.NewsclaimsError: ...x.yaml:1: YAML syntax error: ...
    """
    path = Path(path)
    try:
        return yaml.load(_decode(path), Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        raise _syntax_error(path, exc) from None


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


def _validator(schema_path: Path) -> jsonschema.Draft202012Validator:
    """A validator for one JSON Schema, resolving ``$ref`` to sibling ``*.schema.json`` files."""
    resources = [(p.name, Resource.from_contents(json.loads(p.read_text(encoding="utf-8")), default_specification=DRAFT202012))
                 for p in sorted(schema_path.parent.glob("*.schema.json"))]
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, registry=Registry().with_resources(resources))


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
