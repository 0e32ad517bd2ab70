"""Curation: a curator's decisions, kept in ``curation/*.yaml``, applied on top of extraction.

* ``references.yaml`` — reports cited by address; they become ``sources`` rows of kind reference;
* ``events.yaml`` — events with type, CAMEO code, status, dated range and the basis of the date,
  place, and actors with roles;
* ``reviews/<seed>.yaml`` — per seed: confirm, correct (with a reason) or reject each claim, add
  claims the extractor missed, link claims to events;
* ``relations.yaml`` — curated corroborations and contradictions, which override automatic ones;
* ``proposals.yaml`` — decisions on events only extraction proposes: confirm or reject the
  proposal that holds a claim (an event in ``events.yaml`` can instead absorb proposals, or refuse
  them, with ``absorbs`` and ``refuses``).

Entries find claims by a fragment of their quote (plus the figure as written), never by id or
offset, so curation stays attached when the extractor improves. An entry that matches nothing is an
error naming its file and line.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.pipeline.extract.article import claim_id
from newsclaims.pipeline.extract.figures import Figure
from newsclaims.pipeline.ingest import Seed
from newsclaims.pipeline.relations import automatic_relations, relation_id
from newsclaims.datapackage.yamlfiles import Located, read_checked

CURATION = Path("curation")
DATE_FIELDS = {"date_start", "date_end"}


@dataclass
class Curated:
    """Rows produced by curation, plus problems found (when collecting instead of raising)."""

    rows: dict[str, list[dict]] = field(default_factory=dict)
    problems: list[NewsclaimsError] = field(default_factory=list)
    origins: dict[tuple[str, str], tuple[Path, int | None]] = field(default_factory=dict)
    """(table, primary key) -> (curation file, line) of the entry that wrote or changed the row, so
    a rule the row breaks can be reported where the curator can fix it."""
    decisions: dict[str, dict] = field(default_factory=dict)
    """claim id -> {"status", "note"} of curation/proposals.yaml: the proposal holding the claim."""


class _Problems:
    def __init__(self, collect: bool):
        self.collect, self.items = collect, []

    def __call__(self, exc: NewsclaimsError) -> None:
        if not self.collect:
            raise exc
        self.items.append(exc)


def reference_source_id(url: str) -> str:
    """Stable source id of a reference, from its address.

    >>> reference_source_id("https://tass.com/emergencies/2044239")[:4]
    'src_'
    """
    return "src_" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def _files(root: Path, name: str) -> Path:
    return root / CURATION / name


def _schema(root: Path, name: str) -> Path:
    return root / "schemas" / "curation" / f"{name}.schema.json"


def load(root: Path) -> dict[str, object]:
    """Read and check every curation file (missing files count as empty)."""
    out: dict[str, object] = {}
    for name in ("references", "events", "relations", "proposals"):
        path = _files(root, f"{name}.yaml")
        out[name] = read_checked(path, _schema(root, name)) if path.exists() else Located(path, [], {})
    reviews = sorted((root / CURATION / "reviews").glob("*.yaml"))
    out["reviews"] = [read_checked(p, _schema(root, "reviews")) for p in reviews]
    return out


class _Index:
    """Claims of each seed, and the matching of claim keys to them."""

    def __init__(self, seeds: list[Seed], claims: list[dict]):
        self.by_stem = {Path(s.file).stem: s for s in seeds}
        self.by_source: dict[str, list[dict]] = {}
        for c in claims:
            self.by_source.setdefault(c["source_id"], []).append(c)

    def seed(self, located: Located, stem: str | None, *keys) -> Seed:
        if stem not in self.by_stem:
            raise located.error(f"unknown seed {stem!r}", *keys, hint="Name a file of seeds/ without .txt.")
        return self.by_stem[stem]

    def match(self, located: Located, key: dict, seed: Seed, *keys) -> dict:
        fragment = key["quote"]
        count = seed.text.count(fragment)
        if count == 0:
            raise located.error(f"quote {fragment[:50]!r} is not in {seed.file}", *keys, "quote",
                                hint="Copy the words exactly from the seed text.")
        if count > 1:
            raise located.error(f"quote {fragment[:50]!r} occurs {count} times in {seed.file}", *keys, "quote",
                                hint="Quote more words so that it occurs once.")
        pos = seed.text.index(fragment)
        found = [c for c in self.by_source.get(seed.source_id, []) if c["char_start"] <= pos < c["char_end"]]
        if key.get("figure") is not None:
            found = [c for c in found if c.get("figure_text") == key["figure"]]
            inside = [c for c in found if pos <= c["figure_start"] < pos + len(fragment)]
            found = inside or found
        elif key.get("statement") or len(found) > 1:
            found = [c for c in found if c["claim_kind"] == "statement"]
        if not found:
            raise located.error(f"matches no claim (quote {fragment[:40]!r}"
                                + (f", figure {key['figure']!r})" if key.get("figure") else ")"), *keys,
                                hint="The extractor no longer finds this claim: fix the key, or add the claim under add:.")
        if len(found) > 1:
            raise located.error(f"matches {len(found)} claims", *keys, hint="Add figure: to say which one.")
        return found[0]

    def key(self, located: Located, key: dict, implied: Seed | None, *keys) -> dict:
        seed = implied if implied is not None and "seed" not in key else self.seed(located, key.get("seed"), *keys, "seed")
        return self.match(located, key, seed, *keys)


def _typed(field_name: str, value):
    if field_name in DATE_FIELDS and isinstance(value, str):
        return date.fromisoformat(value)
    if field_name in ("value", "low", "high") and value is not None:
        return float(value)
    return value


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        from newsclaims.datapackage.csvio import format_number
        return format_number(value)
    return str(value)


def apply(root: Path, seeds: list[Seed], claims: list[dict], *, files: dict[str, object] | None = None,
          collect: bool = False, actors: set[str] | None = None, places: set[str] | None = None) -> Curated:
    """Apply every curation file to the extracted *claims* (changed in place) and return the rows
    of the curated tables. With ``collect=True`` problems are gathered instead of raised.

    *files* are the curation files as :func:`load` reads them (read from *root* when not given).
    *actors* and *places*, when given, are the known ids: a curation entry naming any other is
    reported at its line (rather than later, as a broken foreign key in a table).

    The files are applied in the order their ids are needed: references (events and relations
    cite them), event ids (reviews link to them), reviews (confirm, correct, reject, add), the
    events themselves, then relations (curated ones override automatic ones).
    """
    run = _Application(Path(root), seeds, claims, files if files is not None else load(Path(root)), collect,
                       actors, places)
    run.references()
    run.event_ids()
    for located in run.files["reviews"]:
        run.review(located)
    run.events()
    run.proposals()
    run.relations()
    return Curated(rows=run.rows, problems=run.problems.items, origins=run.origins, decisions=run.decisions)


class _Application:
    """The state of one application of the curation files: rows produced so far, the ids they
    define, where each row came from, and the problems found."""

    def __init__(self, root: Path, seeds: list[Seed], claims: list[dict], files: dict[str, object], collect: bool,
                 actors: set[str] | None, places: set[str] | None):
        self.root, self.claims, self.files = root, claims, files
        self.actors, self.places = actors, places
        self.problems = _Problems(collect)
        self.index = _Index(seeds, claims)
        self.rows: dict[str, list[dict]] = {k: [] for k in ("sources", "events", "event_actors", "claim_events",
                                                            "claim_relations", "claim_corrections", "claims")}
        self.origins: dict[tuple[str, str], tuple[Path, int | None]] = {}
        self.refs: dict[str, str] = {}
        self.event_index: dict[str, int] = {}
        self.links: set[tuple[str, str]] = set()
        self.reviewed: dict[str, str] = {}
        self.decisions: dict[str, dict] = {}

    def origin(self, table: str, key: str, loc: Located, *keys) -> None:
        self.origins.setdefault((table, key), (loc.path, loc.line(*keys)))

    def known(self, loc: Located, kind: str, value, *keys) -> None:
        ids, where = (self.actors, "gazetteer/actors.yaml") if kind == "actor" else (self.places, "gazetteer/places.yaml")
        if ids is not None and value is not None and value not in ids:
            self.problems(loc.error(f"unknown {kind} {value}", *keys, hint=f"Use an id from {where}, or add it there."))

    def ref_id(self, loc: Located, name: str, *keys) -> str | None:
        if name not in self.refs:
            self.problems(loc.error(f"unknown reference {name}", *keys, hint="Add it to curation/references.yaml."))
            return None
        return self.refs[name]

    def references(self) -> None:
        located = self.files["references"]
        for i, ref in enumerate(located.data or []):
            if ref["id"] in self.refs:
                self.problems(located.error(f"duplicate reference id {ref['id']}", i, "id"))
                continue
            self.refs[ref["id"]] = sid = reference_source_id(ref["url"])
            self.rows["sources"].append({
                "source_id": sid, "kind": "reference", "title": ref.get("title"), "publisher": ref["publisher"],
                "url": ref["url"], "published_date": date.fromisoformat(ref["published"]),
                "published_date_precision": "day", "language": "en",
                "rights": "Cited by address only; the text is not in the dataset.",
                "missing_reason": "file, sha256, char_count: a reference's text is not part of the dataset"
                                  + ("" if ref.get("title") else "; title: not recorded by the curator")})

    def event_ids(self) -> None:
        located = self.files["events"]
        for i, ev in enumerate(located.data or []):
            if ev["id"] in self.event_index:
                self.problems(located.error(f"duplicate event id {ev['id']}", i, "id"))
                continue
            self.event_index[ev["id"]] = i

    def link(self, claim_id: str, events: list[str], located: Located, *keys) -> None:
        for ev in events:
            if ev not in self.event_index:
                self.problems(located.error(f"unknown event {ev}", *keys, "events"))
            self.links.add((claim_id, ev))
            self.origin("claim_events", f"{claim_id}|{ev}", located, *keys, "events")

    def review(self, located: Located) -> None:
        data = located.data
        try:
            seed = self.index.seed(located, Path(data["seed"]).stem, "seed")
        except NewsclaimsError as exc:
            self.problems(exc)
            return
        for i, entry in enumerate(data.get("claims", [])):
            self.judge(located, seed, i, entry)
        for i, entry in enumerate(data.get("add", [])):
            self.add(located, seed, i, entry)

    def judge(self, located: Located, seed: Seed, i: int, entry: dict) -> None:
        """A confirm, correct or reject entry of a review file."""
        try:
            claim = self.index.key(located, entry["match"], seed, "claims", i, "match")
        except NewsclaimsError as exc:
            self.problems(exc)
            return
        where = f"{located.path.relative_to(self.root).as_posix()}:{located.line('claims', i)}"
        if claim["claim_id"] in self.reviewed:
            self.problems(located.error(f"this claim is reviewed already at {self.reviewed[claim['claim_id']]}", "claims", i))
            return
        self.reviewed[claim["claim_id"]] = where
        self.origin("claims", claim["claim_id"], located, "claims", i)
        action = entry["action"]
        if action == "confirm":
            claim["review_status"] = "confirmed"
        elif action == "reject":
            claim["review_status"], claim["review_note"] = "rejected", entry["reason"]
        else:
            claim["review_status"] = "corrected"
            claim["review_note"] = entry["reason"]
            self.known(located, "actor", entry["set"].get("speaker_actor_id"), "claims", i, "set", "speaker_actor_id")
            self.known(located, "place", entry["set"].get("place_id"), "claims", i, "set", "place_id")
            for name, value in entry["set"].items():
                old, new = claim.get(name), _typed(name, value)
                self.rows["claim_corrections"].append({"claim_id": claim["claim_id"], "field": name,
                                                       "extracted_value": _text(old), "curated_value": _text(new),
                                                       "reason": entry["reason"], "curation_file": where})
                claim[name] = new
        self.link(claim["claim_id"], entry.get("events", []), located, "claims", i)

    def add(self, located: Located, seed: Seed, i: int, entry: dict) -> None:
        """A claim the extractor missed, added by a curator."""
        quote = entry["quote"]
        count = seed.text.count(quote)
        if count != 1:
            self.problems(located.error(f"quote occurs {count} times in {seed.file} (it must occur once)", "add", i, "quote"))
            return
        start = seed.text.index(quote)
        row = {"source_id": seed.source_id, "quote": quote, "char_start": start, "char_end": start + len(quote),
               "attribution_type": "unattributed", "factuality": "asserted", "extraction_method": "curated",
               "review_status": "confirmed", "review_note": entry["reason"], "claim_kind": "statement"}
        fig = None
        if entry.get("figure"):
            if quote.count(entry["figure"]) != 1:
                self.problems(located.error("figure must occur once in the quote", "add", i, "figure"))
                return
            fs = start + quote.index(entry["figure"])
            fig = Figure(fs, fs + len(entry["figure"]), entry["figure"], *[None] * 7)
            row.update(claim_kind="figure", figure_text=entry["figure"], figure_start=fs, figure_end=fig.end,
                       unit="count")
        if entry.get("speaker"):
            if entry["speaker"] not in quote:
                self.problems(located.error("speaker is not in the quote", "add", i, "speaker"))
                return
            row["speaker_text"] = entry["speaker"]
        self.known(located, "actor", entry["set"].get("speaker_actor_id"), "add", i, "set", "speaker_actor_id")
        self.known(located, "place", entry["set"].get("place_id"), "add", i, "set", "place_id")
        row.update({k: _typed(k, v) for k, v in entry["set"].items()})
        row["claim_id"] = claim_id(seed.sha256, row["char_start"], row["char_end"], fig)
        if any(c["claim_id"] == row["claim_id"] for c in self.claims):
            self.problems(located.error("the extractor finds this claim now; review it under claims: instead", "add", i))
            return
        self.claims.append(row)
        self.origin("claims", row["claim_id"], located, "add", i)
        self.index.by_source.setdefault(seed.source_id, []).append(row)
        self.link(row["claim_id"], entry.get("events", []), located, "add", i)

    def events(self) -> None:
        located = self.files["events"]
        for i, ev in enumerate(located.data or []):
            if self.event_index.get(ev["id"]) == i:
                self.event(located, i, ev)
        self.rows["claim_events"] = [{"claim_id": c, "event_id": e, "method": "curated"} for c, e in sorted(self.links)]

    def event(self, located: Located, i: int, ev: dict) -> None:
        d = ev["date"]
        basis = d["basis"]
        row = {"event_id": ev["id"], "title": ev["title"], "event_type": ev["type"], "sub_event_type": ev["sub_type"],
               "cameo_code": ev["cameo"], "status": ev["status"], "date_start": date.fromisoformat(d["start"]),
               "date_end": date.fromisoformat(d["end"]), "date_precision": d["precision"],
               "date_note": d.get("note"), "place_id": ev.get("place"), "geo_precision": ev.get("geo_precision"),
               "part_of_event_id": ev.get("part_of"), "notes": ev["notes"], "origin": "curated", "review_status": "confirmed"}
        for name in ("absorbs", "refuses"):      # claims whose proposals this event takes in, or never
            row[f"_{name}"] = []
            for j, key in enumerate(ev.get(name, [])):
                try:
                    row[f"_{name}"].append(self.index.key(located, key, None, i, name, j)["claim_id"])
                except NewsclaimsError as exc:
                    self.problems(exc)
        if "claim" in basis:
            try:
                row["date_basis"], row["date_basis_claim_id"] = "claim", self.index.key(
                    located, basis["claim"], None, i, "date", "basis", "claim")["claim_id"]
            except NewsclaimsError as exc:
                self.problems(exc)
        else:
            row["date_basis"] = "reference"
            row["date_basis_source_id"] = self.ref_id(located, basis["reference"], i, "date", "basis")
        self.rows["events"].append(row)
        self.origin("events", ev["id"], located, i)
        self.known(located, "place", ev.get("place"), i, "place")
        if ev.get("part_of") is not None and (ev["part_of"] not in self.event_index or ev["part_of"] == ev["id"]):
            self.problems(located.error(f"part_of names {'the event itself' if ev['part_of'] == ev['id'] else 'an unknown event ' + ev['part_of']}",
                                        i, "part_of", hint="Name another event of curation/events.yaml."))
        seen_roles = set()
        for j, a in enumerate(ev["actors"]):
            self.known(located, "actor", a["actor"], i, "actors", j, "actor")
            if (a["actor"], a["role"]) in seen_roles:
                self.problems(located.error("actor listed twice with the same role", i, "actors", j))
            seen_roles.add((a["actor"], a["role"]))
            self.rows["event_actors"].append({"event_id": ev["id"], "actor_id": a["actor"], "role": a["role"]})
            self.origin("event_actors", f"{ev['id']}|{a['actor']}|{a['role']}", located, i, "actors", j)

    def proposals(self) -> None:
        located = self.files["proposals"]
        for i, entry in enumerate(located.data or []):
            try:
                claim = self.index.key(located, entry["claim"], None, i, "claim")["claim_id"]
            except NewsclaimsError as exc:
                self.problems(exc)
                continue
            self.decisions[claim] = {"status": entry["status"], "note": entry.get("note"),
                                     "error": lambda message, hint, _i=i, _loc=located: _loc.error(message, _i, "claim", hint=hint)}

    def relations(self) -> None:
        located = self.files["relations"]
        for i, rel in enumerate(located.data or []):
            try:
                a = self.index.key(located, rel["claim"], None, i, "claim")["claim_id"]
                target = rel["target"]
                b = self.index.key(located, target["claim"], None, i, "target", "claim")["claim_id"] if "claim" in target else None
            except NewsclaimsError as exc:
                self.problems(exc)
                continue
            s = self.ref_id(located, target["reference"], i, "target") if "reference" in target else None
            if rel.get("event") and rel["event"] not in self.event_index:
                self.problems(located.error(f"unknown event {rel['event']}", i, "event"))
            self.origin("claim_relations", relation_id(a, rel["relation"], b or s), located, i)
            self.rows["claim_relations"].append({"relation_id": relation_id(a, rel["relation"], b or s), "claim_id": a,
                                                 "relation": rel["relation"], "target_claim_id": b, "target_source_id": s,
                                                 "event_id": rel.get("event"), "method": "curated", "basis": rel["reason"]})
        self.rows["claim_relations"] = with_automatic(self.rows["claim_relations"], self.claims, self.rows["claim_events"])


def with_automatic(relations: list[dict], claims: list[dict], links: list[dict],
                   places: dict[str, dict] | None = None) -> list[dict]:
    """The curated rows of *relations*, and the automatic relations of the claims linked to one
    event by *links* that no curated relation judges (a curated relation between two claims
    overrides every automatic one between them); *places* (the gazetteer's) compares places."""
    curated = [r for r in relations if r["method"] == "curated"]
    judged = {frozenset((r["claim_id"], r["target_claim_id"] or r["target_source_id"])) for r in curated}
    return curated + [r for r in automatic_relations(claims, links, places)
                      if frozenset((r["claim_id"], r["target_claim_id"])) not in judged]
