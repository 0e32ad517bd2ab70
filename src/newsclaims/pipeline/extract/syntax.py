"""Rules on the dependency parse of the trained pipeline (see :mod:`.model`).

:func:`counted_thing` finds what a figure counts, as written: the noun a number modifies ("214
people", "11 apartment blocks"), the noun after "of" ("63 of the injured", "58% of voters"), or,
for a number that is the object of a change or a state ("the toll climbed to 47", "inflation
slowed to 2.6%", "turnout was 46 per cent"), the subject of that verb.
"""

from __future__ import annotations

_NOUNS = {"NOUN", "PROPN"}
_AGGREGATES = {"number", "total", "count", "tally"}
# "the number of cases passed 100": the subject is what reached the figure
_THRESHOLDS = {"pass", "top", "exceed", "reach", "surpass", "hit", "cross", "near", "approach", "number", "total"}
# "bringing the number of individuals under sanctions to 2,100": what was brought to the figure
_BRINGS = {"bring", "take", "raise", "push", "lift", "increase", "cut", "reduce", "lower"}
_ESTIMATES = {"put", "estimate", "set", "peg", "place", "value", "fix"}
_PERCENT_SIGNS = {"%", "percent", "cent"}
_NOT_THINGS = {"them", "those", "these", "it", "they", "which", "who", "whom", "one", "ones", "each"}


