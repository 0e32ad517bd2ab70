"""Event proposals: what the claims of each article report as happening, and the same happening
recognised across articles.

A claim gets an event type from the lexicon's ``event_types`` rules (its canonical predicate, the
thing its figure counts, or a word of its quote; the first rule that matches wins). Within one
article, claims of one type in one country make a proposal. Proposals of different articles
merge when they score at least :data:`MERGE` on compatible type, overlapping dates, the same
place (or one inside the other), shared speakers and figures about the same thing; pairs between
:data:`POSSIBLE` and :data:`MERGE` are kept apart and reported as possibly the same event.

Every proposal carries its evidence and a confidence; its id derives from its defining claims
(those of its earliest article), never from the order of the articles.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations

from newsclaims.datapackage.errors import NewsclaimsError

MERGE = 0.6
"""Score from which two proposals of different articles are one event."""
POSSIBLE = 0.4
"""Score from which a pair below MERGE is listed as possibly the same event."""
# Types whose reports name different places for one event (an agreement "in Istanbul", "for
# Ukraine"): for these, places that differ do not keep proposals apart.
_PLACE_FREE = {"Strategic developments", "Economic releases"}
_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}


@dataclass(frozen=True)
class Rule:
    """One ``event_types`` rule of the lexicon."""

    event_type: str
    sub_event_type: str
    cameo_code: str | None
    predicates: frozenset[str]
    objects: frozenset[str]
    words: re.Pattern | None


def rules_from(lexicon: dict, allowed: dict[str, set[str] | None] | None = None) -> list[Rule]:
    """The lexicon's ``event_types`` rules, checked against the allowed types and sub-types
    (``None`` as a type's sub-types allows any).

    >>> rules = rules_from({"event_types": [{"type": "Disasters", "sub_type": "Flood", "cameo": "0233",
    ...                                      "words": ["flood", "floods"]}]})
    >>> rules[0].event_type, bool(rules[0].words.search("the floods rose"))
    ('Disasters', True)
    """
    out = []
    for i, r in enumerate(lexicon.get("event_types") or []):
        subs = allowed.get(r["type"], set()) if allowed is not None else None
        if allowed is not None and (r["type"] not in allowed or (subs is not None and r["sub_type"] not in subs)):
            raise NewsclaimsError(f"event_types rule {i + 1} names {r['type']} / {r['sub_type']}, which no vocabulary has",
                                  file="gazetteer/lexicon.yaml", field="event_types",
                                  hint="Use an ACLED type of schemas/events.yaml or a news_event_type of schemas/vocabularies.yaml.")
        words = sorted(r.get("words") or [], key=len, reverse=True)
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE) if words else None
        out.append(Rule(r["type"], r["sub_type"], r.get("cameo"), frozenset(r.get("predicates") or []),
                        frozenset(r.get("objects") or []), pattern))
    return out


def classify(claim: dict, rules: list[Rule]) -> tuple[Rule, str] | None:
    """The first rule a claim matches, and the evidence (which field and word).

    >>> rules = rules_from({"event_types": [{"type": "Elections", "sub_type": "Vote", "cameo": "0", "words": ["votes"]}]})
    >>> classify({"quote": "Fisk won 1,206 votes."}, rules)[1]
    "word 'votes'"
    >>> classify({"quote": "It rained."}, rules) is None
    True
    """
    for rule in rules:
        if claim.get("predicate") and claim["predicate"] in rule.predicates:
            return rule, f"predicate {claim['predicate']!r}"
        if claim.get("object") and claim["object"] in rule.objects:
            return rule, f"object {claim['object']!r}"
        m = rule.words.search(claim.get("quote") or "") if rule.words else None
        if m:
            return rule, f"word {m.group(0).lower()!r}"
    return None


@dataclass
class Link:
    claim_id: str
    confidence: float
    evidence: str


@dataclass
class Proposal:
    """A proposed event: its fields as in the events table, its claim links and its sources."""

    event_id: str
    event_type: str
    sub_event_type: str
    cameo_code: str | None
    status: str
    date_start: date | None
    date_end: date | None
    date_precision: str | None
    date_basis: str
    date_basis_claim_id: str | None
    place_id: str | None
    geo_precision: int | None
    actors: list[tuple[str, str]]
    links: list[Link]
    sources: list[str]
    confidence: float
    merged_because: list[str] = field(default_factory=list)


def _country(place_id: str | None, places: dict[str, dict]) -> str | None:
    return places.get(place_id, {}).get("country") if place_id else None


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


def _status(claims: list[dict]) -> str:
    kinds = {c.get("factuality") for c in claims}
    return "occurred" if "asserted" in kinds else "announced" if "hedged" in kinds else "planned"


def _date(claims: list[dict], published: date | None) -> tuple:
    dated = [c for c in claims if c.get("date_start") and c.get("date_precision") in _PRECISION_RANK]
    if dated:
        best = min(dated, key=lambda c: (_PRECISION_RANK[c["date_precision"]], str(c["date_start"]), c["claim_id"]))
        return best["date_start"], best["date_end"], best["date_precision"], "claim", best["claim_id"]
    if published:
        # Reported, so no later than the publication day; news reports the last few days.
        return published - timedelta(days=6), published, "week", "publication", None
    return None, None, None, "none", None


def _most_specific_place(claims: list[dict], places: dict[str, dict]) -> tuple[str | None, int | None]:
    found = sorted({c["place_id"] for c in claims if c.get("place_id") in places},
                   key=lambda p: (places[p].get("geo_precision", 3), p))
    return (found[0], places[found[0]].get("geo_precision")) if found else (None, None)


def _article_proposals(source_id: str, claims: list[dict], rules: list[Rule], places: dict[str, dict],
                       published: date | None) -> list[Proposal]:
    # Key: (type, sub-type, country, year when the claim is dated only to a year, e.g. background).
    groups: dict[tuple, list[tuple[dict, Rule, str]]] = {}
    unplaced: dict[tuple, list[tuple[dict, Rule, str]]] = {}
    for c in sorted(claims, key=lambda c: (c.get("char_start") or 0, c["claim_id"])):
        hit = classify(c, rules)
        if hit is None:
            continue
        country = _country(c.get("place_id"), places)
        year = str(c["date_start"])[:4] if c.get("date_precision") == "year" and c.get("date_start") else ""
        kind = (hit[0].event_type, hit[0].sub_event_type, year)
        (groups.setdefault((*kind, country), []) if country else unplaced.setdefault(kind, [])).append((c, *hit))
    for kind, members in unplaced.items():
        placed = [k for k in groups if k[:3] == kind]
        # An unplaced claim joins its kind's one placed group of the article; with several, it is on its own.
        groups.setdefault(placed[0] if len(placed) == 1 else (*kind, None), []).extend(members)
    out = []
    for (etype, *_), members in sorted(groups.items(), key=lambda kv: tuple(x or "" for x in kv[0])):
        cs = [m[0] for m in members]
        subs = [m[1] for m in members]
        rule = max(subs, key=lambda r: (sum(s is r for s in subs), -subs.index(r)))
        start, end, precision, basis, basis_claim = _date(cs, published)
        place, geo = _most_specific_place(cs, places)
        actors = sorted({(c["speaker_actor_id"], "announcer") for c in cs if c.get("speaker_actor_id")})
        links = [Link(c["claim_id"], 0.9 if not ev.startswith("word") else 0.7, f"{r.sub_event_type} by {ev}")
                 for c, r, ev in members]
        out.append(Proposal("", etype, rule.sub_event_type, rule.cameo_code, _status(cs), start, end, precision, basis,
                            basis_claim, place, geo, actors, links, [source_id], 1.0))
    return out


def _same_event_score(a: Proposal, b: Proposal, claims: dict[str, dict], places: dict[str, dict]) -> tuple[float, list[str]]:
    """How strongly two proposals of different articles look like one event, and why."""
    if a.event_type != b.event_type or (a.date_precision == "year") != (b.date_precision == "year"):
        return 0.0, []
    score, why = 0.3, [f"type {a.event_type}"]
    if a.sub_event_type == b.sub_event_type:
        score, why = score + 0.1, why + [f"sub-type {a.sub_event_type}"]
    if a.place_id and b.place_id:
        if inside(a.place_id, b.place_id, places) or inside(b.place_id, a.place_id, places):
            score, why = score + 0.2, why + [f"place {a.place_id} ~ {b.place_id}"]
        elif a.event_type not in _PLACE_FREE:
            return 0.0, why + ["places apart"]
    if a.date_basis == "claim" and b.date_basis == "claim":
        if a.date_end >= b.date_start and b.date_end >= a.date_start:
            score, why = score + 0.2, why + ["dates overlap"]
        else:
            score, why = score - 0.2, why + ["dates disjoint"]
    shared = {x for x, _ in a.actors} & {x for x, _ in b.actors}
    if shared:
        score, why = score + 0.1, why + [f"shared actors {', '.join(sorted(shared))}"]
    things = lambda p: {(claims[l.claim_id].get("object"), claims[l.claim_id].get("predicate"))
                        for l in p.links if claims[l.claim_id].get("claim_kind") == "figure"}
    common = things(a) & things(b)
    if common:
        score, why = score + 0.2, why + [f"figures about {', '.join(sorted(f'{o} {p}' for o, p in common))}"]
    return round(min(score, 1.0), 2), why


def propose(claims: list[dict], rules: list[Rule], places: dict[str, dict],
            published: dict[str, date | None]) -> tuple[list[Proposal], list[tuple[str, str, float, str]]]:
    """Event proposals from *claims* (dicts as in the claims table), merged across articles.

    Returns the proposals and the pairs that are possibly the same event: ``(event_id, event_id,
    score, why)``. *published* maps a source id to its publication day.
    """
    by_source: dict[str, list[dict]] = {}
    for c in claims:
        if c.get("review_status") != "rejected":
            by_source.setdefault(c["source_id"], []).append(c)
    parts = [p for s in sorted(by_source) for p in _article_proposals(s, by_source[s], rules, places, published.get(s))]
    index = {c["claim_id"]: c for c in claims}
    parent = list(range(len(parts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    scored = {}
    for i, j in combinations(range(len(parts)), 2):
        if parts[i].sources == parts[j].sources:
            continue
        score, why = _same_event_score(parts[i], parts[j], index, places)
        scored[(i, j)] = (score, why)
        if score >= MERGE:
            parent[find(j)] = find(i)
    clusters: dict[int, list[int]] = {}
    for i in range(len(parts)):
        clusters.setdefault(find(i), []).append(i)
    merged, where = [], {}
    for members in clusters.values():
        ps = [parts[i] for i in members]
        first = min(ps, key=lambda p: (published.get(p.sources[0]) or date.max, p.sources[0]))
        defining = sorted(l.claim_id for l in first.links)
        slug = re.sub(r"[^a-z0-9]+", "_", first.sub_event_type.lower()).strip("_")
        event_id = f"evt_auto_{slug}_{hashlib.sha256('|'.join(defining).encode()).hexdigest()[:10]}"
        best = min((p for p in ps if p.date_basis == "claim"), default=first,
                   key=lambda p: (_PRECISION_RANK[p.date_precision], str(p.date_start)))
        place_p = min((p for p in ps if p.place_id), default=first, key=lambda p: (p.geo_precision or 3, p.place_id))
        pair_scores = [scored[(i, j)] for i, j in combinations(sorted(members), 2) if (i, j) in scored and scored[(i, j)][0] >= MERGE]
        why = sorted({w for _, ws in pair_scores for w in ws})
        confidence = min((s for s, _ in pair_scores), default=1.0)
        links = [Link(l.claim_id, round(l.confidence * confidence, 2), l.evidence + ("; same event: " + ", ".join(why) if why else ""))
                 for p in ps for l in p.links]
        merged.append(Proposal(event_id, first.event_type, first.sub_event_type, first.cameo_code,
                               max((p.status for p in ps), key=["planned", "announced", "occurred"].index),
                               best.date_start, best.date_end, best.date_precision, best.date_basis,
                               best.date_basis_claim_id, place_p.place_id, place_p.geo_precision,
                               sorted({a for p in ps for a in p.actors}), sorted(links, key=lambda l: l.claim_id),
                               sorted({s for p in ps for s in p.sources}), confidence, why))
        for i in members:
            where[i] = event_id
    possible = sorted({(min(where[i], where[j]), max(where[i], where[j]), s, "; ".join(w))
                       for (i, j), (s, w) in scored.items() if POSSIBLE <= s < MERGE and where[i] != where[j]})
    return sorted(merged, key=lambda p: p.event_id), possible


def allowed_types(pkg, vocabularies: dict) -> dict[str, set[str] | None]:
    """Event types and their sub-types: ACLED's from the events table, and the news_event_type
    vocabulary (whose sub-types are free: ``None``)."""
    events = pkg.tables["events"]
    allowed: dict[str, set[str] | None] = {c["value"]: set() for c in events.field("event_type")["categories"]}
    for c in events.field("sub_event_type")["categories"]:
        allowed.setdefault(c["label"], set()).add(c["value"])
    allowed.update({c["value"]: None for c in vocabularies.get("news_event_type", [])})
    return allowed


def proposals_of(root, *, jobs: int | None = None):
    """Event proposals for a repository's seeds, from extraction alone (curation set aside).

    Returns what :func:`propose` returns.
    """
    from newsclaims.datapackage.yamlfiles import read_yaml
    from newsclaims.pipeline.extract.runner import extract_all
    from newsclaims.pipeline.repository import Repository
    repo = Repository.of(root).require()
    g = repo.gazetteer
    rules = rules_from(g.lexicon, allowed_types(repo.package, read_yaml(repo.root / "schemas" / "vocabularies.yaml")))
    extractions, _ = extract_all(repo.seeds, g, root=repo.root, jobs=jobs)
    claims = [c for x in extractions for c in x.claims]
    return propose(claims, rules, g.places, {s.source_id: s.anchor for s in repo.seeds})
