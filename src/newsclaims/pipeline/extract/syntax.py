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
        # a count stands before what it counts; after a noun a number is a label ("Room 3")
        return _phrase(number.head) if number.head.i > number.i else None
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


# --- speakers -------------------------------------------------------------------------------

SPEECH_LEMMAS = {
    "say", "tell", "announce", "confirm", "state", "claim", "report", "reveal", "indicate", "emphasize", "emphasise",
    "stress", "reiterate", "express", "note", "add", "warn", "write", "post", "tweet", "insist", "deny", "allege",
    "estimate", "acknowledge", "explain", "declare", "accuse", "describe", "suggest", "expect", "forecast", "lament",
    "show", "welcome", "concede", "predict", "argue", "urge", "blame", "call", "put", "find", "record",
}
"""Verbs whose subject is the speaker of the sentence ("X said", "X told reporters", "figures
showed", "X put the figure at", "the survey found")."""
_PRONOUNS = {"he", "she", "it", "they", "we", "i", "you", "this", "that", "who", "which"}
_NAMED = {"PERSON", "ORG", "NORP", "GPE", "FAC"}


def _speaker_span(subject) -> tuple[int, int, str]:
    """The speaker named by a subject: a named appositive ("A military spokesman, Colonel Youssef
    Amari, confirmed" -> Youssef Amari), the named entity the subject belongs to, or the noun
    phrase without its determiner ("the city's elections office")."""
    doc = subject.doc
    for child in subject.children:
        if child.dep_ == "appos" and child.ent_type_ == "PERSON":
            ent = next(e for e in doc.ents if e.start <= child.i < e.end)
            return ent.start_char, ent.end_char, "PERSON"
    ent = next((e for e in doc.ents if e.start <= subject.i < e.end and e.label_ in _NAMED), None)
    if ent is not None and ent.label_ in ("PERSON", "ORG"):
        return ent.start_char, ent.end_char, ent.label_
    left = [t for t in subject.subtree if t.i <= subject.i]
    first = min(left, key=lambda t: t.i)
    while first.i < subject.i and first.dep_ in ("det", "punct", "cc", "predet"):
        first = doc[first.i + 1]
    tail = subject
    for child in subject.rights:       # "the health ministry of X": keep "of" phrases naming the body
        if child.dep_ == "prep" and child.lower_ == "of":
            tail = max(child.subtree, key=lambda t: t.i)
    return first.idx, tail.idx + len(tail.text), ent.label_ if ent is not None else ""


def speaker(doc) -> tuple[int, int, str, str] | None:
    """(start, end, cue lemma, entity label) of the speaker of the sentence *doc*: the subject of
    its reporting verb (wherever it stands: "X said", "said X", "..., X told reporters"); None
    when there is no reporting verb or its subject is a pronoun (left to the rules that resolve
    pronouns)."""
    verbs = [t for t in doc if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in SPEECH_LEMMAS]
    # the main clause's verb first: in "X said the army had killed 5", X speaks, not the army
    verbs.sort(key=lambda t: (t.dep_ != "ROOT", t.i))
    for verb in verbs:
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        if not subjects:
            continue
        subject = subjects[0]
        if subject.lower_ in _PRONOUNS or subject.pos_ in ("PRON", "NUM"):
            return None
        start, end, label = _speaker_span(subject)
        return start, end, verb.lemma_.lower(), label
    return None
