"""Rules on the dependency parse of the trained pipeline (see :mod:`.model`).

:func:`counted_thing` finds what a figure counts, as written: the noun a number modifies ("214
people", "11 apartment blocks"), the noun after "of" ("63 of the injured", "58% of voters"), or,
for a number that is the object of a change or a state ("the toll climbed to 47", "inflation
slowed to 2.6%", "turnout was 46 per cent"), the subject of that verb.
"""

from __future__ import annotations

_NOUNS = {"NOUN", "PROPN"}
_AGGREGATES = {"number", "total", "count", "tally"}
_NOT_THINGS = {"them", "those", "these", "it", "they", "which", "who", "whom", "one", "ones", "each"}


def _phrase(head) -> tuple[int, int] | None:
    """Character span of *head* with the compound nouns before it ("apartment blocks", "death
    toll"); None for pronouns and words that name nothing."""
    if head.pos_ not in _NOUNS and head.tag_ not in ("VBN", "JJ"):
        return None
    if head.lower_ in _NOT_THINGS:
        return None
    left = [c for c in head.lefts if c.dep_ in ("compound",) or (c.dep_ == "amod" and c.pos_ in _NOUNS)]
    first = min([head, *left], key=lambda t: t.i)
    if any(t.is_punct for t in head.doc[first.i:head.i]):
        first = head
    return first.idx, head.idx + len(head.text)


def _of(token):
    """The object of an "of" hanging on *token* ("63 of the injured" -> injured)."""
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
    return None


def _subject(token):
    """The subject of the verb *token* depends on (through "to", "at", "by" or directly)."""
    node, steps = token, 0
    while node.head is not node and steps < 4:
        node, steps = node.head, steps + 1
        if node.pos_ in ("VERB", "AUX"):
            subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subjects:
                return subjects[0]
            return None
        if node.dep_ not in ("prep", "pobj", "dobj", "attr", "quantmod", "compound", "nummod", "npadvmod", "advmod"):
            return None
    return None


def counted_thing(doc, start: int, end: int, unit: str | None) -> tuple[int, int] | None:
    """Character span (in *doc*'s text) of what the figure at [start, end) counts, or None."""
    tokens = [t for t in doc if start <= t.idx < end]
    if not tokens or unit == "money":
        return None
    numbers = [t for t in tokens if t.like_num or t.pos_ == "NUM"] or tokens
    number = max(numbers, key=lambda t: t.i)
    # "1.2 million", "about 2,300": climb to the number word the rest of the figure hangs on
    while number.dep_ in ("compound", "quantmod", "nummod") and number.head.pos_ == "NUM" and number.head in tokens:
        number = number.head
    anchors = [number]
    if unit == "percent":       # the sign or words after the number ("62%", "4.3 per cent")
        follow = [t for t in doc[number.i + 1:number.i + 3] if t.lower_ in ("%", "per", "cent", "percent")]
        anchors += [t for t in follow if t.lower_ != "per"]
    for anchor in anchors:
        of = _of(anchor)
        if of is not None and (span := _phrase(of)):
            return span
    if unit != "percent" and number.dep_ == "nummod" and number.head.pos_ in _NOUNS:
        return _phrase(number.head)
    if unit != "percent" and number.dep_ in ("nsubj", "nsubjpass", "dobj") and number.head.pos_ in ("VERB", "AUX"):
        return None         # the number stands alone ("Seventeen have been released")
    subject = None
    for anchor in anchors:
        subject = _subject(anchor)
        if subject is not None:
            break
    if subject is None or subject.i in {t.i for t in tokens}:
        return None
    if subject.lower_ in _AGGREGATES and (of := _of(subject)) is not None:
        subject = of          # "the number of people waiting fell to 7.1 million" counts people
    return _phrase(subject)
