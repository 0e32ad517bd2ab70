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
from dataclasses import dataclass, field, replace

from newsclaims.pipeline.clean import Span, clean
from newsclaims.pipeline.gazetteer import Gazetteer
from newsclaims.pipeline.ingest import Seed
from newsclaims.pipeline.extract.attribution import UNATTRIBUTED, Attribution, Context, Voice, attribute, note_names, voices
from newsclaims.pipeline.extract.dates import DateExpr, find_dates, resolve, resolve_offsets
from newsclaims.pipeline.extract.figures import Figure, find_figures
from newsclaims.pipeline.extract.model import trained
from newsclaims.pipeline.extract.nlp import Mention, pipeline, straighten
from newsclaims.pipeline.extract.syntax import agent, counted_thing, share_of

EXTRACTOR_VERSION = "1.26.0"
"""Bump when a change to the extractor can change its output (part of the extraction cache key)."""

_FACTUALITY_ORDER = ("denied", "planned_intent", "hedged")


@dataclass
class Extraction:
    """What the extractor found in one seed."""

    source_id: str
    claims: list[dict] = field(default_factory=list)
    excluded: list[Span] = field(default_factory=list)
    new_actors: dict[str, dict] = field(default_factory=dict)
    place_names: list[str] = field(default_factory=list)   # every place name met, dateline first


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


_STATEMENT_CUE = re.compile(
    r"\b(?:sa(?:id|ys)|t(?:old|ells)(?:\s+(?!on\b|in\b)\w+)?|announced|confirmed|reported|showed|published|released|stated|added|warned|"
    r"wrote|posted|estimated|forecast|predicted|found)\b(?:\s+(?:reporters|journalists|a\s+news\s+conference|"
    r"in\s+an?\s+(?:statement|report|interview|update|briefing|post)|on\s+(?:its|his|her|their)\s+\w+|"
    r"late|early|briefly))*\s*$", re.IGNORECASE)


def _statement_date(text: str, d: DateExpr) -> bool:
    """Whether a date expression dates the saying ("the agency said on Wednesday", "figures
    showed on Thursday", "told reporters on Monday") rather than what was said."""
    return bool(_STATEMENT_CUE.search(text[:d.start]))


# "KESTANE, Turkey, March 12 (Wire) - " or "ATHENS, Aug 21 - ": where and when the copy was
# filed, not a date the article's claims are about.
_DATELINE = re.compile(r"^(?:[A-Z][A-Za-z.'-]*(?:\s[A-Z][A-Za-z.'-]*)*,\s){1,2}[A-Z][a-z]{2,8}\.?\s\d{1,2}"
                       r"(?:\s\([^)]{1,30}\))?\s[-\u2013\u2014]\s")

_PLACE_RANK = {"site": 0, "city": 1, "admin1": 2, "area": 3, "country": 4}


def _places(text: str, mentions: dict[str, list[Mention]]) -> list[Mention]:
    """The gazetteer places a sentence names as places: a name used as an actor ("Moscow said",
    "Kyiv signed") counts only after a locative preposition."""
    actors = mentions.get("actor", [])
    return [m for m in mentions.get("place", [])
            if not any(a.start <= m.start and m.end <= a.end for a in actors)
            or re.search(r"\b(?:in|on|near|over|to|from|at|across|around)\s+(?:the\s+)?$", text[:m.start])]


def _place(text: str, mentions: dict[str, list[Mention]], g: Gazetteer) -> str | None:
    """The most specific gazetteer place named."""
    places = _places(text, mentions)
    if not places:
        return None
    return min(places, key=lambda m: (_PLACE_RANK[g.places[m.label]["type"]], m.start)).label


