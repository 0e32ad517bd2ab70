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
from dataclasses import dataclass, field

from newsclaims.pipeline.gazetteer import Gazetteer
from newsclaims.pipeline.extract.nlp import Mention
from newsclaims.pipeline.extract.syntax import speaker

ADVERBS = r"(?:also|again|later|previously|earlier|has|have|had|successfully|recently|publicly|repeatedly|then|further|once|already|separately|had\s+also|has\s+also|on\s+\w+day|in\s+a\s+statement)"
_GAP = re.compile(rf"(?:,\s*[^,;]{{1,90}}?,)?\s*(?:who\s+)?(?:{ADVERBS}\s+)*", re.IGNORECASE)
_PRONOUN = re.compile(rf"\b(he|she)\s+(?:{ADVERBS}\s+)*$", re.IGNORECASE)
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


UNATTRIBUTED = Attribution(None, None, None, None, "unattributed")


@dataclass
class Context:
    """What earlier sentences of the article tell about speakers."""

    last_person: str | None = None
    ambiguous_person: bool = False
    previous: Attribution | None = None
    extracted: dict[str, dict] = field(default_factory=dict)


def slug(text: str) -> str:
    """``act_``-style slug of a name.

    >>> slug("the Regional Governor's office")
    'regional_governor_s_office'
    """
    s = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return re.sub(r"^the_", "", s)


def _new_actor(name: str) -> dict:
    low = name.lower()
    kind = "unknown"
    for words, k in (("ministry", "government_body"), ("officials authorities", "unnamed_officials"),
                     ("reports media", "unnamed_reports"),
                     ("forces military army navy command brigade staff unit", "military"),
                     ("agency service council administration office police prosecutors", "government_body")):
        if any(re.search(rf"\b{w}\b", low) for w in words.split()):
            kind = k
            break
    if kind == "unknown" and re.match(_TITLES, name):
        kind = "person"
    clean = re.sub(r"^(?:the)\s+", "", name.strip(), flags=re.IGNORECASE)
    return {"id": f"act_{slug(clean)}", "name": clean, "type": kind}


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
    r"predict\w*|argu\w*|urg(?:e|es|ed)|blam\w*|call(?:s|ed)|put|f(?:ound|inds))\b", re.IGNORECASE)


def _by_syntax(text: str, parse) -> Attribution | None:
    """The subject of the sentence's reporting verb, from the trained parser (names the
    gazetteer has never seen)."""
    found = speaker(parse())
    if found is None:
        return None
    start, end, cue, label = found
    name = text[start:end]
    new = _new_actor(name)
    if label == "PERSON":
        new["type"] = "person"
    elif label == "ORG" and new["type"] == "unknown":
        new["type"] = "organization"
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
            att = Attribution(prev.actor_id, None, None, prev.cue, prev.type if prev.type != "direct_quote" else "indirect")
        else:
            att = UNATTRIBUTED
    if att.new_actor:
        ctx.extracted.setdefault(att.new_actor["id"], att.new_actor)
    people = {a.label for a in actors if _person(g, a.label, ctx)}
    if att.actor_id and _person(g, att.actor_id, ctx):
        ctx.last_person, ctx.ambiguous_person = att.actor_id, False
    elif people:
        ctx.last_person, ctx.ambiguous_person = sorted(people)[0], len(people) > 1
    ctx.previous = att
    return att
