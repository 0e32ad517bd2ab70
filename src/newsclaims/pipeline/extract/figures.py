"""Figures as atomic claims: value, bounds, qualifier, unit, object and predicate of each number
that counts something. Numbers that are names ("Su-34", "28-point"), dates, years, times,
ordinals, durations and ages are not figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from newsclaims.pipeline.gazetteer import Gazetteer
from newsclaims.pipeline.extract.dates import DateExpr
from newsclaims.pipeline.extract.nlp import Mention
from newsclaims.pipeline.extract.numbers import find_numbers
from newsclaims.pipeline.extract.syntax import counted_thing

WEAPONS = {"drones", "missiles", "rockets", "bombs", "shells"}
_WEAK_LAUNCH = {"used", "deployed", "included", "involved", "attacked with"}
# Up to three modifiers between a number and what it counts ("100 French Rafale fighter jets").
_FILLER = re.compile(r"(?:\s+(?:[A-Z][\w'/-]*|[a-z][a-z-]*)){0,3}\s+$")
_CASUALTY = re.compile(r"\s+(?:were\s+|have\s+been\s+|had\s+been\s+)?(?:killed|injured|wounded|dead|hurt)\b")
_ELLIPSIS_BEFORE = re.compile(r"(?:including|of\s+which|of\s+them|and|,)\s*$")
_ELLIPSIS_AFTER = re.compile(r"\s+(?:over|in|near|above|across|from|on)\b")
_STOP_AFTER = {"and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "from", "were", "was", "are", "is",
               "have", "has", "had", "that", "which", "who", "the", "a", "an", "as", "than", "per", "percent"}
# "the two sides", "the three leaders": who is meant, not a count
_SMALL_WORDS = {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "both"}
# "for nine hours", "the first three months", "within 18 weeks": durations are not facts counted
_DURATION = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)"
_RANGE = re.compile(r"^\s*(?:-|–|—|to|and)\s*$")


@dataclass(frozen=True)
class Figure:
    start: int
    end: int
    text: str
    value: float
    low: float | None
    high: float | None
    qualifier: str
    unit: str
    object: str | None
    predicate: str | None


def _bounds(qualifier: str, value: float) -> tuple[float | None, float | None]:
    return {"exact": (value, value), "at_least": (value, None), "up_to": (None, value),
            "more_than": (None, None), "less_than": (None, None), "approximately": (None, None)}[qualifier]


def _object(text: str, end: int, objects: list[Mention], noncount: list[Mention]) -> str | None:
    """The counted thing: a lexicon object within a few modifier words after the number."""
    for o in objects:
        if o.start < end:
            continue
        gap = text[end:o.start]
        if o.start == end or (_FILLER.fullmatch(gap) and not (set(gap.lower().split()) & _STOP_AFTER)):
            return o.label
        break
    if any(0 <= n.start - end <= 1 for n in noncount):
        return None
    m = re.match(r"\s+((?:[A-Z][\w'-]*\s+){0,2})([a-z][a-z-]{2,}s)\b", text[end:])
    if m and m.group(2) not in _STOP_AFTER and not m.group(2).endswith("ss"):
        return m.group(2)
    return None


def _predicate(text: str, fig_start: int, fig_end: int, obj: str | None, predicates: list[Mention]) -> str | None:
    best, best_cost = None, None
    for p in predicates:
        if p.start < fig_end and p.end > fig_start:
            continue
        word = text[p.start:p.end].lower()
        if p.label == "launched" and word in _WEAK_LAUNCH and obj not in WEAPONS:
            continue
        between = text[p.end:fig_start] if p.end <= fig_start else text[fig_end:p.start]
        cost = len(between) + 60 * len(re.findall(r"[;:]|\s[-–—]\s|,\s+(?:while|but|whereas)\b", between))
        if p.start >= fig_end:
            cost += 2          # a verb before the figure is a little more likely to govern it
        if best_cost is None or cost < best_cost:
            best, best_cost = p.label, cost
    return best


def _head_noun(text: str, span: tuple[int, int] | None) -> str | None:
    """The last word of a counted-thing span, lower case ("apartment blocks" -> "blocks")."""
    if span is None:
        return None
    words = re.findall(r"[\w'-]+", text[span[0]:span[1]])
    return words[-1].lower() if words else None


def find_figures(text: str, mentions: dict[str, list[Mention]], dates: list[DateExpr], g: Gazetteer,
                 parse: Callable[[], object] | None = None) -> list[Figure]:
    """Every figure in one sentence (*text* with straight quotes), sentence-relative offsets.

    *parse* gives the sentence's dependency parse (see :mod:`.syntax`), asked for only when the
    lexicon does not say what a number counts: the noun the parse finds then names it."""
    numbers = [n for n in find_numbers(text) if not any(d.start <= n.start < d.end for d in dates)]
    objects, noncount = mentions.get("object", []), mentions.get("noncount", [])
    quals = mentions.get("qualifier", [])
    currencies = g.lexicon["currencies"]
    out: list[Figure] = []
    skip_next = False
    for i, n in enumerate(numbers):
        if skip_next:
            skip_next = False
            continue
        before, after = text[:n.start], text[n.end:]
        if re.search(r"[A-Za-z]-$|(?:No\.|#|Article|Resolution|Flight|Highway|route|Route|number|magnitude)\s*$", before) \
                or re.search(r"\bthe\s+$", before) and n.text.lower() in _SMALL_WORDS \
                or re.match(r"-[A-Za-z]|(?:st|nd|rd|th)\b|:\d|\s*(?:a\.m\.|p\.m\.|(?:am|pm|GMT|UTC)\b)|\s*-year-old", after) \
                or re.match(rf"\s+(?:[a-z]+\s+)?{_DURATION}\b", after) \
                or re.match(r"\s+of\b|\s+another\b|\s+day\b", after) and not n.is_digits \
                or n.text.lower() in ("no", "a"):
            continue
        start, end, value = n.start, n.end, n.value
        qualifier, low, high = "exact", None, None
        nxt = numbers[i + 1] if i + 1 < len(numbers) else None
        if nxt and _RANGE.match(text[n.end:nxt.start]) and (re.search(r"between\s+$", before) or "and" not in text[n.end:nxt.start]):
            if nxt.value > value:
                end, low, high, value, qualifier = nxt.end, value, nxt.value, (value + nxt.value) / 2, "range"
                skip_next = True
                after = text[end:]
        if qualifier != "range":
            q = next((q for q in quals if 0 <= n.start - q.end <= 1), None)
            if q:
                qualifier = q.label
            low, high = _bounds(qualifier, value)
        unit, obj = "count", None
        if re.match(r"\s*(?:%|percent\b|per\s+cent\b)", after):
            unit = "percent"
            m = re.match(r"\s*(?:%|percent|per\s+cent)\s+of\s+(?:the\s+|its\s+|their\s+)?((?:[\w'-]+\s?){1,3})", after)
            obj = m.group(1).strip().lower() if m else None
        else:
            cur = next((c for sign, c in currencies.items() if before.endswith(sign) or
                        re.match(rf"\s+{re.escape(sign)}\b", after)), None)
            if cur:
                unit, obj = "money", cur
            else:
                obj = _object(text, end, objects, noncount)
        inherited = None
        if obj is None and unit == "count":
            if _CASUALTY.match(after):
                obj = "people"
            elif out and (_ELLIPSIS_BEFORE.search(before) or _ELLIPSIS_AFTER.match(after)):
                inherited = out[-1]          # "57 drones, including 23 over Samara": same object
                obj = inherited.object
        if obj is None and unit == "count" and parse is not None:
            obj = _head_noun(text, counted_thing(parse(), start, end, unit))
        if obj is None and unit == "count":
            continue
        if n.text.lower() == "one" and unit == "count" and not any(o.start >= end and o.start - end <= 30 and o.label == obj for o in objects):
            continue
        pred = _predicate(text, start, end, obj, mentions.get("predicate", []))
        if inherited and pred is None:
            pred = inherited.predicate
        out.append(Figure(start, end, text[start:end], value, low, high, qualifier, unit, obj, pred))
    return out
