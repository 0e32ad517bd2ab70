"""Page furniture: find the lines of a seed that are not article content.

Nothing is deleted from the text. The cleaner returns the excluded spans (with a reason, for the
``excluded_spans`` table) and the body *segments* that extraction reads; every offset points into
the original seed text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsclaims.pipeline.gazetteer import Gazetteer

_END = re.compile(r"[.!?…:;][\"'”’)\]]*\s*$")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    reason: str
    text: str


@dataclass(frozen=True)
class Cleaned:
    excluded: list[Span]
    segments: list[tuple[int, int]]   # [start, end) runs of body text; a segment boundary ends a sentence


@dataclass(frozen=True)
class _Line:
    start: int
    end: int      # without the newline
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def ends_sentence(self) -> bool:
        return bool(_END.search(self.text))


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        stripped = raw.rstrip("\r")
        lead = len(stripped) - len(stripped.lstrip())
        body = stripped.strip()
        out.append(_Line(pos + lead, pos + lead + len(body), body))
        pos += len(raw) + 1
    return out


def _is_heading(line: _Line) -> bool:
    """A short line without sentence punctuation whose words are mostly capitalised."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", line.text)]
    if not words or line.words > 14 or line.ends_sentence:
        return False
    minor = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on", "or",
             "the", "to", "with", "over", "amid", "after", "vs"}
    capital = sum(w[0].isupper() for w in words if w.lower() not in minor)
    major = sum(w.lower() not in minor for w in words)
    return major > 0 and capital / major >= 0.7


def _truncated_prose(line: _Line) -> bool:
    """A line of running text that stops mid-sentence: many words, mostly lower case, with the
    commas or function words of prose rather than a list of titles.

    >>> _truncated_prose(_Line(0, 0, "The council said the bridge would stay closed until engineers had checked the"))
    True
    >>> _truncated_prose(_Line(0, 0, "Quickly understand the history and background of various well-known coins"))
    False
    """
    words = re.findall(r"[A-Za-z][\w'’-]*", line.text)
    if len(words) < 12 or _is_heading(line):
        return False
    lower = sum(w[0].islower() for w in words) / len(words)
    function = sum(w.lower() in ("the", "a", "an", "and", "that", "to", "of", "in", "on", "said", "was", "were",
                                 "is", "are", "had", "has", "would", "will") for w in words) / len(words)
    return lower >= 0.6 and function >= 0.2


def _furniture_reason(line: _Line, g: Gazetteer) -> str | None:
    for reason, pattern in g.furniture_patterns:
        if pattern.search(line.text):
            return reason
    return None


def clean(text: str, g: Gazetteer) -> Cleaned:
    """Split a seed text into excluded spans and body segments.

    >>> from pathlib import Path
    >>> from newsclaims.pipeline.gazetteer import load_gazetteer
    >>> g = load_gazetteer(Path(__file__).resolve().parents[3])
    >>> text = "Big News Today\\n\\nKyiv said it.\\nLatest Articles\\nComments"
    >>> c = clean(text, g)
    >>> [(s.reason, s.text) for s in c.excluded]
    [('headline', 'Big News Today'), ('navigation', 'Latest Articles'), ('comments', 'Comments')]
    >>> [text[a:b] for a, b in c.segments]
    ['Kyiv said it.']
    """
    lines = [ln for ln in _lines(text) if ln.text]

    def own_paragraph(i: int) -> bool:
        """A line with a blank line (or the start/end of the text) on both sides."""
        before = i == 0 or "\n\n" in text[lines[i - 1].end:lines[i].start].replace("\r", "")
        after = i == len(lines) - 1 or "\n\n" in text[lines[i].end:lines[i + 1].start].replace("\r", "")
        return before and after

    reasons: dict[int, str] = {}
    if lines and not lines[0].ends_sentence and lines[0].words <= 25 and (own_paragraph(0) or _is_heading(lines[0])):
        reasons[0] = "headline"
    # Only a line taken as the headline can be repeated as one: a first line of prose (wire copy
    # that starts with its dateline) is the article's first sentence, not a headline.
    headline = lines[0].text.lower() if reasons.get(0) == "headline" else None
    seen: dict[str, int] = {}
    for i, ln in enumerate(lines):
        if i in reasons:
            continue
        key = ln.text.lower()
        if key == headline or (key in seen and not ln.ends_sentence):
            reasons[i] = "repeated_headline"
        elif (reason := _furniture_reason(ln, g)) is not None:
            reasons[i] = reason
        seen.setdefault(key, i)
    # The tail of a page (after the last line of prose) is furniture when it is not prose itself;
    # a long line of running text there is a paragraph cut off mid-sentence (a truncated page).
    for i in range(len(lines) - 1, 0, -1):
        if i in reasons:
            continue
        if lines[i].ends_sentence or _truncated_prose(lines[i]):
            break
        reasons[i] = "navigation"
    for i, ln in enumerate(lines):
        if i not in reasons and _is_heading(ln) and own_paragraph(i) and i + 1 < len(lines):
            reasons[i] = "subheading"
    excluded = [Span(lines[i].start, lines[i].end, r, lines[i].text) for i, r in sorted(reasons.items())]
    segments: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    previous: _Line | None = None
    for i, ln in enumerate(lines):
        if i in reasons:
            if current:
                segments.append(current)
            current, previous = None, None
            continue
        paragraph_break = previous is None or "\n\n" in text[previous.end:ln.start].replace("\r", "") \
            or (previous.ends_sentence and not ln.text[:1].islower())
        if current and not paragraph_break:
            current = (current[0], ln.end)
        else:
            if current:
                segments.append(current)
            current = (ln.start, ln.end)
        previous = ln
    if current:
        segments.append(current)
    return Cleaned(excluded=excluded, segments=segments)
