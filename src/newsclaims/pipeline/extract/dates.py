"""Date expressions in a sentence, resolved to a date range with a precision.

Expressions are found with patterns written for news English; resolving them is left to
dateparser (relative expressions against a base date). An expression that needs an anchor the
article does not give stays unresolved: the text is kept, the dates are null, nothing is guessed.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateparser.date import DateDataParser

MONTH = (r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|"
         r"Sep(?:tember|t\.|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)")
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
YEAR = r"(?:19|20)\d{2}"

# (kind, pattern) in priority order; earlier kinds win where matches overlap.
PATTERNS = [
    ("full", rf"\b{MONTH}\s+{DAY},?\s+{YEAR}\b|\b{DAY}\s+{MONTH},?\s+{YEAR}\b"),
    ("month_year", rf"\b{MONTH},?\s+{YEAR}\b"),
    ("month_day", rf"\b{MONTH}\s+{DAY}\b(?!\s*(?:,|)\s*\d)|\b{DAY}\s+{MONTH}\b"),
    ("month", rf"\b(?:(?:by\s+)?the\s+end\s+of|(?:early|mid|late)[- ]|in|since|during|until|from|for|next|last|this)"
              rf"\s+{MONTH}\b(?!\s+\d)"),
    ("season", r"\b(?:last|this|next|(?:early|late)\s+this)\s+(?:winter|spring|summer|autumn|fall)\b"),
    ("relative", rf"\b(?:overnight|over\s+the\s+weekend|at\s+the\s+weekend|this\s+weekend|yesterday|today|tonight|"
                 rf"this\s+(?:morning|afternoon|evening)|"
                 rf"last\s+night|(?:last|this|next|earlier\s+this|later\s+this)\s+(?:week|month|year)|"
                 rf"(?:on\s+|last\s+|next\s+)?{WEEKDAY}(?:\s+(?:night|morning|evening|afternoon))?)\b"),
    ("year", rf"(?<![\d,.-]){YEAR}(?![\d-])"),
]
_COMPILED = [(kind, re.compile(p, re.IGNORECASE if kind in ("relative", "season") else 0)) for kind, p in PATTERNS]
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
_PARSER_CACHE: dict[date, DateDataParser] = {}


@dataclass(frozen=True)
class DateExpr:
    start: int
    end: int
    text: str
    kind: str
    date_start: date | None = None
    date_end: date | None = None
    precision: str | None = None
    since: bool = False     # "since Sunday": from that day up to the publication day
    future: bool = False    # said of what is still to come ("will begin on Thursday")


def find_dates(text: str) -> list[DateExpr]:
    """Date expressions in *text*, not overlapping, in text order (unresolved).

    >>> [(d.kind, d.text) for d in find_dates("On Sunday, Nov. 16, 2025, and in 2022, by the end of November")]
    [('relative', 'On Sunday'), ('full', 'Nov. 16, 2025'), ('year', '2022'), ('month', 'by the end of November')]
    """
    taken: list[DateExpr] = []
    for kind, pattern in _COMPILED:
        for m in pattern.finditer(text):
            if any(m.start() < d.end and d.start < m.end() for d in taken):
                continue
            taken.append(DateExpr(m.start(), m.end(), m.group(0), kind,
                                  since=bool(re.search(r"\bsince\s+$", text[:m.start()], re.IGNORECASE)),
                                  future=_future(text, m.start())))
    return sorted(taken, key=lambda d: d.start)


_FUTURE = re.compile(r"\b(?:will|shall|'ll|is\s+due|are\s+due|is\s+to\s+be|are\s+to\s+be|to\s+be\s+held|scheduled|"
                     r"plans?\s+to|planned|expected|expects|ahead\s+of|upcoming|aims?\s+to|would)\b", re.IGNORECASE)


def _future(text: str, at: int) -> bool:
    """Whether the clause a date expression stands in speaks of what is still to come."""
    start = max(text.rfind(sep, 0, at) for sep in (",", ";", ":", ".", "\n", '"'))
    clause = text[start + 1:at]
    cut = max(clause.rfind(word) for word in (" after ", " following ", " since "))
    return bool(_FUTURE.search(clause[cut + 1:] if cut >= 0 else clause))


def _parser(base: date) -> DateDataParser:
    if base not in _PARSER_CACHE:
        _PARSER_CACHE[base] = DateDataParser(languages=["en"], settings={
            "RELATIVE_BASE": datetime(base.year, base.month, base.day), "PREFER_DATES_FROM": "past"})
    return _PARSER_CACHE[base]


@functools.lru_cache(maxsize=1 << 16)
def _parse(base: date, text: str) -> tuple[date | None, str | None]:
    """dateparser's reading of *text* relative to *base* (memoised: articles repeat the same
    expressions against the same publication days, and dateparser dominates extraction time)."""
    try:
        data = _parser(base).get_date_data(text)
    except (OverflowError, ValueError):     # e.g. "last week" relative to 1 January of year 1
        return None, None
    return (data.date_obj.date(), data.period) if data.date_obj else (None, None)


def _span(d: date, period: str) -> tuple[date, date, str]:
    if period == "week":
        monday = d - timedelta(days=d.weekday())
        return monday, monday + timedelta(days=6), "week"
    if period == "month":
        return d.replace(day=1), d.replace(day=calendar.monthrange(d.year, d.month)[1]), "month"
    if period == "year":
        return date(d.year, 1, 1), date(d.year, 12, 31), "year"
    return d, d, "day"


def _month_number(text: str) -> int:
    name = re.search(MONTH, text).group(0)[:3].lower()
    return ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].index(name) + 1


def _season(anchor: date, name: str, shift: str) -> tuple[date, date, str]:
    """A season named relative to *anchor* (northern hemisphere months): "last" the latest one
    over before *anchor*, "next" the first one starting after it, else the one *anchor* is in or
    the next one this year.

    >>> _season(date(2026, 9, 29), "winter", "last")[:2]
    (datetime.date(2025, 12, 1), datetime.date(2026, 2, 28))
    """
    first, last = _SEASONS[name]

    def bounds(year: int) -> tuple[date, date]:      # the season that starts in *year*
        end_year = year + 1 if last < first else year
        return date(year, first, 1), date(end_year, last, calendar.monthrange(end_year, last)[1])
    candidates = [bounds(y) for y in range(anchor.year - 2, anchor.year + 2)]
    if shift == "last":
        start, end = max(c for c in candidates if c[1] < anchor)
    elif shift == "next":
        start, end = min(c for c in candidates if c[0] > anchor)
    else:
        start, end = min(c for c in candidates if c[1] >= anchor)
    return start, end, "month"


def _month(anchor: date | None, year: int, month: int, text: str, future: bool) -> tuple[date, date, str]:
    """A month named without its year: the anchor's year, moved to the next occurrence for
    "next", "from" or "for" in what is still to come, and to the previous one for "last"."""
    low = text.lower()
    if anchor is not None:
        if low.startswith("next") or (future and month < anchor.month and re.match(r"(?:for|from|by|until|in)\b", low)):
            year = anchor.year + (month <= anchor.month)
        elif low.startswith("last"):
            year = anchor.year - (month >= anchor.month)
    return _span(date(year, month, 1), "month")


def resolve(expr: DateExpr, anchor: date | None, year_hint: int | None) -> DateExpr:
    """Resolve an expression: absolute ones alone, month-day and month ones with the anchor's year
    (or the year of the last full date earlier in the article), relative ones only with an anchor day.

    >>> e = find_dates("on Sunday")[0]
    >>> r = resolve(e, date(2025, 11, 17), None); (r.date_start, r.precision)
    (datetime.date(2025, 11, 16), 'day')
    >>> resolve(e, None, 2025).date_start is None
    True
    >>> r = resolve(find_dates("by the end of November")[0], None, 2025); (r.date_start, r.date_end)
    (datetime.date(2025, 11, 1), datetime.date(2025, 11, 30))
    """
    text = expr.text
    year = anchor.year if anchor else year_hint
    found: tuple[date, date, str] | None = None
    if expr.kind == "year":
        found = _span(date(int(text), 1, 1), "year")
    elif expr.kind in ("full", "month_year"):
        day, _ = _parse(anchor or date(2000, 1, 1), text.replace("Sept.", "Sep."))
        if day:
            found = _span(day, "month" if expr.kind == "month_year" else "day")
    elif expr.kind == "month" and year:
        found = _month(anchor, year, _month_number(text), text, expr.future)
    elif expr.kind == "season" and anchor:
        words = text.lower().split()
        found = _season(anchor, words[-1], words[0] if words[0] in ("last", "next") else "")
    elif expr.kind == "month_day" and year:
        day = int(re.search(r"\d+", text).group(0))
        month = _month_number(text)
        if day <= calendar.monthrange(year, month)[1]:
            found = (date(year, month, day), date(year, month, day), "day")
    elif expr.kind == "relative" and anchor:
        low = text.lower()
        weekday = re.fullmatch(rf"(?:on\s+)?(last\s+|next\s+)?({WEEKDAY.lower()[3:-1]})(?:\s+\w+)?", low)
        if weekday:
            shift = (weekday.group(1) or "").strip() or ("next" if expr.future and anchor.strftime("%A").lower() != weekday.group(2) else "")
            found = _weekday(anchor, weekday.group(2), shift)
        elif low in ("tonight", "today") or low.startswith("this ") and low.split()[1] in ("morning", "afternoon", "evening"):
            found = (anchor, anchor, "day")
        elif low == "overnight" and expr.future:
            found = (anchor, anchor + timedelta(days=1), "day")
        elif low == "overnight" or low == "last night":
            found = (anchor - timedelta(days=1), anchor, "day")
        elif "weekend" in low:
            saturday = anchor - timedelta(days=(anchor.weekday() - 5) % 7)
            found = (saturday, saturday + timedelta(days=1), "week")
        else:
            cleaned = re.sub(r"^(on|earlier|later)\s+|\s+(night|morning|evening|afternoon)$", "", low)
            day, period = _parse(anchor, cleaned)
            if day:
                found = _span(day, period or "day")
    if not found:
        return expr
    if expr.since and anchor and found[0] <= anchor:
        found = (found[0], anchor, found[2] if found[2] != "day" else "week" if (anchor - found[0]).days <= 7 else "month")
    return DateExpr(expr.start, expr.end, expr.text, expr.kind, *found, since=expr.since, future=expr.future)


_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday(anchor: date, name: str, shift: str) -> tuple[date, date, str]:
    """A weekday named in an article published on *anchor*: that very day when the article is
    published on it, else the most recent one before it ("last": the one before that day,
    "next": the first one after it).

    >>> _weekday(date(2026, 3, 12), "thursday", "")[0], _weekday(date(2026, 3, 12), "wednesday", "")[0]
    (datetime.date(2026, 3, 12), datetime.date(2026, 3, 11))
    >>> _weekday(date(2026, 3, 12), "thursday", "next")[0], _weekday(date(2026, 3, 12), "thursday", "last")[0]
    (datetime.date(2026, 3, 19), datetime.date(2026, 3, 5))
    """
    target = _DAYS.index(name)
    if shift == "next":
        day = anchor + timedelta(days=(target - anchor.weekday() - 1) % 7 + 1)
    elif shift == "last":
        day = anchor - timedelta(days=(anchor.weekday() - target - 1) % 7 + 1)
    else:
        day = anchor - timedelta(days=(anchor.weekday() - target) % 7)
    return day, day, "day"
