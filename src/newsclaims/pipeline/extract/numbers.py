"""Number expressions: "1,200", "8.8 million", "one", "twenty-five", "two and a half thousand".

Hand-written because the libraries for words-to-numbers (e.g. text2num) reject fractional
multipliers like "two and a half thousand" and do not return the character span of what they read;
this stays a small table-driven parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsclaims.datapackage.errors import NewsclaimsError

UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                    "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
NUMBER_WORDS = set(UNITS) | set(TENS) | set(SCALES) | {"dozen", "half"}

DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORD = "|".join(sorted(NUMBER_WORDS - {"half"}, key=len, reverse=True))
# A run of number words, e.g. "two and a half thousand", "one hundred and twenty", "twenty-five".
WORDS = (rf"(?:\ba[ -])?(?:\b(?:{_WORD})\b)(?:(?:[ -]|\s+and\s+(?:a\s+)?)(?:half\b|\b(?:{_WORD})\b))*"
         r"|\bhalf\s+a\s+(?:million|billion|thousand|dozen)\b")
NUMBER = re.compile(rf"(?<![\w.,-])(?:{DIGITS})(?:\s+(?:million|billion|thousand|hundred)\b)?(?!(?![CF]\b)\w)|{WORDS}",
                    re.IGNORECASE)


@dataclass(frozen=True)
class Number:
    start: int
    end: int
    text: str
    value: float
    is_digits: bool


def words_to_value(text: str) -> float:
    """Value of a run of English number words.

    >>> [words_to_value(t) for t in ["one", "twenty-five", "two and a half thousand",
    ...                               "one hundred and twenty", "a thousand", "half a million", "a dozen"]]
    [1.0, 25.0, 2500.0, 120.0, 1000.0, 500000.0, 12.0]
    >>> words_to_value("banana")
    Traceback (most recent call last):
    newsclaims.datapackage.errors.NewsclaimsError: 'banana' is not a number
    """
    words = [w for w in re.split(r"[\s-]+", text.lower().strip()) if w and w != "and"]
    total, current, seen = 0.0, 0.0, False
    for i, w in enumerate(words):
        if w == "a":
            current = current or 1.0 if i + 1 < len(words) and words[i + 1] in SCALES | {"dozen": 12} else current
            continue
        if w in UNITS:
            current += UNITS[w]
        elif w in TENS:
            current += TENS[w]
        elif w == "half":
            current = current + 0.5 if current else 0.5
        elif w == "dozen":
            current = (current or 1) * 12
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in SCALES:
            total += (current or 1) * SCALES[w]
            current = 0
        else:
            raise NewsclaimsError(f"{text!r} is not a number")
        seen = True
    if not seen:
        raise NewsclaimsError(f"{text!r} is not a number")
    return total + current


def parse_number(text: str) -> float:
    """Value of a number expression in digits or words.

    >>> parse_number("1,200"), parse_number("8.8 million"), parse_number("two and a half thousand")
    (1200.0, 8800000.0, 2500.0)
    """
    m = re.fullmatch(rf"({DIGITS})(?:\s+(million|billion|thousand|hundred))?", text.strip(), re.IGNORECASE)
    if m:
        value = float(m.group(1).replace(",", ""))
        return value * SCALES[m.group(2).lower()] if m.group(2) else value
    return words_to_value(text)


def find_numbers(text: str) -> list[Number]:
    """Every number expression in *text*, with its span.

    >>> [(n.text, n.value) for n in find_numbers("176 drones and one missile; 1,200 prisoners")]
    [('176', 176.0), ('one', 1.0), ('1,200', 1200.0)]
    """
    out = []
    for m in NUMBER.finditer(text):
        raw = m.group(0)
        stripped = raw.rstrip(" -")
        try:
            value = parse_number(stripped)
        except NewsclaimsError:
            continue
        out.append(Number(m.start(), m.start() + len(stripped), stripped, value, stripped[0].isdigit()))
    return out
