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
_CASUALTY_BEFORE = re.compile(r"\b(?:killing|injuring|wounding|killed|injured|wounded)\s+(?:at\s+least\s+|about\s+|some\s+|"
                              r"more\s+than\s+|nearly\s+|almost\s+|another\s+)?$")
_CASUALTY = re.compile(r"\s+(?:(?:were|are|was|is|have\s+been|has\s+been|had\s+been|remain|remained)\s+)?"
                       r"(?:(?:confirmed|reported|now|still|feared)\s+)?(?:killed|injured|wounded|dead|hurt|missing)\b")
_ELLIPSIS_BEFORE = re.compile(r"(?:including|of\s+which|of\s+them|and|,|'s|\bagainst|\bversus|\bvs\.|"
                              r"\banother|\ba\s+further|\bthe\s+other|\bthe\s+remaining|"
                              r"\b(?:down|up)\s+from(?:\s+(?:about|around|some))?|\bcompared\s+with)\s*$")
# "Fisk, 67, said": an age in apposition to a name
_AGE = (re.compile(r"[A-Z][\w.'-]*,\s*$"), re.compile(r"\s*,"))
# "reaction from both camps at eleven": a time of day
_CLOCK = (re.compile(r"\b(?:at|since|until|till|from|by)\s+$"),
          re.compile(r"\s*(?:[.;,]|$|o'clock|tonight|tomorrow|this\s+(?:morning|evening|afternoon))"))
_ELLIPSIS_AFTER = re.compile(r"\s+(?:over|in|near|above|across|from|on)\b")
_STOP_AFTER = {"and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "from", "were", "was", "are", "is",
               "have", "has", "had", "that", "which", "who", "the", "a", "an", "as", "than", "per", "percent"}
# "the two sides", "the three leaders": who is meant, not a count
_SMALL_WORDS = {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "both"}
# "for nine hours", "the first three months", "within 18 weeks": durations are not facts counted
_DURATION = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)"
_RANGE = re.compile(r"^\s*(?:%|percent|per\s+cent)?\s*(?:-|–|—|to|and)\s*$")


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
    inherits: int | None = None     # index of the earlier figure of the sentence whose counted thing this one shares


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


def _not_a_figure(n, before: str, after: str) -> bool:
    """Whether a number, from what stands around it, names or times something rather than
    counting it: names and labels ("Su-34", "Flight 17", "magnitude 6.1", "28-point"), "the two
    sides", ordinals, clock times, durations, partitives that are not counts ("one of the most"),
    age brackets and ages, rate denominators ("per 100,000")."""
    low = n.text.lower()
    return bool(
        re.search(r"[A-Za-z]-$|(?:No\.|#|Article|Resolution|Flight|Highway|route|Route|number|magnitude)\s*$", before)
        or re.search(r"\b[Tt]he\s+$", before) and not re.search(r"\bof\s+the\s+$", before) and low in _SMALL_WORDS
        or re.match(r"-(?!(?:hectare|acre|kilometre|kilometer|km|mile|metre|meter|tonne|ton|storey|story|bed|litre|liter|"
                    r"gallon|seat|room|foot|feet|inch)s?\b)[A-Za-z]"
                    r"|(?:st|nd|rd|th)\b|:\d|\s*(?:a\.m\.|p\.m\.|(?:am|pm|GMT|UTC)\b)|\s*-year-old", after)
        or re.match(rf"\s+(?:(?!a\b|an\b|per\b|each\b|every\b|this\b|last\b|next\b)[a-z]+\s+)?{_DURATION}\b", after)
        or not n.is_digits and re.match(
            r"\s+of\b(?!\s+(?:them|those|these|which)\b)(?!\s+(?:the|its|their|his|her)\s+(?:[\w'’-]+\s+){0,3}[a-z]+s\b)"
            r"|\s+another\b|\s+day\b", after)
        or low == "one" and re.match(r"\s+of\s+(?!(?:its|their|his|her)\s)", after)
        or re.search(r"\b(?:children|babies|people|adults|those|patients|pupils)\s+(?:under|over|aged)\s+$", before)
        or low in ("no", "a")
        or re.search(r"\bper\s+$", before)
        or _AGE[0].search(before) and _AGE[1].match(after) and 0 < n.value <= 120
        or _CLOCK[0].search(before) and _CLOCK[1].match(after) and n.value <= 24)


