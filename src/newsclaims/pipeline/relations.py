"""Automatic relations between claims of different sources about the same event.

Only figure claims about the same thing (object and predicate) are compared. With the same unit
they corroborate when their figures can both be true under their qualifiers ("more than 450"
agrees with 458, not with 400) and contradict otherwise; dated to a day, night, week or month with date
ranges that do not overlap they contradict (a pair can both corroborate on its figure and
contradict on its date); with the gazetteer's places, placed apart (neither inside the other) they
contradict; asserted by one source and only planned or denied by another they contradict on
status ("signed a deal to buy 100 jets" against "plans to buy 100 jets"). Each relation records
its rule and evidence as ``basis``.
"""

from __future__ import annotations

import hashlib
import math
from itertools import combinations

from newsclaims.datapackage.csvio import format_number
from newsclaims.pipeline.gazetteer import inside

# How far "about", "approximately", "nearly" may be from the true figure.
APPROXIMATE = 0.10


def relation_id(claim: str, relation: str, target: str) -> str:
    """Stable relation id.

    >>> relation_id("clm_a", "corroborates", "clm_b") == relation_id("clm_a", "corroborates", "clm_b")
    True
    """
    return "rel_" + hashlib.sha256(f"{claim}|{relation}|{target}".encode()).hexdigest()[:16]


def interval(qualifier: str, value: float, low: float | None = None, high: float | None = None) -> tuple[float, float, bool, bool]:
    """(low, high, low_open, high_open) of the numbers a figure's wording allows.

    >>> interval("more_than", 450)
    (450, inf, True, False)
    >>> interval("approximately", 100)
    (90.0, 110.00000000000001, False, False)
    """
    if qualifier == "range" and low is not None and high is not None:
        return low, high, False, False
    return {"exact": (value, value, False, False), "more_than": (value, math.inf, True, False),
            "at_least": (value, math.inf, False, False), "less_than": (0, value, False, True),
            "up_to": (0, value, False, False),
            "approximately": (value * (1 - APPROXIMATE), value * (1 + APPROXIMATE), False, False)}.get(
        qualifier, (value, value, False, False))


def figures_agree(a: dict, b: dict) -> bool:
    """Whether two figures can both be true.

    >>> figures_agree({"qualifier": "more_than", "value": 450}, {"qualifier": "exact", "value": 458})
    True
    >>> figures_agree({"qualifier": "more_than", "value": 450}, {"qualifier": "exact", "value": 400})
    False
    """
    lo1, hi1, lo1o, hi1o = interval(a["qualifier"], a["value"], a.get("low"), a.get("high"))
    lo2, hi2, lo2o, hi2o = interval(b["qualifier"], b["value"], b.get("low"), b.get("high"))
    low, high = max(lo1, lo2), min(hi1, hi2)
    low_open = (lo1 == low and lo1o) or (lo2 == low and lo2o)
    high_open = (hi1 == high and hi1o) or (hi2 == high and hi2o)
    return low < high or (low == high and not low_open and not high_open)


def _describe(c: dict) -> str:
    return f"{c['qualifier']} {format_number(float(c['value']))}"


def _dated(c: dict) -> bool:
    """A claim whose date says when the event happened: resolved to a day, night, week or month (a bare
    year in news prose is mostly background, e.g. "agreements reached in 2022")."""
    return bool(c.get("date_start")) and c.get("date_precision") in ("day", "night", "week", "month")


_NOT_DONE = {"planned_intent", "denied"}


def automatic_relations(claims: list[dict], links: list[dict], places: dict[str, dict] | None = None) -> list[dict]:
    """Relations derived by rule from claims linked to the same event (rejected claims excluded);
    *places* (the gazetteer's) lets places be compared."""
    by_id = {c["claim_id"]: c for c in claims if c.get("review_status") != "rejected"}
    by_event: dict[str, list[dict]] = {}
    for link in links:
        if link["claim_id"] in by_id:
            by_event.setdefault(link["event_id"], []).append(by_id[link["claim_id"]])
    out = {}
    for event, members in sorted(by_event.items()):
        # claims are compared only with claims about the same thing: a fire that "broke out on
        # Monday" and homes "evacuated on Tuesday" do not disagree on a date. Figures are
        # compared only when both say what they count: two numbers of unknown things ("said 40
        # percent", "about 300") neither agree nor disagree. Grouping by the thing first keeps an
        # event of many reports from comparing every pair of its claims.
        things: dict[tuple, list[dict]] = {}
        for c in members:
            if c.get("claim_kind") == "figure" and c.get("object") is not None:
                things.setdefault((c["object"], c.get("predicate")), []).append(c)
        for _, same in sorted(things.items(), key=lambda kv: tuple(str(k) for k in kv[0])):
            for a, b in combinations(sorted(same, key=lambda c: c["claim_id"]), 2):
                if a["source_id"] != b["source_id"]:
                    for rel, basis in _compared(a, b, places):
                        rid = relation_id(a["claim_id"], rel, b["claim_id"])
                        out.setdefault(rid, {"relation_id": rid, "claim_id": a["claim_id"], "relation": rel,
                                             "target_claim_id": b["claim_id"], "target_source_id": None,
                                             "event_id": event, "method": "automatic", "basis": basis})
    return list(out.values())


def _compared(a: dict, b: dict, places: dict[str, dict] | None) -> list[tuple[str, str]]:
    """The relations of two figure claims about the same thing (object and predicate)."""
    found = []
    if a.get("unit") == b.get("unit"):
        agree = figures_agree(a, b)
        found.append(("corroborates" if agree else "contradicts",
                      f"rule figures_{'agree' if agree else 'disagree'}: {a['object']} {a['predicate']}, "
                      f"{_describe(a)} vs {_describe(b)}"))
    if _dated(a) and _dated(b) and (a["date_end"] < b["date_start"] or b["date_end"] < a["date_start"]):
        found.append(("contradicts", f"rule dates_disjoint: {a['date_start']}..{a['date_end']} vs "
                                     f"{b['date_start']}..{b['date_end']}"))
    pa, pb = a.get("place_id"), b.get("place_id")
    if places and pa in places and pb in places and not (inside(pa, pb, places) or inside(pb, pa, places)):
        found.append(("contradicts", f"rule places_disjoint: {pa} vs {pb}"))
    if {a.get("factuality"), b.get("factuality")} & _NOT_DONE and "asserted" in {a.get("factuality"), b.get("factuality")}:
        found.append(("contradicts", f"rule status_differs: {a['object']} {a['predicate']}, "
                                     f"{a.get('factuality')} vs {b.get('factuality')}"))
    return found
