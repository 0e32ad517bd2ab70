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
_LINKABLE = 0.25       # below: a pair no merge may put in one event (a type's base score is 0.3)
# Types whose reports name different places for one event (an agreement "in Istanbul", "for
# Ukraine"): for these, places that differ do not keep proposals apart.
_PLACE_FREE = {"Strategic developments", "Economic releases"}
# Types whose sub-types are different kinds of happening (an agreement is never an interception).
_MIXED = {"Strategic developments"}
_WEEK = 7
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
    agent_role: str | None = None
    thing_role: str | None = None
    located_by: str | None = None
    kinds: re.Pattern | None = None


def _words(words: list[str] | None) -> re.Pattern | None:
    """One pattern for a list of words (longest first), matched as whole words in any case."""
    words = sorted(words or [], key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE) if words else None


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
        pattern = _words(r.get("words"))
        out.append(Rule(r["type"], r["sub_type"], r.get("cameo"), frozenset(r.get("predicates") or []),
                        frozenset(r.get("objects") or []), pattern, r.get("agent_role"), r.get("thing_role"),
                        r.get("located_by"), _words(r.get("kinds"))))
    return out


# How much each kind of evidence weighs for a claim's type, and the article's main type on top.
# The bonus only settles near ties: "shot down 139 drones" stays air defence in an article about strikes.
_PREDICATE, _OBJECT, _WORD, _MAIN = 2.5, 2.0, 1.0, 0.4


def _evidence(claim: dict, rule: Rule) -> tuple[float, list[str], int]:
    """(strength, evidence, length of the longest word matched) of one rule for one claim."""
    strength, why, longest = 0.0, [], 0
    if claim.get("predicate") and claim["predicate"] in rule.predicates:
        strength, why = strength + _PREDICATE, why + [f"predicate {claim['predicate']!r}"]
    if claim.get("object") and claim["object"] in rule.objects:
        strength, why = strength + _OBJECT, why + [f"object {claim['object']!r}"]
    words = [m.group(0).lower() for m in rule.words.finditer(claim.get("quote") or "")] if rule.words else []
    if words:
        longest = max(len(w) for w in words)
        strength, why = strength + _WORD, why + [f"word {max(words, key=len)!r}"]
    return strength, why, longest


def classify(claim: dict, rules: list[Rule], main: Rule | None = None) -> tuple[Rule, str] | None:
    """The rule a claim matches best, and the evidence: a predicate or counted thing weighs more
    than a word; the article's *main* rule gets a bonus (unless the claim opens a new topic,
    ``shift``); then the longest word matched; then the lexicon's order.

    >>> rules = rules_from({"event_types": [
    ...     {"type": "Explosions/Remote violence", "sub_type": "Air/drone strike", "words": ["struck"]},
    ...     {"type": "Disasters", "sub_type": "Earthquake", "words": ["earthquake"]}]})
    >>> classify({"quote": "An earthquake struck the town."}, rules)[0].sub_event_type
    'Earthquake'
    >>> classify({"quote": "It rained."}, rules) is None
    True
    """
    best = None
    for order, rule in enumerate(rules):
        strength, why, longest = _evidence(claim, rule)
        if not strength:
            continue
        if rule is main and not claim.get("shift"):
            strength, why = strength + _MAIN, why + ["the article's main type"]
        key = (strength, longest, -order)
        if best is None or key > best[0]:
            best = (key, rule, "; ".join(why))
    return (best[1], best[2]) if best else None


def main_rule(claims: list[dict], rules: list[Rule]) -> Rule | None:
    """The type an article is mostly about: the one most of its claims take, the lead counting
    twice (ties: the lexicon's order)."""
    count: dict[int, int] = {}
    for k, c in enumerate(sorted(claims, key=lambda c: (c.get("char_start") or 0, c["claim_id"]))):
        hit = classify(c, rules)
        if hit is not None:
            i = rules.index(hit[0])
            count[i] = count.get(i, 0) + (2 if k == 0 else 1)
    return rules[min(count, key=lambda i: (-count[i], i))] if count else None


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
    place_name: str | None = None
    place_names: frozenset[str] = frozenset()   # lower-case names the gazetteer does not know
    kinds: frozenset[str] = frozenset()         # the rule's kinds its claims name (cholera, polio)


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


