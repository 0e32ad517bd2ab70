"""The gazetteer: actors, places and the extraction lexicon, kept as data in ``gazetteer/``.

Curators extend these YAML files without touching code. Their combined hash is part of the key of
cached extractions, so a gazetteer change can never be served a stale result.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.datapackage.yamlfiles import read_checked

FILES = ("actors", "places", "lexicon")


@dataclass(frozen=True)
class Gazetteer:
    """Everything the cleaner and the extractor read by."""

    actors: dict[str, dict]           # actor_id -> entry
    places: dict[str, dict]           # place_id -> entry
    lexicon: dict
    digest: str                       # sha256 of the three files' bytes

    @functools.cached_property
    def furniture_patterns(self) -> list[tuple[str, re.Pattern]]:
        return [(reason, re.compile(p, re.IGNORECASE)) for reason, pats in self.lexicon["furniture"].items()
                for p in pats]


def _check_unique(located, kind: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    aliases: dict[str, str] = {}
    for i, entry in enumerate(located.data or []):
        if entry["id"] in out:
            raise located.error(f"duplicate {kind} id {entry['id']}", i, "id", hint="Each id is used once.")
        if entry.get("parent") and entry["parent"] not in {e["id"] for e in located.data}:
            raise located.error(f"parent {entry['parent']} is not an id in this file", i, "parent")
        for alias in [entry["name"], *entry.get("aliases", [])]:
            key = alias.lower().replace("’", "'")
            if aliases.get(key, entry["id"]) != entry["id"]:
                raise located.error(f"alias {alias!r} is also used by {aliases[key]}", i, "aliases",
                                    hint="An alias must name one entry only.")
            aliases[key] = entry["id"]
        out[entry["id"]] = entry
    return out


def load_gazetteer(root: Path) -> Gazetteer:
    """Read and check ``gazetteer/*.yaml`` against ``schemas/curation/*.schema.json``.

    >>> g = load_gazetteer(Path(__file__).resolve().parents[3])
    >>> g.actors["act_rustem_umerov"]["name"], len(g.digest)
    ('Rustem Umerov', 64)
    """
    root = Path(root)
    digest = hashlib.sha256()
    for name in FILES:
        try:
            digest.update((root / "gazetteer" / f"{name}.yaml").read_bytes())
        except OSError as exc:
            raise NewsclaimsError(f"cannot read: {exc.strerror}", file=root / "gazetteer" / f"{name}.yaml") from None
    return _load(root, digest.hexdigest())


@functools.lru_cache(maxsize=8)
def _load(root: Path, digest: str) -> Gazetteer:
    """Parsed once per content (the digest is part of the cache key, so edits are always seen)."""
    located = {}
    for name in FILES:
        path = root / "gazetteer" / f"{name}.yaml"
        located[name] = read_checked(path, root / "schemas" / "curation" / f"{name}.schema.json")
    for reason, pats in located["lexicon"].data["furniture"].items():
        for i, p in enumerate(pats):
            try:
                re.compile(p)
            except re.error as exc:
                raise located["lexicon"].error(f"not a regular expression: {exc}", "furniture", reason, i) from None
    actors = _check_unique(located["actors"], "actor")
    places = _check_unique(located["places"], "place")
    if not actors:
        raise NewsclaimsError("no actors", file=located["actors"].path)
    return Gazetteer(actors=actors, places=places, lexicon=located["lexicon"].data, digest=digest)


def inside(a: str | None, b: str | None, places: dict[str, dict]) -> bool:
    """Whether place *a* is *b* or lies inside it (by country and first-level region).

    >>> P = {"plc_ua": {"type": "country", "country": "UA"}, "plc_od": {"type": "admin1", "country": "UA", "admin1": "Odesa"},
    ...      "plc_city": {"type": "city", "country": "UA", "admin1": "Odesa"}}
    >>> inside("plc_city", "plc_ua", P), inside("plc_city", "plc_od", P), inside("plc_ua", "plc_od", P)
    (True, True, False)
    """
    if a is None or b is None or a not in places or b not in places:
        return False
    pa, pb = places[a], places[b]
    if a == b:
        return True
    if pb.get("type") == "country":
        return pa.get("country") == pb.get("country")
    if pb.get("type") == "admin1":
        return pa.get("type") not in ("country", "admin1") and pa.get("admin1") == pb.get("admin1") \
            and pa.get("country") == pb.get("country")
    return False