def _sides(text: str, span: tuple[int, int] | None, mentions: dict[str, list[Mention]], g: Gazetteer,
           speaker_id: str | None) -> list[list]:
    """``[actor id, country]`` of each doer at *span* of a sentence, in text order: actors the
    gazetteer knows, countries named ("Ukraine and Russia"), demonyms ("Ukrainian forces"), or, for
    "its forces", the speaker's country. The actor is the country's state actor when only the
    country is known (None when the gazetteer has none)."""
    if span is None:
        return []
    a, b = span

    def state(country):
        return next((k for k, v in g.actors.items() if v.get("type") == "state" and v.get("country") == country), None)

    found: list[tuple[int, int, list]] = []
    for m in mentions.get("actor", []) + mentions.get("place", []):
        if a <= m.start and m.end <= b:
            entry = g.actors.get(m.label) if m.kind == "actor" else g.places.get(m.label)
            if entry and (m.kind == "actor" or entry.get("type") == "country"):
                found.append((m.start, m.end, [m.label if m.kind == "actor" else state(entry.get("country")),
                                               entry.get("country")]))
    demonyms = g.lexicon.get("demonyms") or {}
    for w in re.finditer(r"[A-Za-z]+", text[a:b]):
        at = a + w.start()
        if w.group(0) in demonyms and not any(x <= at < y for x, y, _ in found):
            found.append((at, at + len(w.group(0)), [state(demonyms[w.group(0)]), demonyms[w.group(0)]]))
    if not found and re.match(r"(?:its|their)\b", text[a:b], re.IGNORECASE) and speaker_id in g.actors:
        country = g.actors[speaker_id].get("country")
        found.append((a, a, [state(country), country]))
    out: list[list] = []
    for _, _, side in sorted(found, key=lambda x: x[0]):
        if side not in out:
            out.append(side)
    return out


