"""Date expressions in a sentence, resolved to a date range with a precision.

Expressions are found with patterns written for news English; resolving them is left to
dateparser (relative expressions against a base date). An expression that needs an anchor the
article does not give stays unresolved: the text is kept, the dates are null, nothing is guessed.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from dateparser.date import DateDataParser

MONTH = (r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|"
         r"Sep(?:tember|t\.|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)")
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
YEAR = r"(?:19|20)\d{2}"

# (kind, pattern) in priority order; earlier kinds win where matches overlap.
PATTERNS = [
    ("night_of", rf"\b(?:the\s+)?night\s+of\s+(?:{DAY}\s+(?:to|-|–|into)\s+{DAY}\s+{MONTH}|{MONTH}\s+{DAY}\s*(?:to|-|–|into)\s*{DAY})"
                 rf"(?:,?\s+{YEAR})?"),
    ("overnight_into", rf"\bovernight\s+(?:hours\s+)?(?:leading\s+)?(?:into|to)\s+(?:{MONTH}\s+{DAY}|{DAY}\s+{MONTH}|{WEEKDAY})(?:,?\s+{YEAR})?"),
    ("end_of", r"\b(?:by\s+|at\s+|before\s+)?the\s+(?:end|start|beginning|middle)\s+of\s+(?:the|this|next|last)\s+"
               r"(?:week|month|year)\b"),
    ("offset", r"\b(?:a|one|the|two|three|four|five|six|\d)\s+days?\s+(?:after|before|earlier|later)\b"
               r"|\bthe\s+(?:previous|next|following)\s+day\b"),
    ("past_period", r"\b(?:over|in|during|for)\s+the\s+(?:past|last)\s+(?:(?:two|three|four|five|six|seven|\d{1,2})\s+)?"
                    r"(?:days?|weeks?|months?)\b"),
    ("ago", r"\b(?:(?:a|one|two|three|four|five|six|seven|\d{1,2})\s+(?:days?|weeks?)|a\s+fortnight)\s+ago\b"),
    ("full", rf"\b{MONTH}\s+{DAY},?\s+{YEAR}\b|\b{DAY}\s+{MONTH},?\s+{YEAR}\b"),
    ("month_year", rf"\b{MONTH},?\s+{YEAR}\b"),
    ("month_day", rf"\b{MONTH}\s+{DAY}\b(?!\s*(?:,|)\s*\d)|\b{DAY}\s+{MONTH}\b"),
    ("month", rf"\b(?:(?:(?:by\s+)?the\s+end\s+of|in|since|during|until|from|for|next|last|this|and|or|through)\s+"
              rf"(?:(?:early|mid|late)[- ]?\s*)?|(?:early|mid|late)[- ]\s*){MONTH}\b(?!\s+\d)"),
    ("season", r"\b(?:last|this|next|(?:early|late)\s+this)\s+(?:winter|spring|summer|autumn|fall)\b"),
    ("relative", rf"\b(?:(?:before|at|just\s+after|after)\s+dawn\s+(?=today|yesterday|on\s+{WEEKDAY}))?"
                 rf"(?:overnight|over\s+the\s+weekend|at\s+the\s+weekend|this\s+weekend|yesterday|today|tonight|tomorrow|"
                 rf"this\s+(?:morning|afternoon|evening)|"
                 rf"last\s+night|(?:last|this|next|earlier\s+this|later\s+this)\s+(?:week|month|year)|"
                 rf"(?:on\s+)?{WEEKDAY}\s+of\s+(?:next|last|this)\s+week|"
                 rf"(?:(?:late|early)\s+(?:on\s+)?|on\s+|last\s+|next\s+)?{WEEKDAY}(?:\s+(?:night|morning|evening|afternoon))?)\b"),
    ("year", rf"(?<![\d,.-]){YEAR}(?![\d-])"),
]
_COMPILED = [(kind, re.compile(p, re.IGNORECASE if kind in ("relative", "season", "ago", "end_of", "offset", "past_period") else 0))
             for kind, p in PATTERNS]
_NUMBER_WORDS = {"a": 1, "one": 1, "the": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
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
                                  since=bool(re.search(r"\bsince\s+$", text[:m.start()], re.IGNORECASE)
                                             or re.match(r"since\b", m.group(0), re.IGNORECASE)),
                                  future=_future(text, m.start())))
    return sorted(taken, key=lambda d: d.start)


_FUTURE = re.compile(r"\b(?:will|shall|'ll|is\s+due|are\s+due|is\s+to\s+be|are\s+to\s+be|to\s+be\s+held|scheduled|"
                     r"plans?\s+to|planned|expected|expects|ahead\s+of|upcoming|aims?\s+to|would|call(?:s|ed)?\s+for|"
                     r"urg(?:e|es|ed)|due\s+to|set\s+to|should\s+be)\b", re.IGNORECASE)


def _future(text: str, at: int) -> bool:
    """Whether the clause a date expression stands in speaks of what is still to come ("had been
    due to" speaks of a past plan; reported speech's "were expected" of one still to come)."""
    start = max(text.rfind(sep, 0, at) for sep in (",", ";", ":", ".", "\n", '"'))
    clause = text[start + 1:at]
    if re.search(r"\bhad\s+been\s+(?:due|expected|scheduled|set|supposed|planned)\b", clause, re.IGNORECASE):
        return False
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
    "next", "from" or "for" in what is still to come, and to the previous one for "last" or for a
    month more than one month after the anchor's in what is over."""
    low = text.lower()
    if anchor is not None:
        if low.startswith("next") or (future and month < anchor.month and re.match(r"(?:for|from|by|until|in)\b", low)):
            year = anchor.year + (month <= anchor.month)
        elif low.startswith("last"):
            year = anchor.year - (month >= anchor.month)
        elif not future and month > anchor.month + 1:
            year = anchor.year - 1      # "an election in October" in a January article: last October
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
    if expr.kind in ("night_of", "overnight_into"):
        found = _night(expr, anchor, year)
    elif expr.kind == "end_of" and anchor:
        period = re.search(r"(week|month|year)$", text.lower()).group(1)
        which = re.search(r"(the|this|next|last)\s+\w+$", text.lower()).group(1)
        shifted = {"the": "this", "this": "this"}.get(which, which)
        day, _ = _parse(anchor, f"{shifted} {period}") if shifted != "this" else (anchor, None)
        if day:
            found = _span(day, period)
    elif expr.kind == "past_period" and anchor:
        m = re.search(r"(?:(\w+)\s+)?(day|week|month)s?$", text.lower())
        count = _NUMBER_WORDS.get(m.group(1) or "a") or (int(m.group(1)) if (m.group(1) or "").isdigit() else 1)
        days = count * {"day": 1, "week": 7, "month": 30}[m.group(2)]
        # "the past three days" is a range, not a day: the week (or month) it lies in
        found = (anchor - timedelta(days=days), anchor, "week" if m.group(2) == "day" and days <= 7 else
                 "month" if m.group(2) == "day" else m.group(2))
    elif expr.kind == "ago" and anchor:
        m = re.match(r"(\w+)\s+(day|week|fortnight)", text.lower())
        count = 1 if m.group(2) == "fortnight" else _NUMBER_WORDS.get(m.group(1)) or int(m.group(1))
        days = count * {"day": 1, "week": 7, "fortnight": 14}[m.group(2)]
        found = (anchor - timedelta(days=days), anchor - timedelta(days=days), "day" if m.group(2) == "day" else "week")
        if found[2] == "week":
            found = (found[0] - timedelta(days=3), found[0] + timedelta(days=3), "week")
    elif expr.kind == "year":
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
        if anchor is not None and not expr.future and (month, day) > (anchor.month, anchor.day) \
                and (date(anchor.year, month, 1) - anchor).days > 31:
            year -= 1       # "16 November" in an article of March: the last one, not one still to come
        elif anchor is not None and expr.future and (month, day) < (anchor.month, anchor.day) and year == anchor.year:
            year += 1       # "will be held on March 3" in an article of October: next March
        if day <= calendar.monthrange(year, month)[1]:
            found = (date(year, month, day), date(year, month, day), "day")
    elif expr.kind == "relative" and anchor:
        low = re.sub(r"^(?:(?:before|at|just\s+after|after)\s+dawn|late|early)\s+", "", text.lower())
        of_week = re.fullmatch(rf"(?:on\s+)?({WEEKDAY.lower()[3:-1]})\s+of\s+(next|last|this)\s+week", low)
        weekday = None if of_week else re.fullmatch(rf"(?:on\s+)?(last\s+|next\s+)?({WEEKDAY.lower()[3:-1]})(?:\s+\w+)?", low)
        if of_week:     # "Thursday of next week": that weekday in the calendar week before/after this one
            monday = anchor - timedelta(days=anchor.weekday())
            day = monday + timedelta(days=7 * {"next": 1, "last": -1, "this": 0}[of_week.group(2)]
                                     + _DAYS.index(of_week.group(1)))
            found = (day, day, "day")
        elif weekday:
            shift = (weekday.group(1) or "").strip() or ("next" if expr.future and anchor.strftime("%A").lower() != weekday.group(2) else "")
            found = _weekday(anchor, weekday.group(2), shift)
        elif low in ("tonight", "today") or low.startswith("this ") and low.split()[1] in ("morning", "afternoon", "evening"):
            found = (anchor, anchor, "day")
        elif low == "tomorrow":
            found = (anchor + timedelta(days=1), anchor + timedelta(days=1), "day")
        elif low == "overnight" and expr.future:
            found = (anchor, anchor + timedelta(days=1), "night")
        elif low == "overnight" or low == "last night":
            found = (anchor - timedelta(days=1), anchor, "night")
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
        found = (found[0], anchor, found[2] if found[2] not in ("day", "night") else "week" if (anchor - found[0]).days <= 7 else "month")
    return DateExpr(expr.start, expr.end, expr.text, expr.kind, *found, since=expr.since, future=expr.future)


_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _night(expr: DateExpr, anchor: date | None, year: int | None) -> tuple[date, date, str] | None:
    """ "the night of 15 to 16 November" and "overnight into December 3": the two days the night
    spans (precision night).

    >>> e = find_dates("on the night of 15 to 16 November")[0]
    >>> resolve(e, date(2025, 11, 17), None).date_start, resolve(e, date(2025, 11, 17), None).date_end
    (datetime.date(2025, 11, 15), datetime.date(2025, 11, 16))
    """
    text = expr.text
    explicit = re.search(YEAR, text)
    if explicit:
        year = int(explicit.group(0))
    if expr.kind == "overnight_into":
        weekday = re.search(WEEKDAY, text)
        if weekday:
            if anchor is None:
                return None
            day = _weekday(anchor, weekday.group(0).lower(), "")[0]
            return day - timedelta(days=1), day, "night"
        target = re.search(rf"{MONTH}\s+{DAY}|{DAY}\s+{MONTH}", text).group(0)
        resolved = resolve(DateExpr(0, len(target), target, "month_day", future=expr.future), anchor,
                           year if explicit or anchor is None else None) if not explicit else \
            resolve(DateExpr(0, len(target), target, "month_day"), None, year)
        if resolved.date_start is None:
            return None
        return resolved.date_start - timedelta(days=1), resolved.date_start, "night"
    days = [int(d) for d in re.findall(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", re.sub(YEAR, "", text))]
    month = _month_number(re.search(MONTH, text).group(0))
    if year is None or len(days) < 2:
        return None
    if anchor is not None and not explicit and (month, days[0]) > (anchor.month, anchor.day) \
            and (date(anchor.year, month, 1) - anchor).days > 31:
        year -= 1
    try:
        first, last = date(year, month, days[0]), date(year, month, days[1])
        return first, last, "night" if (last - first).days == 1 else "week"
    except ValueError:
        return None


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


def resolve_offsets(dates: list[DateExpr], text: str, anchor: date | None) -> list[DateExpr]:
    """Resolve "a day after", "the day before", "the next day"... against the day-precision date
    before them in the sentence (or the publication day): "said on Thursday, a day after both sides
    agreed" dates the agreement to Wednesday.

    >>> ds = find_dates("It was said on Thursday, a day after the truce.")
    >>> ds = resolve_offsets([resolve(d, date(2026, 12, 3), None) for d in ds], "It was said on Thursday, a day after the truce.", date(2026, 12, 3))
    >>> ds[1].date_start
    datetime.date(2026, 12, 2)
    """
    out = []
    for d in dates:
        if d.kind == "offset" and d.date_start is None:
            base = next((b.date_start for b in reversed(out) if b.precision == "day" and b.start < d.start), anchor)
            if base is not None:
                low = d.text.lower()
                followed = bool(re.match(r"\s+[A-Za-z]", text[d.end:]))
                if "after" in low and followed or "earlier" in low or "previous" in low or "before" in low and not followed:
                    shift = -1
                else:
                    shift = 1      # "a day before the vote", "a day later", "the next day"
                count = re.match(r"(\w+)\s+days?\b", low)
                count = _NUMBER_WORDS.get(count.group(1), 1) if count and not count.group(1).isdigit() else \
                    int(count.group(1)) if count else 1
                day = base + timedelta(days=shift * count)
                d = replace(d, date_start=day, date_end=day, precision="day")
        out.append(d)
    return out