def _where(c: dict, places: dict[str, dict]) -> list[tuple[str | None, str | None, str | None]]:
    """(country, first-level region, place id) of each region a claim names: "a refinery in Samara
    region and a depot in occupied Donetsk" names two, each its own event."""
    named = [p for p in c.get("places_named") or [] if p in places and places[p].get("type") != "country"]
    regions: dict[tuple, str] = {}
    for p in sorted(named, key=lambda p: (places[p].get("geo_precision", 3), p)):
        regions.setdefault((places[p].get("country"), places[p].get("admin1")), p)
    if regions:
        return [(country, admin1, p) for (country, admin1), p in sorted(regions.items(), key=lambda kv: kv[1])]
    if c.get("place_id") in places:
        return [(places[c["place_id"]].get("country"), places[c["place_id"]].get("admin1")
                 if places[c["place_id"]].get("type") != "country" else None, c["place_id"])]
    return [(None, None, None)]


# Where, who did it, and whose things it counts ("100 French jets" is not the prisoner deal).
_DIMS = ("country", "admin1", "side", "thing")


@dataclass
class _Group:
    rule: Rule
    year: str
    dims: dict
    members: list = field(default_factory=list)      # (claim, confidence, evidence)
    last: int = -1

    def fits(self, dims: dict) -> bool:
        return all(self.dims.get(d) is None or dims.get(d) is None or self.dims[d] == dims[d] for d in _DIMS)


def _states(places: dict[str, dict]) -> dict[str, str]:
    return {p["country"]: k for k, p in sorted(places.items()) if p.get("type") == "country"}


def _thing_side(c: dict, demonyms: dict[str, str]) -> str | None:
    """The country of what a figure counts, from a demonym right after the number ("57 Ukrainian
    drones", "100 French Rafale jets").

    >>> _thing_side({"quote": "It bought 100 French jets.", "char_start": 0, "figure_end": 13}, {"French": "FR"})
    'FR'
    """
    if c.get("figure_end") is None:
        return None
    after = (c.get("quote") or "")[c["figure_end"] - (c.get("char_start") or 0):]
    return next((demonyms[w] for w in re.findall(r"[A-Za-z]+", after)[:3] if w in demonyms), None)


def _names(cs: list[dict], lexicon: dict) -> list[str]:
    """Place names the claims give that the gazetteer does not know, in order ("the Sylhet
    region's" -> "Sylhet region")."""
    skip = {w.lower() for w in (lexicon.get("demonyms") or {})}
    names = [re.sub(r"(?:^the\s+|['’]s?$)", "", n) for c in cs for n in c.get("place_names") or []]
    return [n for n in names if n and n.lower() not in skip]


# Words that say what kind of place a name is, not which ("Kasama district" is Kasama).
_PLACE_WORDS = {"district", "region", "province", "county", "city", "state", "town", "village", "municipality",
                "oblast", "governorate", "valley", "hills", "island", "islands", "area", "north", "south", "east",
                "west", "northern", "southern", "eastern", "western", "central", "of", "and", "the"}


def _name_keys(names) -> set[str]:
    """The words that tell places apart in *names*.

    >>> sorted(_name_keys({"kasama district", "northern zambia"}))
    ['kasama', 'zambia']
    """
    return {w for n in names for w in re.findall(r"[a-z]+", n.lower()) if w not in _PLACE_WORDS}