def _phrase(head) -> tuple[int, int] | None:
    """Character span of *head* with the compound nouns before it ("apartment blocks", "death
    toll"); None for pronouns and words that name nothing."""
    if head.pos_ not in _NOUNS and head.tag_ not in ("VBN", "JJ") and head.dep_ not in ("nsubj", "nsubjpass"):
        return None
    if head.lower_ in _NOT_THINGS or head.lower_ in _PERCENT_SIGNS or head.pos_ == "NUM":
        return None
    left = [c for c in head.lefts if c.dep_ in ("compound",) or (c.dep_ == "amod" and c.pos_ in _NOUNS)]
    first = min([head, *left], key=lambda t: t.i)
    if any(t.is_punct for t in head.doc[first.i:head.i]):
        first = head
    last = head
    for child in head.rights:       # "uptake among health workers": the group a rate is of
        if child.dep_ == "prep" and child.lower_ == "among":
            last = max(child.subtree, key=lambda t: t.i)
    return first.idx, last.idx + len(last.text)


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
    node, steps, via = token, 0, None
    while node.head is not node and steps < 4:
        if node.dep_ == "pobj":
            via = node.head.lower_
        node, steps = node.head, steps + 1
        if node.pos_ in ("VERB", "AUX"):
            objects = [c for c in node.children if c.dep_ == "dobj" and c.i not in {t.i for t in token.subtree}]
            # "raised fuel prices by 40%", "put the number of detained at 97": what the verb acts on
            if objects and (via == "by" or via == "at" and node.lemma_.lower() in _ESTIMATES
                            or via == "to" and node.lemma_.lower() in _BRINGS):
                obj = objects[0]
                return (_of(obj) or obj) if obj.lower_ in _AGGREGATES | {"figure", "toll"} else obj
            subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
            if not subjects and node.dep_ == "xcomp" and node.head.pos_ in ("VERB", "AUX"):
                # "unemployment is expected to peak at 5.1%": the subject of the verb it completes
                subjects = [c for c in node.head.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subjects:
                return subjects[0]
            # a proper name the small model hangs on its verb as a compound ("Labour trails on 24 per cent")
            named = [c for c in node.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
            return named[0] if named else None
        if node.dep_ not in ("prep", "pobj", "dobj", "attr", "quantmod", "compound", "nummod", "npadvmod", "advmod",
                             "acomp"):
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
    if number.dep_ == "det" and number.head.pos_ in _NOUNS:
        return _phrase(number.head)     # "a Kinzhal missile" counts the missile
    anchors = [number]
    if unit == "percent":       # the sign or words after the number ("62%", "4.3 per cent")
        follow = [t for t in doc[number.i + 1:number.i + 3] if t.lower_ in ("%", "per", "cent", "percent")]
        anchors += [t for t in follow if t.lower_ != "per"]
        after = doc[anchors[-1].i + 1:anchors[-1].i + 3]
        if len(after) == 2 and after[0].lower_ in ("more", "fewer", "less") and after[1].pos_ in _NOUNS:
            return _phrase(after[1])        # "20% more passengers than usual"
    for anchor in anchors:
        if anchor.dep_ == "appos" and anchor.head.pos_ in _NOUNS:
            # "undecided voters, about 9 per cent of the sample,": the figure sizes the noun it renames
            if span := _phrase(anchor.head):
                return span
        of = _of(anchor)
        if of is not None and of.lower_ in _NOT_THINGS:
            return None         # "nine of them": the thing is named earlier (see figures.Figure.inherits)
        if of is not None and (span := _phrase(of)):
            return span
        if anchor.dep_ == "pobj" and anchor.head.lower_ in ("of", "to") and anchor.head.head.pos_ in _NOUNS \
                and anchor.head.head.lower_ not in _AGGREGATES:
            # "a target of 92%", "price rises of around 9 percent": the noun the figure measures
            if span := _phrase(anchor.head.head):
                return span
        if unit == "percent" and anchor.dep_ in ("compound", "amod", "nmod") and anchor.head.pos_ == "NOUN" \
                and anchor.head.i > anchor.i:
            # "a 12% rise in first-quarter revenue": the change and what changed
            head, last = anchor.head, anchor.head
            for child in head.rights:
                if child.dep_ == "prep" and child.lower_ in ("in", "of"):
                    last = max(child.subtree, key=lambda t: t.i)
            return head.idx, last.idx + len(last.text)
        if unit == "percent" and anchor.dep_ == "nsubj" and (anchor.head.pos_ == "VERB" or anchor.head.tag_ == "VBG"
                                                             or anchor.head.dep_ == "pcomp"):
            # "with 54.7% voting no": the share is of those doing what the verb says
            objects = [c for c in anchor.head.children if c.dep_ in ("dobj", "attr", "acomp")]
            last = max([anchor.head, *objects], key=lambda t: t.i)
            return anchor.head.idx, last.idx + len(last.text)
    if number.dep_ == "nummod" and number.head.lower_ == "points":
        anchors.append(number.head)     # "2.8 percentage points": a unit, like "%"; what it measures is elsewhere
    elif unit != "percent" and number.dep_ == "nummod" and number.head.pos_ in _NOUNS:
        # a count stands before what it counts; after a noun a number is a label ("Room 3")
        return _phrase(number.head) if number.head.i > number.i else None
    if unit != "percent" and number.dep_ in ("nsubj", "nsubjpass", "dobj") and number.head.pos_ in ("VERB", "AUX") \
            and not (number.dep_ == "dobj" and number.head.lemma_.lower() in _THRESHOLDS):
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
    if subject.lower_ in _PERCENT_SIGNS:
        # "68% of people ... had a vaccine, down from 74%": the share is of what the subject's is
        of = _of(subject)
        subject = of if of is not None else subject
    return _phrase(subject)


_FORECASTERS = {"expect", "forecast", "predict", "estimate", "put", "see", "project"}


def share_of(doc, thing: tuple[int, int] | None) -> str | None:
    """What a percentage is a share or rate of, as one lower-case noun, when its counted thing
    names one ("52.4% of the vote" -> "vote", "inflation slowed to 2.6%" -> "inflation"); None
    when it names a party or person instead ("Fisk took 41.9%", "SNCF put the figure at 41%"),
    or forecasters ("economists had expected 2.8%"), or nothing."""
    if thing is None:
        return None
    tokens = [t for t in doc if thing[0] <= t.idx < thing[1]]
    if not tokens:
        return None
    head = next((t for t in tokens if not (thing[0] <= t.head.idx < thing[1]) or t.head is t), tokens[-1])
    if head.pos_ == "PROPN" or head.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        return None
    if head.dep_ in ("nsubj", "nsubjpass") and head.head.lemma_.lower() in _FORECASTERS:
        return None
    return head.lower_ if head.pos_ in _NOUNS else None


# --- speakers -------------------------------------------------------------------------------

SPEECH_LEMMAS = {
    "say", "tell", "announce", "confirm", "state", "claim", "report", "reveal", "indicate", "emphasize", "emphasise",
    "stress", "reiterate", "express", "note", "add", "warn", "write", "post", "tweet", "insist", "deny", "allege",
    "estimate", "acknowledge", "explain", "declare", "accuse", "describe", "suggest", "expect", "forecast", "lament",
    "show", "welcome", "concede", "predict", "argue", "urge", "blame", "call", "put", "find", "record", "ask",
    "quote",
}
"""Verbs whose subject is the speaker of the sentence ("X said", "X told reporters", "figures
showed", "X put the figure at", "the survey found")."""
_EVIDENCE = {"image", "footage", "document", "data", "analysis", "record", "photo", "photograph", "video", "figure",
             "report", "map", "picture", "recording"}
_MOUTHPIECES = {"spokesperson", "spokesman", "spokeswoman", "representative", "statement", "official"}
_GROUPS = {"economist", "analyst", "doctor", "expert", "researcher", "scientist", "authority", "official", "source",
           "resident", "witness", "worker", "staff", "engineer", "investigator", "lawyer"}
_PRONOUNS = {"he", "she", "it", "they", "we", "i", "you", "this", "that", "who", "which"}
_NAMED = {"PERSON", "ORG", "NORP", "GPE", "FAC"}


def _speaker_span(subject) -> tuple[int, int, str]:
    """The speaker named by a subject: a named appositive ("A military spokesman, Colonel Youssef
    Amari, confirmed" -> Youssef Amari), the named entity the subject belongs to, or the noun
    phrase without its determiner ("the city's elections office")."""
    doc = subject.doc
    for child in subject.children:
        if child.dep_ == "appos" and child.ent_type_ in ("PERSON", "ORG"):
            # "A military spokesman, Colonel Y,", "The refinery's owner, Northgate Energy,": the name
            ent = next(e for e in doc.ents if e.start <= child.i < e.end)
            return ent.start_char, ent.end_char, ent.label_
    ent = next((e for e in doc.ents if e.start <= subject.i < e.end and e.label_ in _NAMED), None)
    if ent is not None and ent.label_ in ("PERSON", "ORG"):
        return ent.start_char, ent.end_char, ent.label_
    for child in subject.children:
        if child.dep_ == "prep" and child.lower_ in ("for", "at", "from", "of", "with", "in"):
            if not any(c.dep_ == "pobj" for c in child.children):
                continue
            if subject.lemma_.lower() in _MOUTHPIECES | _GROUPS:
                # "a spokesperson for the ministry" (the attribution resolves it to the ministry),
                # "economists at Halvard Bank", "doctors at the city hospital": which ones
                last = max(child.subtree, key=lambda t: t.i)
                modifiers = [t.idx for t in subject.lefts if t.dep_ in ("amod", "compound")]
                return min([subject.idx, *modifiers]), last.idx + len(last.text), ""
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
        if verb.tag_ == "VBG" and verb.dep_ in ("pcomp", "acl", "advcl", "pobj"):
            continue        # "with all 84 polling stations reporting": a circumstance, not a speaker
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        agents = [o for a in verb.children if a.dep_ == "agent" for o in a.children
                  if o.dep_ == "pobj" and o.ent_type_ not in ("DATE", "TIME")]
        passive = [c for c in verb.children if c.dep_ == "nsubjpass" and c.lower_ not in _PRONOUNS]
        if not subjects and agents:
            subjects = agents            # "it was reported by the regional governor"
        elif not subjects and passive and verb.lemma_.lower() == "quote":
            subjects = passive           # "the governor was quoted as saying"
        if not subjects:
            continue
        subject = subjects[0]
        if verb.lemma_.lower() == "record" and subject.ent_type_ == "GPE":
            continue        # "Zambia recorded 20,000 cases": what happened there, not who said so
        # "satellite images reviewed by the Open Source Lab show": the reviewer speaks
        reviewer = [o for c in subject.children if c.dep_ == "acl" and c.tag_ == "VBN"
                    for a in c.children if a.dep_ == "agent" for o in a.children if o.dep_ == "pobj"]
        if reviewer and subject.lemma_.lower() in _EVIDENCE:
            subject = reviewer[0]
        if subject.lower_ in _PRONOUNS or subject.pos_ in ("PRON", "NUM"):
            return None
        start, end, label = _speaker_span(subject)
        return start, end, verb.lemma_.lower(), label
    return None


def _np_span(token) -> tuple[int, int, str]:
    """A speaker noun phrase headed by *token*: a proper-noun appositive it names ("his security
    chief, Rustem Umerov" -> Rustem Umerov), else as :func:`_speaker_span` reads it."""
    for child in token.children:
        if child.dep_ == "appos" and child.pos_ == "PROPN":
            first = min([child, *[c for c in child.lefts if c.dep_ == "compound"]], key=lambda t: t.i)
            return first.idx, child.idx + len(child.text), child.ent_type_ or "PERSON"
    return _speaker_span(token)


def _head_in(doc, start: int, end: int):
    """The token of [start, end) whose head lies outside it (the span's syntactic head)."""
    tokens = [t for t in doc if start <= t.idx < end]
    for t in tokens:
        if not (start <= t.head.idx < end) or t.head is t:
            return t
    return tokens[-1] if tokens else None


def companions(doc, start: int, end: int) -> list[tuple[int, int, str]]:
    """Speakers coordinated with the one at [start, end): "according to X and his security
    chief, Y" names Y as well. (start, end, entity label) of each, in text order."""
    head = _head_in(doc, start, end)
    if head is None:
        return []
    out, todo = [], [c for c in head.children if c.dep_ == "conj"]
    while todo:
        conj = todo.pop(0)
        if conj.pos_ in ("NOUN", "PROPN") and conj.lower_ not in _PRONOUNS:
            span = _np_span(conj)
            if not (start <= span[0] < end):
                out.append(span)
        todo += [c for c in conj.children if c.dep_ == "conj"]
    return sorted(out)


_CONTAINERS = {"report", "statement", "figure", "data", "account", "post", "interview", "broadcast", "bulletin"}


def cited(doc) -> tuple[int, int, str] | None:
    """The source a sentence's speaker cites ("..., the channel reported, citing a health
    official"; "according to the agency, which cited police"): (start, end, entity label)."""
    for t in doc:
        if t.lemma_.lower() in ("cite", "quote") and t.pos_ == "VERB":
            objects = [c for c in t.children if c.dep_ == "dobj"]
            if objects and objects[0].lower_ not in _PRONOUNS:
                obj = objects[0]
                if obj.lemma_.lower() in _CONTAINERS:      # "citing a report by Channel Nine": Channel Nine
                    by = [p for p in obj.children if p.dep_ == "prep" and p.lower_ in ("by", "from", "of")]
                    named = [c for p in by for c in p.children if c.dep_ == "pobj"]
                    obj = named[0] if named else obj
                return _np_span(obj)
    return None


def reported_by(doc) -> tuple[int, int, str] | None:
    """The agent of a passive report ("as reported by Channel Nine", "a report by X"):
    (start, end, entity label)."""
    for t in doc:
        if t.lemma_.lower() in ("report", "broadcast", "publish") and t.dep_ != "nsubj":
            for prep in t.children:
                if prep.dep_ in ("agent", "prep") and prep.lower_ == "by":
                    objects = [c for c in prep.children if c.dep_ == "pobj"]
                    if objects:
                        return _np_span(objects[0])
    return None


_CLAUSES = {"advcl", "ccomp", "xcomp", "conj"}


def _event_verb(doc, start: int | None):
    """The verb a sentence reports as happening: the one governing the figure at *start*, or the
    main verb; through a reporting verb ("the air force said 176 drones were launched") to the
    clause it reports."""
    verb = None
    if start is not None:
        node = next((t for t in doc if t.idx <= start < t.idx + len(t.text)), None)
        for _ in range(6):
            if node is None or node.pos_ in ("VERB", "AUX") and node.dep_ != "amod":
                break
            node = node.head if node.head is not node else None
        verb = node if node is not None and node.pos_ in ("VERB", "AUX") else None
    if verb is None:
        verb = next((t for t in doc if t.dep_ == "ROOT"), None)
    for _ in range(2):
        if verb is None or verb.lemma_.lower() not in SPEECH_LEMMAS:
            break
        reported = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp") and c.pos_ in ("VERB", "AUX")]
        if not reported:
            return None
        verb = reported[0]
    return verb


def agent(doc, start: int | None = None, events: set[str] | None = None) -> tuple[int, int] | None:
    """Character span of who did what the sentence *doc* reports (the subject of its event verb,
    or the "by" agent of a passive one); *start* is a figure's offset, whose verb is taken. With
    *events* (lower-case words), a sentence without a figure has an agent only when its verb, or
    one it governs, is one of them ("Ukraine faced strikes": Ukraine did not strike).

    >>> from newsclaims.pipeline.extract.model import trained
    >>> doc = trained()("The air force said 176 drones were launched by Russia overnight.")
    >>> a = agent(doc, doc.text.index("176")); doc.text[a[0]:a[1]]
    'Russia'
    """
    verb = _event_verb(doc, start)
    if start is None and events is not None and verb is not None:
        # "Ukraine faced challenges as Russian drone strikes targeted ...": the clause with the event
        verb = next((t for t in [verb, *verb.children] if t.pos_ == "VERB" and (t is verb or t.dep_ in _CLAUSES)
                     and (t.lower_ in events or t.lemma_.lower() in events)), None)
    while verb is not None:
        by = [o for a in verb.children if a.dep_ == "agent" for o in a.children if o.dep_ == "pobj"]
        subjects = by or [c for c in verb.children if c.dep_ == "nsubj"]
        if subjects:
            subject = subjects[0]
            if subject.lower_ in _PRONOUNS - {"it", "they"} or subject.pos_ == "NUM":
                return None
            left = min(subject.subtree, key=lambda t: t.i) if subject.pos_ != "PRON" else subject
            while left.i < subject.i and left.dep_ in ("det", "punct", "cc", "predet"):
                left = doc[left.i + 1]
            end = subject
            for c in subject.children:          # "Ukraine and Russia": both
                if c.dep_ == "conj":
                    end = max(c.subtree, key=lambda t: t.i)
            return left.idx, end.idx + len(end.text)
        # "Ukrainian forces have retaliated, targeting a refinery": the subject of the clause it adds to
        if verb.dep_ in ("advcl", "xcomp", "conj") and verb.head is not verb:
            verb = verb.head
        else:
            return None
    return None
