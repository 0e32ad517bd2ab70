"""The spaCy pipeline: a blank English tokenizer, the rule-based sentencizer, and phrase matchers
built from the gazetteer. Needs no model download.
"""

from __future__ import annotations

from dataclasses import dataclass

import spacy
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from newsclaims.pipeline.gazetteer import Gazetteer

# Curly quotes become straight ones of the same length, so offsets stay those of the seed text.
_STRAIGHTEN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "″": '"'})


def straighten(text: str) -> str:
    """Same text, same length, straight quotes.

    >>> straighten("Ukraine’s “air force”")
    'Ukraine\\'s "air force"'
    """
    return text.translate(_STRAIGHTEN)


@dataclass(frozen=True)
class Mention:
    start: int      # character offsets in the text given to :meth:`Pipeline.mentions`
    end: int
    kind: str       # actor, place, object, predicate, cue, qualifier, factuality, event, shift
    label: str      # actor/place id or canonical word


class Pipeline:
    """Tokenizer, sentencizer and phrase matchers for one gazetteer."""

    def __init__(self, g: Gazetteer):
        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer")
        self.lower = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        lex = g.lexicon
        groups: list[tuple[str, str, list[str]]] = []
        for kind, entries in (("actor", g.actors), ("place", g.places)):
            for key, entry in entries.items():
                groups.append((kind, key, [entry["name"], *entry.get("aliases", [])]))
        for kind, section in (("object", "objects"), ("predicate", "predicates"), ("cue", "cues"),
                              ("qualifier", "qualifiers"), ("factuality", "factuality")):
            groups += [(kind, key, words) for key, words in lex[section].items()]
        groups.append(("event", "event", lex["event_words"]))
        groups.append(("shift", "shift", lex["topic_shifts"]))
        groups.append(("noncount", "noncount", lex["non_count_nouns"]))
        for kind, key, words in groups:
            label = f"{kind}|{key}"
            exact = [w for w in words if len(w) <= 3 and w.isupper()]
            loose = [w for w in words if w not in exact]
            if exact:
                self.exact.add(label, [self.nlp.make_doc(straighten(w)) for w in exact])
            if loose:
                self.lower.add(label, [self.nlp.make_doc(straighten(w)) for w in loose])

    def mentions(self, doc) -> dict[str, list[Mention]]:
        """Gazetteer and lexicon matches in *doc*, longest first within each kind, by position."""
        by_kind: dict[str, list] = {}
        for matcher in (self.lower, self.exact):
            for match_id, start, end in matcher(doc):
                kind, label = self.nlp.vocab.strings[match_id].split("|", 1)
                span = doc[start:end]
                span.label_ = label
                by_kind.setdefault(kind, []).append(span)
        return {kind: sorted((Mention(s.start_char, s.end_char, kind, s.label_) for s in filter_spans(spans)),
                             key=lambda m: m.start)
                for kind, spans in by_kind.items()}


_PIPELINES: dict[str, Pipeline] = {}


def pipeline(g: Gazetteer) -> Pipeline:
    """The pipeline for gazetteer *g* (built once per gazetteer content)."""
    if g.digest not in _PIPELINES:
        _PIPELINES[g.digest] = Pipeline(g)
    return _PIPELINES[g.digest]