def _article_proposals(source_id: str, claims: list[dict], rules: list[Rule], places: dict[str, dict],
                       published: date | None, lexicon: dict | None = None,
                       actors: dict[str, dict] | None = None, article_names: list[str] | None = None) -> list[Proposal]:
    """One article's proposals. Claims of one type form one event unless they disagree on where
    (country, region) or who did it (the side of the doer); a claim that leaves either open joins
    the nearest such event before it. A claim of no type belongs with the claim before it."""
    lexicon = lexicon or {}
    shifts = [w.lower() for w in lexicon.get("topic_shifts") or []]
    demonyms = lexicon.get("demonyms") or {}
    state_actors = {a["country"]: k for k, a in sorted((actors or {}).items()) if a.get("type") == "state"}
    ordered = sorted(claims, key=lambda c: (c.get("char_start") or 0, c["claim_id"]))
    for c in ordered:
        c["shift"] = any(re.match(rf"{re.escape(w)}\b", (c.get("quote") or "").lower()) for w in shifts)
    main = main_rule(ordered, rules)
    groups: list[_Group] = []
    placed: dict[str, list[_Group]] = {}
    untyped: list[tuple[int, dict]] = []
    for pos, c in enumerate(ordered):
        hit = classify(c, rules, main)
        if hit is None:
            untyped.append((pos, c))
            continue
        rule, why = hit
        year = str(c["date_start"])[:4] if c.get("date_precision") == "year" and c.get("date_start") else ""
        side = c["agents"][0][1] if rule.agent_role and c.get("agents") else None
        thing = _thing_side(c, demonyms)
        for country, admin1, _ in _where(c, places):
            dims = {"country": country, "admin1": admin1, "side": side, "thing": thing if rule.thing_role else None}
            fitting = [g for g in groups if g.rule is rule and g.year == year and g.fits(dims)]
            group = max(fitting, key=lambda g: g.last) if fitting else None
            if group is None:
                group = _Group(rule, year, dict(dims))
                groups.append(group)
            group.dims.update({d: v for d, v in dims.items() if v is not None})
            group.members.append((c, 0.9 if "predicate" in why or "object" in why else 0.7, f"{rule.sub_event_type} by {why}"))
            group.last = pos
            placed.setdefault(c["claim_id"], []).append(group)
    for pos, c in untyped:
        before = [(p, x) for p, x in enumerate(ordered[:pos]) if x["claim_id"] in placed
                  and not any(g.year for g in placed[x["claim_id"]])]
        if c.get("shift"):
            continue
        if before:
            prev = before[-1][1]
            placed[prev["claim_id"]][0].members.append((c, 0.5, f"context: follows {prev['claim_id']}"))
        elif groups:
            first = next((g for g in groups if g.rule is main and not g.year), groups[0])
            first.members.append((c, 0.5, "context: the article's main event"))
    states = _states(places)
    # the places the article names (its dateline's first): where its events are when a group's own
    # claims name none
    everywhere = _names([{"place_names": article_names or []}], lexicon) or _names(ordered, lexicon)
    out = []
    for group in groups:
        cs = [m[0] for m in group.members]
        names = _names(cs, lexicon) + everywhere
        start, end, precision, basis, basis_claim = _date(cs, published)
        found = sorted({c["place_id"] for c in cs if c.get("place_id") in places}
                       | {p for c in cs for p in c.get("places_named") or [] if p in places
                          and (group.dims.get("admin1") is None or places[p].get("admin1") == group.dims["admin1"])},
                       key=lambda p: (places[p].get("geo_precision", 3), p))
        actors: set[tuple[str, str]] = set()
        for c in cs:
            for actor, _country in c.get("agents") or []:
                if actor and group.rule.agent_role:
                    actors.add((actor, group.rule.agent_role))
            state = state_actors.get(_thing_side(c, demonyms))
            if state and group.rule.thing_role:      # "57 Ukrainian drones"
                actors.add((state, group.rule.thing_role))
            if c.get("speaker_actor_id"):
                actors.add((c["speaker_actor_id"], "announcer"))
        place = found[0] if found else None
        if place is None and group.rule.located_by:
            # "its forces intercepted 57 drones": where the defender is
            country = group.dims.get("side") if group.rule.located_by == group.rule.agent_role else None
            place = states.get(country) if country else None
        links = [Link(c["claim_id"], conf, ev) for c, conf, ev in group.members]
        out.append(Proposal("", group.rule.event_type, group.rule.sub_event_type, group.rule.cameo_code, _status(cs),
                            start, end, precision, basis, basis_claim, place,
                            places[place].get("geo_precision") if place else None, sorted(actors), links,
                            [source_id], 1.0, place_name=None if place or not names else max(dict.fromkeys(names), key=names.count),
                            place_names=frozenset(n.lower() for n in names),
                            kinds=frozenset(m.group(0).lower() for c in cs for m in group.rule.kinds.finditer(c.get("quote") or ""))
                            if group.rule.kinds else frozenset()))
    return out


