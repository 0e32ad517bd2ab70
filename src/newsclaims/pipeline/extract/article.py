"""One article from seed text to claim rows: clean, split into sentences, then read each sentence
for its attribution, date, place, figures and factuality.

Which sentences become claims: every figure is a claim of its own; a sentence without a figure
is a statement claim when it is attributed (a speaker with a cue, or "according to") or when it
is check-worthy: it names an actor or a place from the gazetteer together with an event word
(attacked, signed, agreed...). Other sentences (background, commentary) are not claims.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field

from newsclaims.pipeline.clean import Span, clean
from newsclaims.pipeline.gazetteer import Gazetteer
from newsclaims.pipeline.ingest import Seed
from newsclaims.pipeline.extract.attribution import Context, attribute
from newsclaims.pipeline.extract.dates import DateExpr, find_dates, resolve
from newsclaims.pipeline.extract.figures import Figure, find_figures
from newsclaims.pipeline.extract.model import trained
from newsclaims.pipeline.extract.nlp import Mention, pipeline, straighten
from newsclaims.pipeline.extract.syntax import counted_thing

EXTRACTOR_VERSION = "1.4.0"
"""Bump when a change to the extractor can change its output (part of the extraction cache key)."""

_FACTUALITY_ORDER = ("denied", "planned_intent", "hedged")


@dataclass
class Extraction:
    """What the extractor found in one seed."""

    source_id: str
    claims: list[dict] = field(default_factory=list)
    excluded: list[Span] = field(default_factory=list)
    new_actors: dict[str, dict] = field(default_factory=dict)


def claim_id(sha256: str, start: int, end: int, figure: Figure | None) -> str:
    """Stable claim id from the source hash, the quote span and the figure's span.

    >>> a = claim_id("ab" * 32, 10, 20, None)
    >>> a == claim_id("ab" * 32, 10, 20, None), a == claim_id("ab" * 32, 10, 21, None), len(a)
    (True, False, 20)
    """
    key = f"{sha256}|{start}|{end}|" + (f"{figure.start}|{figure.end}|{figure.text}" if figure else "statement")
    return "clm_" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _factuality(text: str, mentions: list[Mention], figure: Figure | None) -> str:
    """A figure takes the nearest mark before it (or after it in the same clause); a statement the
    strongest mark in the sentence."""
    if not mentions:
        return "asserted"
    if figure is not None:
        before = [m for m in mentions if m.end <= figure.start]
        if before:
            return max(before, key=lambda m: m.end).label
        after = [m for m in mentions if m.start >= figure.end and not re.search(r"[,;:]", text[figure.end:m.start])]
        return after[0].label if after else "asserted"
    return min(mentions, key=lambda m: _FACTUALITY_ORDER.index(m.label)).label


def _quoted(text: str, at: int) -> bool:
    """Whether position *at* of a sentence lies inside quotation marks (straight quotes)."""
    return text.count('"', 0, at) % 2 == 1


def _nearest_date(dates: list[DateExpr], pos: int | None, text: str = "") -> DateExpr | None:
    """The date a claim carries: resolved expressions first, outside quotations first (a quote's
    "tonight" is the speaker's, not the article's), then the nearest to the figure."""
    candidates = [d for d in dates if d.date_start] or dates
    candidates = [d for d in candidates if not _quoted(text, d.start)] or candidates
    if not candidates:
        return None
    if pos is None:
        return candidates[0]
    return min(candidates, key=lambda d: abs(d.start - pos))


# "KESTANE, Turkey, March 12 (Wire) - " or "ATHENS, Aug 21 - ": where and when the copy was
# filed, not a date the article's claims are about.
_DATELINE = re.compile(r"^(?:[A-Z][A-Za-z.'-]*(?:\s[A-Z][A-Za-z.'-]*)*,\s){1,2}[A-Z][a-z]{2,8}\.?\s\d{1,2}"
                       r"(?:\s\([^)]{1,30}\))?\s[-\u2013\u2014]\s")

_PLACE_RANK = {"site": 0, "city": 1, "admin1": 2, "area": 3, "country": 4}


def _place(text: str, mentions: dict[str, list[Mention]], g: Gazetteer) -> str | None:
    """The most specific gazetteer place named; a name used as an actor ("Moscow said", "Kyiv
    signed") counts only after a locative preposition."""
    actors = mentions.get("actor", [])
    places = [m for m in mentions.get("place", [])
              if not any(a.start <= m.start and m.end <= a.end for a in actors)
              or re.search(r"\b(?:in|on|near|over|to|from|at|across|around)\s+(?:the\s+)?$", text[:m.start])]
    if not places:
        return None
    return min(places, key=lambda m: (_PLACE_RANK[g.places[m.label]["type"]], m.start)).label


def extract_article(seed: Seed, g: Gazetteer) -> Extraction:
    """Claims, excluded spans and newly met speakers of one seed article."""
    cleaned = clean(seed.text, g)
    nlp = pipeline(g)
    norm = straighten(seed.text)
    out = Extraction(seed.source_id, excluded=cleaned.excluded)
    ctx = Context()
    year_hint: int | None = None
    for seg_start, seg_end in cleaned.segments:
        doc = nlp.nlp(norm[seg_start:seg_end])
        all_mentions = nlp.mentions(doc)
        for index, sent in enumerate(doc.sents):
            raw = sent.text
            s = sent.start_char + (len(raw) - len(raw.lstrip()))
            e = sent.end_char - (len(raw) - len(raw.rstrip()))
            if e <= s:
                continue
            text = norm[seg_start + s:seg_start + e]
            mentions = {k: [Mention(m.start - s, m.end - s, m.kind, m.label) for m in ms if s <= m.start and m.end <= e]
                        for k, ms in all_mentions.items()}
            dates = []
            dateline = _DATELINE.match(text)
            for d in find_dates(text):
                r = resolve(d, seed.anchor, year_hint)
                dates.append(r)
                if r.kind == "full" and r.date_start:
                    year_hint = r.date_start.year
            parse = functools.cache(lambda text=text: trained()(text))
            figures = find_figures(text, mentions, dates, g, parse)
            att = attribute(text, mentions, g, ctx, first_in_paragraph=index == 0, has_figures=bool(figures),
                            parse=parse)
            factuality_marks = mentions.get("factuality", [])
            if not figures:
                checkworthy = mentions.get("event") and (mentions.get("actor") or mentions.get("place"))
                if att.type == "unattributed" and not checkworthy:
                    continue
            start, end = seg_start + s, seg_start + e
            base = {
                "source_id": seed.source_id, "quote": seed.text[start:end], "char_start": start, "char_end": end,
                "speaker_actor_id": att.actor_id,
                "speaker_text": seed.text[start + att.speaker_start:start + att.speaker_start + len(att.speaker_text)]
                if att.speaker_text is not None else None,
                "cue": att.cue, "attribution_type": att.type, "place_id": _place(text, mentions, g),
                "extraction_method": "rule", "review_status": "unreviewed",
            }
            claim_dates = [d for d in dates if not (dateline and d.start < dateline.end())]
            for fig in figures or [None]:
                date = _nearest_date(claim_dates, fig.start if fig else None, text)
                row = dict(base)
                row["claim_id"] = claim_id(seed.sha256, start, end, None if fig is None else
                                           Figure(start + fig.start, start + fig.end, fig.text, *[None] * 7))
                row["claim_kind"] = "figure" if fig else "statement"
                row["factuality"] = _factuality(text, factuality_marks, fig)
                if fig:
                    row.update(figure_text=seed.text[start + fig.start:start + fig.end],
                               figure_start=start + fig.start, figure_end=start + fig.end, value=fig.value,
                               low=fig.low, high=fig.high, qualifier=fig.qualifier, unit=fig.unit,
                               object=fig.object, predicate=fig.predicate)
                    thing = counted_thing(parse(), fig.start, fig.end, fig.unit)
                    if thing:
                        row["object_text"] = seed.text[start + thing[0]:start + thing[1]]
                if date:
                    row.update(date_text=seed.text[start + date.start:start + date.end], date_start=date.date_start,
                               date_end=date.date_end, date_precision=date.precision)
                out.claims.append(row)
    out.new_actors = {k: v for k, v in ctx.extracted.items() if k not in g.actors}
    return out