def find_figures(text: str, mentions: dict[str, list[Mention]], dates: list[DateExpr], g: Gazetteer,
                 parse: Callable[[], object] | None = None, context: Figure | None = None) -> list[Figure]:
    """Every figure in one sentence (*text* with straight quotes), sentence-relative offsets.

    *parse* gives the sentence's dependency parse (see :mod:`.syntax`), asked for only when the
    lexicon does not say what a number counts: the noun the parse finds then names it. *context*
    is the first count of the paragraph's previous sentence (its subject, as a rule), whose counted
    thing a number standing alone as the subject takes."""
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
        if _not_a_figure(n, before, after):
            continue
        start, end, value = n.start, n.end, n.value
        qualifier, low, high = "exact", None, None
        nxt = numbers[i + 1] if i + 1 < len(numbers) else None
        # "rose from 120 to 310" is a change between two levels, not a range
        change = re.search(r"\bfrom\s+(?:about\s+|around\s+|some\s+)?$", before)
        gap = text[n.end:nxt.start] if nxt else ""
        same_unit = not re.search(r"%|percent|cent", gap) or bool(re.match(r"\s*(?:%|percent|per\s+cent)", text[nxt.end:]))
        if nxt and not change and same_unit and _RANGE.match(gap) \
                and (re.search(r"between\s+$", before) or "and" not in gap):
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
            prev_money = next((f for f in reversed(out) if f.unit == "money"), None)
            sub = re.match(r"\s+(\w+)\b", after)
            sub = sub and g.lexicon.get("currency_subunits", {}).get(sub.group(1).lower())
            if sub and not cur:
                # "45 cents": hundredths, in the currency of the sentence's other sums
                unit, obj = "money", prev_money.object if prev_money else sub
                value, low, high = value / 100, *(b / 100 if b is not None else None for b in (low, high))
                end = n.end + re.match(r"\s+\w+", after).end()
            elif cur:
                unit, obj = "money", cur
            elif prev_money and re.search(r"\b(?:from|to|against|versus|and)\s+(?:about\s+|around\s+)?$", before) \
                    and not re.match(r"\s+(?!(?:a|an|the|in|last|this|earlier|a\s+year)\b)[a-z]+", after):
                unit, obj = "money", prev_money.object     # "410 million euros from 352 million"
            elif re.match(r"(?:°\s?)?[CF]\b|\s*°|\s+degrees\b", after):
                obj = "degrees"      # "45C", "30 °C", "44 degrees": a temperature
            else:
                obj = _object(text, end, objects, noncount)
        inherited = None
        if obj is None and unit == "count":
            if _CASUALTY.match(after) or _CASUALTY_BEFORE.search(before) and not re.match(r"\s+[a-z]", after):
                obj = "people"
            elif out and (_ELLIPSIS_BEFORE.search(before) or _ELLIPSIS_AFTER.match(after)
                          or re.match(r"\s+of\s+(?:them|those|these|which)\b", after)
                          # "1,206 votes to 1,192": a comparison with the figure just before
                          or re.fullmatch(r"\s+[\w-]+\s+(?:to|against|versus|vs\.)\s+", text[out[-1].end:n.start])):
                inherited = out[-1]          # "57 drones, including 23 over Samara": same object
                obj = inherited.object
        if obj is None and unit == "count" and parse is not None:
            obj = _head_noun(text, counted_thing(parse(), start, end, unit))
        if obj is None and unit == "count" and out and out[-1].unit == "count" \
                and re.match(r"\s*(?:[.,;:]|$)|\s+(?:and|but|while|at|in|on|after|before|for)\b", after):
            inherited = out[-1]      # "Unity 68 seats ..., while Forward has 57": the same thing
            obj = inherited.object
        elif obj is None and unit == "count" and context is not None and context.object \
                and re.match(r"\s+(?:have|has|had|were|are|was|is|remain|remained)\b", after) \
                and re.fullmatch(r"(?:\W*[A-Za-z]+){0,3}\W*", before):
            obj = context.object     # "212 people were on board. So far 187 have been pulled out alive."
        if obj is None and unit == "count":
            continue
        if n.text.lower() == "one" and unit == "count" and not any(o.start >= end and o.start - end <= 30 and o.label == obj for o in objects):
            continue
        pred = _predicate(text, start, end, obj, mentions.get("predicate", []))
        if inherited and pred is None:
            pred = inherited.predicate
        out.append(Figure(start, end, text[start:end], value, low, high, qualifier, unit, obj, pred,
                          out.index(inherited) if inherited else None))
    out += _named_single(text, mentions, out)
    return sorted(out, key=lambda f: f.start)


# "a Kinzhal missile", "an Iskander-M ballistic missile": one weapon, named by its model
_ONE_NAMED = re.compile(r"\b[Aa]n?\s+(?:[A-Z][\w-]*\s+){1,2}(?:[a-z-]+\s+)?")


def _named_single(text: str, mentions: dict[str, list[Mention]], found: list[Figure]) -> list[Figure]:
    """Figures of one for a weapon named by its model with "a"/"an"."""
    out = []
    for m in _ONE_NAMED.finditer(text):
        name_at = m.start() + len(m.group(0).split()[0]) + 1
        obj = next((o for o in mentions.get("object", []) if name_at <= o.start <= m.end() and o.label in WEAPONS), None)
        if obj is None or any(f.start <= m.start() < f.end for f in found):
            continue
        word = m.group(0).split()[0]
        pred = _predicate(text, m.start(), m.start() + len(word), obj.label, mentions.get("predicate", []))
        out.append(Figure(m.start(), m.start() + len(word), word, 1, 1, 1, "exact", "count", obj.label, pred))
    return out