def _same_event_score(a: Proposal, b: Proposal, claims: dict[str, dict], places: dict[str, dict]) -> tuple[float, list[str]]:
    """How strongly two proposals of different articles look like one event, and why."""
    if a.event_type != b.event_type or (a.date_precision == "year") != (b.date_precision == "year"):
        return 0.0, []
    if a.event_type in _MIXED and a.sub_event_type != b.sub_event_type and "Other" not in (a.sub_event_type, b.sub_event_type):
        return 0.0, []
    if a.kinds and b.kinds and not a.kinds & b.kinds:
        return 0.0, [f"kinds apart: {', '.join(sorted(a.kinds))} / {', '.join(sorted(b.kinds))}"]
    score, why = 0.3, [f"type {a.event_type}"]
    if a.sub_event_type == b.sub_event_type:
        score, why = score + 0.1, why + [f"sub-type {a.sub_event_type}"]
    if a.place_id and b.place_id:
        if inside(a.place_id, b.place_id, places) or inside(b.place_id, a.place_id, places):
            score, why = score + 0.2, why + [f"place {a.place_id} ~ {b.place_id}"]
        elif a.event_type not in _PLACE_FREE:
            return 0.0, why + ["places apart"]
    elif a.place_names and b.place_names:
        common = sorted(_name_keys(a.place_names) & _name_keys(b.place_names))
        if common:
            score, why = score + 0.2, why + [f"places named {', '.join(common)}"]
        else:
            # weaker than gazetteer places: the tagger misses names ("the district of Kestane")
            score, why = score - 0.1, why + ["places named apart"]
    if a.date_start and b.date_start:
        gap = max((b.date_start - a.date_end).days, (a.date_start - b.date_end).days)
        precise = all(p.date_basis == "claim" and (p.date_end - p.date_start).days <= _WEEK for p in (a, b))
        if gap <= 0 and precise:
            score, why = score + 0.2, why + ["dates overlap"]
        elif gap > _WEEK:
            # news of one event spans days ("the toll rose to 47 on Friday"), not weeks
            score, why = score - 0.2, why + [f"dates {gap} days apart"]
    shared = {x for x, _ in a.actors} & {x for x, _ in b.actors}
    if shared:
        score, why = score + 0.1, why + [f"shared actors {', '.join(sorted(shared))}"]
    def things(p: Proposal) -> dict[tuple, set]:
        out: dict[tuple, set] = {}
        for link in p.links:
            c = claims[link.claim_id]
            if c.get("claim_kind") == "figure" and c.get("object"):
                out.setdefault((c["object"], c.get("predicate") or ""), set()).add(c.get("value"))
        return out

    ta, tb = things(a), things(b)
    common = sorted(set(ta) & set(tb))
    agree = [k for k in common if ta[k] & tb[k]]
    if agree:
        score, why = score + 0.2, why + [f"figures agree on {', '.join(' '.join(filter(None, k)) for k in agree)}"]
    elif common:
        score, why = score + 0.1, why + [f"figures about {', '.join(' '.join(filter(None, k)) for k in common)}"]
    return round(min(score, 1.0), 2), why


