"""Who says so: speaker, cue and attribution type of a sentence.

Rules over the phrase matches of :mod:`.nlp` (written by hand because attribution needs the
order of speaker, cue and quote, which spaCy's blank pipeline has no component for):

* ``<speaker> [adverbs] <cue>``, with an optional appositive (``Rustem Umerov, Secretary of ...,
  who revealed``); ``<cue> <speaker>`` after a quote or comma (``..., said Zelensky``);
* ``according to <speaker>``; ``statements from <speaker>``;
* ``he``/``she`` resolved to the last person who spoke, when that is unambiguous;
* a sentence with figures but no attribution inherits the previous sentence's speaker in the same
  paragraph (news prose reports a speaker's figures over several sentences), unless it opens with
  a topic shift ("Meanwhile", "Separately"...).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from newsclaims.pipeline.gazetteer import Gazetteer
from newsclaims.pipeline.extract.nlp import Mention
from newsclaims.pipeline.extract.syntax import cited, companions, reported_by, speaker

ADVERBS = r"(?:also|again|later|previously|earlier|has|have|had|successfully|recently|publicly|repeatedly|then|further|once|already|separately|had\s+also|has\s+also|on\s+\w+day|in\s+a\s+statement)"
_GAP = re.compile(rf"(?:,\s*[^,;]{{1,90}}?,)?\s*(?:who\s+)?(?:{ADVERBS}\s+)*", re.IGNORECASE)
_PRONOUN = re.compile(rf"\b(he|she|it)\s+(?:{ADVERBS}\s+)*(?:[a-z]+ed\s+and\s+)?$", re.IGNORECASE)
_TITLES = (r"(?:President|Vice President|Prime Minister|Foreign Minister|Defen[cs]e Minister|Minister|Governor|Mayor|"
           r"General|Gen\.|Colonel|Col\.|Lt\.|Commander|Spokesman|Spokeswoman|Spokesperson|Senator|Sen\.|Rep\.|"
           r"Ambassador|Envoy|Secretary|Chief|Head|Mr\.|Ms\.|Mrs\.|Dr\.)")
_NAMED = re.compile(rf"((?:{_TITLES}\s+)?(?:[A-Z][a-z]+(?:[-'][A-Za-z]+)?\s+){{1,3}})(?:{ADVERBS}\s+)*$")
_GENERIC = re.compile(
    rf"\b((?:the\s+)?(?:[A-Z][\w'-]*\s+|[a-z]+\s+){{0,3}}(?:ministry|military|army|navy|officials|authorities|police|"
    rf"governor|mayor|spokes(?:man|woman|person)|administration|agency|service|council|office|command|general staff|"
    rf"forces|prosecutors|operator|company|monitors|observers|analysts|experts|residents|witnesses))\s+(?:{ADVERBS}\s+)*$",
    re.IGNORECASE)
_NOT_NAMES = {"the", "this", "that", "these", "those", "it", "in", "on", "at", "as", "but", "and", "meanwhile",
              "separately", "however", "kyiv", "moscow", "after", "before", "when", "while", "a", "an", "his", "her"}
_ACCORDING = re.compile(r"\baccording\s+to\s+(?:the\s+)?([^,.;:!?\"]+)", re.IGNORECASE)
_STATEMENTS_FROM = re.compile(r"\b(?:statements?|remarks|comments)\s+(?:from|by)\s+$", re.IGNORECASE)
_QUOTE = re.compile(r'"[^"]*\w+\W+\w+\W+\w+[^"]*"')


@dataclass(frozen=True)
class Attribution:
    actor_id: str | None
    speaker_text: str | None      # verbatim, or None when inherited from the previous sentence
    speaker_start: int | None     # sentence-relative offsets of speaker_text
    cue: str | None
    type: str                     # direct_quote / indirect / according_to / unattributed
    new_actor: dict | None = None  # an actor the gazetteer does not know yet
    carried: str | None = None    # previous_sentence / closing_quotation: the speaker is named there


UNATTRIBUTED = Attribution(None, None, None, None, "unattributed")


@dataclass(frozen=True)
class Voice:
    """One of the speakers of a sentence (offsets sentence-relative; None when carried over)."""

    actor_id: str | None
    start: int | None
    end: int | None
    role: str                     # speaker (an origin of the claim) / relay (passes it on)


@dataclass
class Context:
    """What earlier sentences of the article tell about speakers."""

    last_person: str | None = None
    last_org: str | None = None             # the last organisation that spoke, for "it said"
    ambiguous_person: bool = False
    previous: Attribution | None = None
    extracted: dict[str, dict] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)      # name_key of gazetteer names and aliases -> actor id
    people: dict[str, str] = field(default_factory=dict)    # name_key of persons this article named -> actor id
    titled: dict[str, dict | None] = field(default_factory=dict)  # title -> the one person holding it here (None: several)
    orgs: list[dict] = field(default_factory=list)          # organisations the article named, in order
    named_persons: dict[str, dict] = field(default_factory=dict)  # persons named by entity, registered when they speak


def slug(text: str) -> str:
    """``act_``-style slug of a name.

    >>> slug("the Regional Governor's office")
    'regional_governor_s_office'
    """
    s = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return re.sub(r"^the_", "", s)


def name_key(name: str, person: bool = True) -> str:
    """What spellings of one name share: no accents, titles (for a person), possessive or
    punctuation, and the word endings transliterations disagree on ("-iy", "-yy", "-ii" -> "-y").

    >>> {name_key(n) for n in ("Zelensky", "Zelenskyy", "Zelenskiy", "President Zelenskyy's")}
    {'zelensky'}
    >>> name_key("Dr. Leyla Sancar"), name_key("General Staff", person=False)
    ('leyla sancar', 'general staff')
    """
    text = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    text = re.sub(r"['’]s?$", "", text.strip())
    text = re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)
    if person:
        text = re.sub(rf"^(?:{_TITLES}\s+)+(?=[A-Z])", "", text)
    words = re.findall(r"[a-z0-9]+", text.lower())
    return " ".join(re.sub(r"(?:iy|yy|ii|ij)$", "y", w) if len(w) > 4 else w for w in words)


def _new_actor(name: str, label: str = "") -> dict:
    """An actor the gazetteer does not know, typed from its words or the entity label; its id is
    formed from :func:`name_key`, so every spelling of a name gets the same id in every article."""
    low = name.lower()
    kind = "unknown"
    for words, k in (("ministry", "government_body"), ("officials authorities", "unnamed_officials"),
                     ("reports media", "unnamed_reports"),
                     ("forces military army navy command brigade staff unit", "military"),
                     ("agency service council administration office police prosecutors", "government_body")):
        if any(re.search(rf"\b{w}\b", low) for w in words.split()):
            kind = k
            break
    if label == "NORP":
        kind = "demonym"        # "the Ukrainian said": who is meant is a person named elsewhere, never "Ukrainian"
    elif kind == "unknown" and re.match(_TITLES, name) or label == "PERSON":
        kind = "person"
    elif label == "ORG" and kind == "unknown":
        kind = "organization"
    clean = re.sub(r"^(?:the)\s+", "", name.strip(), flags=re.IGNORECASE)
    clean = re.sub(r"['’]s$", "", clean)
    return {"id": f"act_{slug(name_key(clean, kind == 'person')) or slug(clean)}", "name": clean, "type": kind}


_ROLE_TITLES = ("prime minister", "foreign minister", "defence minister", "defense minister", "finance minister",
                "health minister", "interior minister", "minister", "president", "vice president", "chancellor",
                "premier", "governor", "mayor", "general", "commander", "spokesman", "spokeswoman", "spokesperson",
                "secretary", "ambassador", "envoy", "senator", "chief executive", "chairman", "chairwoman", "chair",
                "coach", "headmaster", "headteacher", "director", "police chief", "fire chief")
_TITLE_RE = "|".join(sorted((re.escape(t) for t in _ROLE_TITLES), key=len, reverse=True))


def title_of(text: str) -> str | None:
    """The office a phrase names, when it is only an office ("the Ukrainian president", "the
    prime minister", "Health Minister"), lower case.

    >>> title_of("The Ukrainian president"), title_of("prime minister"), title_of("the city's mayor")
    ('president', 'prime minister', 'mayor')
    >>> title_of("Pavel Dorn") is None
    True
    """
    m = re.fullmatch(rf"(?:the\s+)?(?:[\w.'’-]+\s+){{0,2}}?({_TITLE_RE})", text.strip(), re.IGNORECASE)
    return m.group(1).lower() if m else None


def note_names(text: str, doc, g: Gazetteer, ctx: Context, actors: list[Mention]) -> None:
    """Remember the names a sentence gives, for later references: who holds which office
    ("Prime Minister Leah Costa", or a gazetteer person's title; several holders make it
    ambiguous), the organisations named (for "the company said") and the person named in full
    (for "she said")."""
    found: list[tuple[str, dict]] = []
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        m = re.search(rf"\b({_TITLE_RE})\s+$", text[:ent.start_char], re.IGNORECASE)
        if m:
            found.append((m.group(1).lower(), _new_actor(ent.text, "PERSON")))
    for a in actors:
        actor = g.actors.get(a.label)
        if actor and actor["type"] == "person" and actor.get("title"):
            office = re.match(rf"({_TITLE_RE})\b", actor["title"], re.IGNORECASE)
            if office:
                found.append((office.group(1).lower(), {"id": actor["id"], "name": actor["name"], "type": "person",
                                                        "known": True}))
    for office, person in found:
        held = ctx.titled.get(office, person)
        ctx.titled[office] = person if held is not None and held["id"] == person["id"] else None
    for a in actors:
        actor = g.actors.get(a.label)
        if actor and actor["type"] != "person":
            ctx.orgs.append({"id": actor["id"], "name": actor["name"], "type": actor["type"], "known": True})
    for ent in doc.ents:
        if ent.label_ == "ORG" and re.search(r"[A-Z]", ent.text):
            ctx.orgs.append(_new_actor(ent.text, "ORG"))
    # a person named in full ("City mayor Joan Pike was at the ground") is who a later "she" means
    persons = {}
    for ent in doc.ents:
        if ent.label_ == "PERSON" and len(ent) > 1 and not any(a.start <= ent.start_char < a.end for a in actors):
            person = _new_actor(ent.text, "PERSON")
            key = name_key(person["name"])
            persons[ctx.keys.get(key) or ctx.people.get(key) or person["id"]] = person
    if len(persons) == 1:
        (pid, person), = persons.items()
        ctx.named_persons.setdefault(pid, person)
        ctx.last_person, ctx.ambiguous_person = pid, False
    elif len(persons) > 1:
        ctx.last_person, ctx.ambiguous_person = sorted(persons)[0], True


# "the company said", "the agency said": the organisation of that kind the article named last
_REFERENTIAL = {"company", "firm", "group", "bank", "agency", "ministry", "trust", "council", "service", "commission",
                "office", "operator", "airline", "charity", "union", "board", "court", "authority", "department",
                "hospital", "university", "league", "organisation", "organization", "carrier", "insurer", "lender",
                "retailer", "manufacturer", "regulator", "utility", "broadcaster", "newspaper", "channel", "network"}
_ANY_ORG = {"company", "firm", "group", "carrier", "insurer", "lender", "retailer", "manufacturer", "airline",
            "operator", "utility", "broadcaster"}


def _referent(name: str, ctx: Context) -> dict | None:
    """The organisation a definite description refers to ("the company" after "Solvane
    Semiconductor"; "the trust" after "the hospital trust"), when the article named one."""
    m = re.fullmatch(r"(?:[a-z-]+\s+){0,2}([a-z]+)", name.strip())
    if not m or m.group(1) not in _REFERENTIAL:
        return None
    noun = m.group(1)
    for org in reversed(ctx.orgs):
        if org["name"].lower() != name.lower() and (re.search(rf"\b{noun}\b", org["name"].lower()) or noun in _ANY_ORG):
            return org
    return None


def _adopt(ctx: Context, actor: dict) -> str:
    """Record an actor the article met (one the gazetteer knows, marked ``known``, needs no row)."""
    if not actor.get("known"):
        ctx.extracted.setdefault(actor["id"], {k: v for k, v in actor.items() if k != "known"})
    return actor["id"]


_KEYS: dict[str, dict[str, str]] = {}


def _gazetteer_keys(g: Gazetteer) -> dict[str, str]:
    """name_key of every gazetteer name and alias -> actor id (computed once per gazetteer)."""
    if g.digest not in _KEYS:
        keys: dict[str, str] = {}
        for a in g.actors.values():
            person = a["type"] == "person"
            for n in [a["name"], *a.get("aliases", [])]:
                keys.setdefault(name_key(n, person), a["id"])
        _KEYS[g.digest] = keys
    return _KEYS[g.digest]


def _resolve(new: dict, g: Gazetteer | None, ctx: Context) -> str | None:
    """The id of an actor met under a name the gazetteer rules did not match: the gazetteer's
    entry when a spelling variant of its name or an alias matches; a person the article already
    named in full when only the surname is given ("Osei" after "Amara Osei"), if exactly one
    matches; a demonym the last person named, if unambiguous, else nobody; else the new actor's
    own id."""
    if g is not None and not ctx.keys:
        ctx.keys.update(_gazetteer_keys(g))
    if new["type"] == "demonym":
        return ctx.last_person if not ctx.ambiguous_person else None
    voice = re.fullmatch(r"(?:[\w-]+\s+)?(?:spokes(?:person|man|woman)|representative|statement|official|figures|data|"
                         r"estimates?|reports?|count|tally)\s+(?:for|at|from|of|with|by)\s+(?:the\s+)?(.+)",
                         new["name"], re.IGNORECASE)
    if voice:
        # the organisation speaks through its spokesperson: the actor is the organisation
        body = _new_actor(voice.group(1), "ORG")
        resolved = _resolve(body, g, ctx)
        return _adopt(ctx, body) if resolved == body["id"] else resolved
    org = _referent(new["name"], ctx)
    if org is not None:
        return _adopt(ctx, org)
    office = title_of(new["name"])
    if office and ctx.titled.get(office):
        return _adopt(ctx, ctx.titled[office])      # "the Ukrainian president said": the one the article named
    key = name_key(new["name"], new["type"] == "person")
    if key in ctx.keys:
        return ctx.keys[key]
    if new["type"] in ("person", "unknown", "organization") and len(key.split()) == 1:
        same = {i for k, i in ctx.people.items() if k.split()[-1] == key}
        if len(same) == 1:
            return same.pop()
    if new["type"] == "person":
        ctx.people.setdefault(key, new["id"])
    return new["id"]


def _person(g: Gazetteer, actor_id: str | None, ctx: Context) -> bool:
    if actor_id in g.actors:
        return g.actors[actor_id]["type"] == "person"
    return ctx.extracted.get(actor_id, {}).get("type") == "person"


def _by_verb(text: str, actors: list[Mention], cues: list[Mention], g: Gazetteer, ctx: Context) -> Attribution | None:
    for cue in cues:
        before = text[:cue.start]
        for a in reversed([a for a in actors if a.end <= cue.start]):
            if re.search(r"\bof\s+$", text[:a.start]) or not _GAP.fullmatch(text[a.end:cue.start]):
                continue
            return Attribution(a.label, text[a.start:a.end], a.start, cue.label, "indirect")
        m = _PRONOUN.search(before)
        if m:
            if m.group(1).lower() == "it":     # "it said": the organisation that spoke last
                who = ctx.last_org
            else:
                who = ctx.last_person if not ctx.ambiguous_person else None
            return Attribution(who, m.group(1), m.start(1), cue.label, "indirect")
        if re.search(r'[,"]\s*$', before):
            after = text[cue.end:]
            nxt = next((a for a in actors if a.start >= cue.end and re.fullmatch(r"\s*(?:the\s+)?", text[cue.end:a.start])), None)
            if nxt:
                return Attribution(nxt.label, text[nxt.start:nxt.end], nxt.start, cue.label, "indirect")
            m2 = re.match(r"\s+((?:the\s+)?[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){0,3})", after)
            if m2 and m2.group(1).split()[0].lower() not in _NOT_NAMES:
                new = _new_actor(m2.group(1))
                return Attribution(new["id"], m2.group(1), cue.end + m2.start(1), cue.label, "indirect", new)
        for pattern in (_GENERIC, _NAMED):
            m = pattern.search(before)
            if m and m.group(1).split()[0].lower().strip(",") not in _NOT_NAMES - {"the"}:
                name = m.group(1).strip()
                if pattern is _NAMED and name.split()[0].lower() in _NOT_NAMES:
                    continue
                new = _new_actor(name)
                return Attribution(new["id"], name, m.start(1), cue.label, "indirect", new)
    return None


def _by_phrase(text: str, actors: list[Mention]) -> Attribution | None:
    for a in actors:
        if _STATEMENTS_FROM.search(text[:a.start]):
            return Attribution(a.label, text[a.start:a.end], a.start, "state", "according_to")
    m = _ACCORDING.search(text)
    if not m:
        return None
    inside = [a for a in actors if m.start(1) <= a.start < m.end(1)]
    if inside:
        a = inside[0]
        return Attribution(a.label, text[a.start:a.end], a.start, "according to", "according_to")
    phrase = m.group(1).strip()
    new = _new_actor(phrase)
    return Attribution(new["id"], phrase, m.start(1), "according to", "according_to", new)


_SPEECH_WORD = re.compile(
    r"\b(?:sa(?:y|ys|id)|t(?:ell|ells|old)|announc\w*|confirm\w*|stat(?:ed|es)|claim\w*|report\w*|reveal\w*|"
    r"indicat\w*|emphasi[sz]\w*|stress\w*|reiterat\w*|express\w*|not(?:ed|es)|add(?:ed|s)|warn\w*|wr(?:ote|ites)|"
    r"post(?:ed|s)|tweet\w*|insist\w*|den(?:y|ies|ied)|alleg\w*|estimat\w*|acknowledg\w*|explain\w*|declar\w*|"
    r"accus\w*|describ\w*|suggest\w*|expect\w*|forecast\w*|lament\w*|show(?:s|ed|n)?|welcom\w*|conced\w*|"
    r"predict\w*|argu\w*|urg(?:e|es|ed)|blam\w*|call(?:s|ed)|put|f(?:ound|inds)|ask(?:s|ed|ing)?|quoted|record(?:s|ed))\b",
    re.IGNORECASE)


def _by_syntax(text: str, parse) -> Attribution | None:
    """The subject of the sentence's reporting verb, from the trained parser (names the
    gazetteer has never seen)."""
    found = speaker(parse())
    if found is None:
        return None
    start, end, cue, label = found
    name = text[start:end]
    new = _new_actor(name, label)
    return Attribution(new["id"], name, start, cue, "indirect", new)


def attribute(text: str, mentions: dict[str, list[Mention]], g: Gazetteer, ctx: Context,
              first_in_paragraph: bool, has_figures: bool, parse=None) -> Attribution:
    """The attribution of one sentence (*text* with straight quotes; mentions sentence-relative).

    The rules over gazetteer matches come first; where they find no speaker, or only a name the
    gazetteer does not know, the subject of the reporting verb in *parse* (the sentence's
    dependency parse, when given) decides. Updates *ctx* (last person, previous attribution,
    actors met for the first time).
    """
    actors = mentions.get("actor", [])
    att = _by_verb(text, actors, mentions.get("cue", []), g, ctx) or _by_phrase(text, actors)
    if parse is not None and (att is None or att.new_actor is not None and att.type == "indirect") \
            and _SPEECH_WORD.search(text):
        att = _by_syntax(text, parse) or att
    if att and att.type == "indirect" and _QUOTE.search(text):
        att = Attribution(att.actor_id, att.speaker_text, att.speaker_start, att.cue, "direct_quote", att.new_actor)
    shift = any(m.start == 0 for m in mentions.get("shift", []))
    if att is None:
        prev = ctx.previous
        if has_figures and prev and prev.actor_id and not first_in_paragraph and not shift \
                and prev.speaker_text is not None:
            att = Attribution(prev.actor_id, None, None, prev.cue, prev.type if prev.type != "direct_quote" else "indirect",
                              carried="previous_sentence")
        else:
            att = UNATTRIBUTED
    if att.new_actor and parse is not None and att.speaker_start is not None and att.new_actor["type"] == "unknown":
        s, e = att.speaker_start, att.speaker_start + len(att.speaker_text)
        # the small model labels "the Ukrainian" NORP or GPE; a one-word nationality is the tell
        if any(ent.label_ in ("NORP", "GPE") and ent.start_char <= s + 4 and ent.end_char == e and len(ent) == 1
               and re.search(r"(?:ian|ean|ese|ish|i|an|ic)$", ent.text) for ent in parse().ents):
            att = replace(att, new_actor={**att.new_actor, "type": "demonym"})
    if att.new_actor:
        resolved = _resolve(att.new_actor, g, ctx)
        if resolved != att.new_actor["id"]:
            att = replace(att, actor_id=resolved, new_actor=None)
        else:
            _adopt(ctx, att.new_actor)
    if att.actor_id in ctx.named_persons and att.actor_id not in g.actors:
        _adopt(ctx, ctx.named_persons[att.actor_id])
    if att.actor_id and att.speaker_text and not _person(g, att.actor_id, ctx) \
            and att.speaker_text.lower() != "it":
        ctx.last_org = att.actor_id
    people = {a.label for a in actors if _person(g, a.label, ctx)}
    for a in actors:        # persons the gazetteer knows, for surnames given alone later
        if a.label in g.actors and g.actors[a.label]["type"] == "person":
            ctx.people.setdefault(name_key(g.actors[a.label]["name"]), a.label)
    if att.actor_id and _person(g, att.actor_id, ctx):
        ctx.last_person, ctx.ambiguous_person = att.actor_id, False
    elif people:
        ctx.last_person, ctx.ambiguous_person = sorted(people)[0], len(people) > 1
    ctx.previous = att
    return att


def _actor_at(text: str, start: int, end: int, label: str, actors: list[Mention], ctx: Context) -> str | None:
    """The actor named at [start, end): the gazetteer's when it knows the name, else a new one."""
    known = next((a for a in actors if a.start < end and start < a.end), None)
    if known is not None:
        return known.label
    new = _new_actor(text[start:end], label)
    resolved = _resolve(new, None, ctx)
    return _adopt(ctx, new) if resolved == new["id"] else resolved


def voices(text: str, att: Attribution, mentions: dict[str, list[Mention]], ctx: Context,
           parse=None) -> tuple[Attribution, list[Voice]]:
    """Every speaker of the sentence, the claim's own first, then the others in text order.

    "according to X and Y" gives two speakers; "A reported, citing B" and "reported by A,
    according to B" separate the origin (A cites B: B; B cites A's report: A) from the relay that
    passes the claim on. The returned attribution names the origin.
    """
    if att.actor_id is None and att.speaker_text is None:
        return att, []
    if parse is None or att.speaker_start is None:
        return att, [Voice(att.actor_id, None, None, "speaker")]
    actors = mentions.get("actor", [])
    doc = parse()
    s, e = att.speaker_start, att.speaker_start + len(att.speaker_text)
    if att.type == "according_to" and att.new_actor is not None:
        # "according to the mayor, Anna Berg,": the name in apposition is the speaker
        named = next((ent for ent in doc.ents if ent.label_ == "PERSON" and re.fullmatch(r",\s*", text[e:ent.start_char])),
                     None)
        if named is not None:
            a, b = named.start_char, named.end_char
            att = Attribution(_actor_at(text, a, b, "PERSON", actors, ctx), text[a:b], a, att.cue, att.type)
            s, e = a, b
    first = Voice(att.actor_id, s, e, "speaker")
    others = [Voice(_actor_at(text, a, b, label, actors, ctx), a, b, "speaker")
              for a, b, label in companions(doc, s, e) if text[a:b].strip()]
    origin = cited(doc) or (reported_by(doc) if att.type == "according_to" else None)
    if origin is not None and not (origin[0] < e and s < origin[1]) \
            and not any(origin[0] < v.end and v.start < origin[1] for v in others):
        a, b, label = origin
        actor = _actor_at(text, a, b, label, actors, ctx)
        att = Attribution(actor, text[a:b], a, att.cue, att.type)
        return att, [Voice(actor, a, b, "speaker"), *sorted([Voice(first.actor_id, s, e, "relay"), *others],
                                                            key=lambda v: v.start)]
    return att, [first, *others, *_passed_on(text, att, [first, *others], actors)]


def _passed_on(text: str, att: Attribution, found: list[Voice], actors: list[Mention]) -> list[Voice]:
    """A closing "according to X" of a sentence whose speaker is named otherwise ("Umerov
    emphasized that ..., according to official statements"): X passes the claim on."""
    if att.type == "according_to":
        return []
    m = _ACCORDING.search(text)
    if m is None or any(v.start is not None and v.start < m.end(1) and m.start(1) < v.end for v in found):
        return []
    inside = [a for a in actors if m.start(1) <= a.start < m.end(1)]
    if not inside:
        return []
    a = inside[0]
    return [Voice(a.label, a.start, a.end, "relay")]