def _parse_input(norm: str, segments: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """What the trained pipeline reads of an article: its segments as one text (one document per
    article: a document per segment or per sentence pays the pipeline's per-document cost many
    times over), and where each segment starts in it. The parser reads a segment without its
    opening dateline ("LONDON, May 6 (Wire) - "), which it would take for a subject; blanks keep
    every offset."""
    texts, bases, at = [], [], 0
    for a, b in segments:
        segment = norm[a:b]
        lead = len(segment) - len(segment.lstrip())
        m = _DATELINE.match(segment[lead:])
        texts.append(segment[:lead] + " " * m.end() + segment[lead + m.end():] if m else segment)
        bases.append(at)
        at += len(texts[-1]) + 2
    return "\n\n".join(texts), bases


def _sentence_parse(segment, start: int, end: int, text: str):
    """The parse of the sentence at [start, end) of a parsed segment (the article's document and
    the segment's start in it) as a document of its own, offsets relative to the sentence; parsed
    alone when the tokens do not line up."""
    doc, base = segment
    span = doc.char_span(base + start, base + end, alignment_mode="expand")
    if span is not None and span.start_char == base + start and span.end_char == base + end:
        return span.as_doc()
    return trained()(text)


def _rows(seed: Seed, g: Gazetteer, seg_start: int, s: int, e: int, text: str, mentions: dict, dates: list[DateExpr],
          dateline, figures: list[Figure], parse, att, spoken, shares: dict | None = None) -> list[dict]:
    """The claim rows of one sentence: one per figure, or one statement. *shares* carries what the
    article's last percentage was a share of, for a percentage whose sentence leaves it implicit."""
    rows: list[dict] = []
    factuality_marks = mentions.get("factuality", [])
    start, end = seg_start + s, seg_start + e
    base = {
        "source_id": seed.source_id, "quote": seed.text[start:end], "char_start": start, "char_end": end,
        "speaker_actor_id": att.actor_id,
        "speaker_text": seed.text[start + att.speaker_start:start + att.speaker_start + len(att.speaker_text)]
        if att.speaker_text is not None else None,
        "cue": att.cue, "attribution_type": att.type,
        "speaker_named_in": (att.carried or "sentence") if att.actor_id or att.speaker_text else None,
        "place_id": _place(text, mentions, g),
        "extraction_method": "rule", "review_status": "unreviewed",
        # for event proposals (not columns of the claims table): every place named, and names of
        # places the gazetteer does not know
        "places_named": sorted({m.label for m in _places(text, mentions)}),
        "place_names": sorted({ent.text for ent in parse().ents if ent.label_ in ("GPE", "LOC", "FAC")
                               and not any(m.start <= ent.start_char < m.end for m in mentions.get("place", []))}),
    }
    claim_dates = [d for d in dates if not (dateline and d.start < dateline.end())]
    speakers = [{"actor_id": v.actor_id, "role": v.role,
                 **({"speaker_text": seed.text[start + v.start:start + v.end], "char_start": start + v.start,
                     "char_end": start + v.end} if v.start is not None else {})} for v in spoken]
    things: list[tuple[int, int] | None] = []
    for fig in figures:
        thing = counted_thing(parse(), fig.start, fig.end, fig.unit)
        if thing is None and fig.inherits is not None:
            thing = things[fig.inherits]     # "63 of the injured ..., nine of them": the same thing
        things.append(thing)
    for k, fig in enumerate(figures or [None]):
        date = _nearest_date(claim_dates, fig.start if fig else None, text)
        row = dict(base)
        row["claim_id"] = claim_id(seed.sha256, start, end, None if fig is None else
                                   Figure(start + fig.start, start + fig.end, fig.text, *[None] * 7))
        row["claim_kind"] = "figure" if fig else "statement"
        doer = agent(parse(), fig.start if fig else None, {w.lower() for w in g.lexicon.get("event_words", [])})
        row["agents"] = _sides(text, doer, mentions, g, att.actor_id)
        row["factuality"] = _factuality(text, factuality_marks, fig)
        if fig:
            row.update(figure_text=seed.text[start + fig.start:start + fig.end],
                       figure_start=start + fig.start, figure_end=start + fig.end, value=fig.value,
                       low=fig.low, high=fig.high, qualifier=fig.qualifier, unit=fig.unit,
                       object=fig.object, predicate=fig.predicate)
            thing = things[k]
            if thing:
                row["object_text"] = seed.text[start + thing[0]:start + thing[1]]
            if fig.unit == "percent" and shares is not None:
                of = fig.object or share_of(parse(), thing)
                if of is not None:
                    shares["last"] = of
                elif shares.get("last"):
                    # "Fisk took 41.9%" after "won with 52.4% of the vote": a share of the same thing
                    row["object"] = shares["last"]
        if date:
            row.update(date_text=seed.text[start + date.start:start + date.end], date_start=date.date_start,
                       date_end=date.date_end, date_precision=date.precision)
        row["speakers"] = speakers
        row["dates"] = [{"char_start": start + d.start, "char_end": start + d.end,
                         "date_text": seed.text[start + d.start:start + d.end],
                         "role": "claim" if d is date else "statement" if _statement_date(text, d) else "mentioned",
                         "date_start": d.date_start, "date_end": d.date_end, "date_precision": d.precision}
                        for d in claim_dates]
        rows.append(row)
    return rows


def extract_article(seed: Seed, g: Gazetteer) -> Extraction:
    """Claims, excluded spans and newly met speakers of one seed article."""
    return extract_articles([seed], g)[0]


def extract_articles(seeds: list[Seed], g: Gazetteer) -> list[Extraction]:
    """:func:`extract_article` for several seeds, the trained pipeline reading them in one batch
    (``nlp.pipe``); each result is the same as the seed's alone."""
    cleaned = [clean(seed.text, g) for seed in seeds]
    inputs = [_parse_input(straighten(seed.text), c.segments) for seed, c in zip(seeds, cleaned)]
    docs = trained().pipe(text for text, _ in inputs)
    return [_extract(seed, g, c, [(doc, base) for base in bases])
            for seed, c, (_, bases), doc in zip(seeds, cleaned, inputs, docs)]


def _extract(seed: Seed, g: Gazetteer, cleaned, parsed: list) -> Extraction:
    nlp = pipeline(g)
    norm = straighten(seed.text)
    out = Extraction(seed.source_id, excluded=cleaned.excluded)
    ctx = Context()
    year_hint: int | None = None
    shares: dict[str, str] = {}
    for (seg_start, seg_end), parsed_segment in zip(cleaned.segments, parsed):
        doc = nlp.nlp(norm[seg_start:seg_end])
        all_mentions = nlp.mentions(doc)
        last_figure = None
        pending: tuple[dict, bool] | None = None
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
            dates = resolve_offsets(dates, text, seed.anchor)
            said = next((d for d in dates if d.precision == "day" and not _quoted(text, d.start)
                         and _statement_date(text, d)), None)
            if said is not None:
                # a speaker's "tonight" or "on Sunday" is relative to the day they spoke
                dates = [resolve(replace(d, date_start=None, date_end=None, precision=None), said.date_start, year_hint)
                         if d.kind == "relative" and _quoted(text, d.start) else d for d in dates]
            parse = functools.cache(lambda segment=parsed_segment, a=s, b=e, text=text: _sentence_parse(segment, a, b, text))
            figures = find_figures(text, mentions, dates, g, parse, context=last_figure if index else None)
            counts = [f for f in figures if f.unit == "count"]
            last_figure = counts[0] if counts else last_figure if index else None
            note_names(text, parse(), g, ctx, mentions.get("actor", []))
            att = attribute(text, mentions, g, ctx, first_in_paragraph=index == 0, has_figures=bool(figures),
                            parse=parse)
            att, spoken = voices(text, att, mentions, ctx, parse)
            ctx.previous = att
            if att.speaker_start is not None:
                # "two diplomats said": how many sources spoke is not a figure of the claim (but "a
                # survey of 1,203 voters found" gives the survey's size)
                said_by = (att.speaker_start, att.speaker_start + len(att.speaker_text))
                figures = [f for f in figures if not (f.start == said_by[0] and f.end < said_by[1])]
            # an event word with who, where or when: something happened that can be checked
            checkworthy = not figures and bool(mentions.get("event") and (
                mentions.get("actor") or mentions.get("place")
                or any(ent.label_ in ("GPE", "LOC", "FAC") for ent in parse().ents)
                or any(d.date_start and not (dateline and d.start < dateline.end()) for d in dates)))
            sentence = dict(seed=seed, g=g, seg_start=seg_start, s=s, e=e, text=text, mentions=mentions, dates=dates,
                            dateline=dateline, figures=figures, parse=parse)
            if pending is not None and text.count('"') % 2 == 1:
                # the quotation an unattributed sentence opened closes here: its speaker is this one's
                opened, worthy = pending
                pending = None
                if att.actor_id or att.speaker_text:
                    out.claims += _rows(**opened, att=Attribution(att.actor_id, None, None, att.cue, "direct_quote",
                                                                  carried="closing_quotation"), shares=shares,
                                        spoken=[Voice(att.actor_id, None, None, "speaker")] if att.actor_id else [])
                elif worthy:
                    out.claims += _rows(**opened, att=att, spoken=[], shares=shares)
            claimworthy = bool(figures or att.type != "unattributed" or checkworthy)
            if att.type == "unattributed" and text.startswith('"') and text.count('"') % 2 == 1:
                pending = (sentence, claimworthy)
                continue
            if not claimworthy:
                continue
            out.claims += _rows(**sentence, att=att, spoken=spoken, shares=shares)
        if pending is not None and pending[1]:
            out.claims += _rows(**pending[0], att=UNATTRIBUTED, spoken=[], shares=shares)
    out.new_actors = {k: v for k, v in ctx.extracted.items() if k not in g.actors}
    out.place_names = _article_places(norm, cleaned.segments, parsed)
    return out


def _article_places(norm: str, segments: list[tuple[int, int]], parsed: list) -> list[str]:
    """Names of places the article mentions, in order: its dateline's town, then what the trained
    pipeline tags as a place (the parse reads the text without the dateline)."""
    names = []
    if segments:
        m = _DATELINE.match(norm[segments[0][0]:segments[0][1]].lstrip())
        if m:
            names.append(m.group(0).split(",")[0].strip().title())
    if parsed:
        names += [ent.text for ent in parsed[0][0].ents if ent.label_ in ("GPE", "LOC", "FAC")]
    return names