def propose(claims: list[dict], rules: list[Rule], places: dict[str, dict],
            published: dict[str, date | None], lexicon: dict | None = None,
            actors: dict[str, dict] | None = None, names: dict[str, list[str]] | None = None,
            ) -> tuple[list[Proposal], list[tuple[str, str, float, str]]]:
    """Event proposals from *claims* (as the extractor gives them), merged across articles.

    Returns the proposals and the pairs that are possibly the same event: ``(event_id, event_id,
    score, why)``. *published* maps a source id to its publication day; *lexicon* gives topic
    shifts and demonyms, *actors* the state actor of each country, *names* the place names each
    article mentions (:attr:`Extraction.place_names`).
    """
    by_source: dict[str, list[dict]] = {}
    for c in claims:
        if c.get("review_status") != "rejected":
            by_source.setdefault(c["source_id"], []).append(c)
    parts = [p for s in sorted(by_source) for p in _article_proposals(s, by_source[s], rules, places, published.get(s),
                                                                                     lexicon, actors, (names or {}).get(s))]
    index = {c["claim_id"]: c for c in claims}
    scored = {}
    for i, j in combinations(range(len(parts)), 2):
        if parts[i].sources != parts[j].sources:
            scored[(i, j)] = _same_event_score(parts[i], parts[j], index, places)
    # Strongest pairs first; two groups join only when no article would report the event twice
    # and no pair across them is ruled out or counted against (one good pair does not chain
    # unlike reports).
    member: dict[int, int] = {i: i for i in range(len(parts))}
    groups: dict[int, list[int]] = {i: [i] for i in range(len(parts))}
    for (i, j), (score, _) in sorted(scored.items(), key=lambda kv: (-kv[1][0], kv[0])):
        a, b = member[i], member[j]
        if score < MERGE or a == b:
            continue
        if {parts[x].sources[0] for x in groups[a]} & {parts[y].sources[0] for y in groups[b]}:
            continue
        if any(scored[(min(x, y), max(x, y))][0] < _LINKABLE for x in groups[a] for y in groups[b]):
            continue
        for y in groups.pop(b):
            member[y] = a
            groups[a].append(y)
    clusters = {k: sorted(v) for k, v in groups.items()}
    merged, where = [], {}
    for members in clusters.values():
        ps = [parts[i] for i in members]
        first = min(ps, key=lambda p: (published.get(p.sources[0]) or date.max, p.sources[0], p.place_id or "",
                                       sorted(l.claim_id for l in p.links)))
        # the sub-type most of its claims take (first article's on ties)
        sub = max(ps, key=lambda p: (sum(len(q.links) for q in ps if q.sub_event_type == p.sub_event_type), p is first))
        defining = sorted(l.claim_id for l in first.links) + [first.sub_event_type, first.place_id or ""]
        slug = re.sub(r"[^a-z0-9]+", "_", sub.sub_event_type.lower()).strip("_")
        event_id = f"evt_auto_{slug}_{hashlib.sha256('|'.join(defining).encode()).hexdigest()[:10]}"
        best = min((p for p in ps if p.date_basis == "claim"), default=first,
                   key=lambda p: (_PRECISION_RANK[p.date_precision], str(p.date_start)))
        place_p = min((p for p in ps if p.place_id), default=first, key=lambda p: (p.geo_precision or 3, p.place_id))
        pair_scores = [scored[(i, j)] for i, j in combinations(sorted(members), 2) if (i, j) in scored and scored[(i, j)][0] >= MERGE]
        why = sorted({w for _, ws in pair_scores for w in ws})
        confidence = min((s for s, _ in pair_scores), default=1.0)
        links = [Link(l.claim_id, round(l.confidence * confidence, 2), l.evidence + ("; same event: " + ", ".join(why) if why else ""))
                 for p in ps for l in p.links]
        merged.append(Proposal(event_id, sub.event_type, sub.sub_event_type, sub.cameo_code,
                               max((p.status for p in ps), key=["planned", "announced", "occurred"].index),
                               best.date_start, best.date_end, best.date_precision, best.date_basis,
                               best.date_basis_claim_id, place_p.place_id, place_p.geo_precision,
                               sorted({a for p in ps for a in p.actors}), sorted(links, key=lambda l: l.claim_id),
                               sorted({s for p in ps for s in p.sources}), confidence, why,
                               None if place_p.place_id else next((p.place_name for p in ps if p.place_name), None),
                               frozenset().union(*(p.place_names for p in ps)), frozenset().union(*(p.kinds for p in ps))))
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
    return propose(claims, rules, g.places, {s.source_id: s.anchor for s in repo.seeds}, g.lexicon, g.actors,
                   {x.source_id: x.place_names for x in extractions})
