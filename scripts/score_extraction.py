"""Score extraction on the development set in ``tests/devset/``: precision and recall of figures
(value + counted thing), speakers and dates, for the tuning half and the held-back third.

Usage: python scripts/score_extraction.py [--json] [--details]

Each article ``tests/devset/<id>.txt`` has a gold file ``<id>.yaml`` (fictional articles written
for this project, in the house styles of wire copy, local papers, broadcast scripts, business,
health, election, disaster and conflict reporting). How each is matched:

* **figures** — a gold figure is found when an extracted figure claim has the same value and its
  counted thing (``object``, ``predicate`` or ``object_text``) is one of the gold ``thing``
  words, or one names the other as whole words ("inflation" and "annual inflation rate"). A
  percentage must say what it is a share or rate of ("%" alone names nothing); money is matched
  by its currency. An extracted figure that repeats a found fact (same value and thing) is not counted
  against precision; any other unmatched one is.
* **speakers** — gold lists every attributed sentence by a fragment of it and the acceptable
  names of its speaker. An extracted attribution is right when the claim's quote holds the
  fragment and its ``speaker_text`` (or speaker id) names the speaker; attributions of sentences
  gold does not list are wrong, except a speaker carried over from the previous sentence (no
  ``speaker_text``), which gold does not annotate. Counted once per sentence.
* **dates** — a gold date is found when a claim's ``date_text``, or the text of one of its
  ``claim_dates`` rows, overlaps the gold text and its start and end equal the gold range.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "tests" / "devset"


@dataclass
class Tally:
    gold: int = 0
    found: int = 0          # gold items matched
    reported: int = 0       # extracted items counted for precision
    right: int = 0          # extracted items that are right
    misses: list[str] = field(default_factory=list)

    def add(self, other: "Tally") -> None:
        self.gold += other.gold
        self.found += other.found
        self.reported += other.reported
        self.right += other.right
        self.misses += other.misses

    def scores(self) -> dict[str, float | int]:
        return {"precision": round(self.right / self.reported, 3) if self.reported else 1.0,
                "recall": round(self.found / self.gold, 3) if self.gold else 1.0,
                "gold": self.gold, "extracted": self.reported}


def _norm(text: object) -> str:
    return re.sub(r"[^a-z0-9%$]+", " ", str(text or "").lower()).strip()


PERCENT_WORDS = {"", "%", "percent", "per cent", "percentage points", "points"}


def _things(gold: dict) -> set[str]:
    return {_norm(x) for x in gold["thing"]} - PERCENT_WORDS


def _counted(claim: dict) -> set[str]:
    """What an extracted figure says it counts."""
    out = {_norm(claim.get("object")), _norm(claim.get("predicate")), _norm(claim.get("object_text"))}
    return out - {""}


def _same_thing(gold: set[str], extracted: set[str]) -> bool:
    """A counted thing matches when one names the other as whole words ("inflation" and "annual
    inflation rate", "voters" and "undecided voters")."""
    return any(g == e or f" {g} " in f" {e} " or f" {e} " in f" {g} " for g in gold for e in extracted)


def _names(claim: dict, actors: dict[str, str]) -> set[str]:
    out = {_norm(claim.get("speaker_text"))}
    if claim.get("speaker_actor_id"):
        out |= {_norm(claim["speaker_actor_id"].removeprefix("act_").replace("_", " ")),
                _norm(actors.get(claim["speaker_actor_id"], ""))}
    return {n for n in out if n}


def _speaks(names: set[str], gold: list[str]) -> bool:
    wanted = {_norm(g) for g in gold}
    return any(n == w or (len(n) > 3 and (n in w or w in n)) for n in names for w in wanted)


def score_figures(claims: list[dict], gold: list[dict], label: str) -> Tally:
    t = Tally(gold=len(gold))
    figures = [c for c in claims if c["claim_kind"] == "figure"]
    matched_facts: set[tuple] = set()
    used: set[int] = set()
    for g in gold:
        things = _things(g)
        hit = next((i for i, c in enumerate(figures) if i not in used and c.get("value") is not None
                    and abs(float(c["value"]) - float(g["value"])) < 1e-9 and _same_thing(things, _counted(c))), None)
        if hit is None:
            t.misses.append(f"{label}: figure {g['value']} {g['thing'][0]} missed")
            continue
        used.add(hit)
        t.found += 1
        matched_facts.add((float(g["value"]), frozenset(things)))
    for i, c in enumerate(figures):
        if i in used:
            t.reported += 1
            t.right += 1
            continue
        repeat = any(c.get("value") is not None and abs(float(c["value"]) - v) < 1e-9 and _same_thing(things, _counted(c))
                     for v, things in matched_facts)
        if not repeat:
            t.reported += 1
            t.misses.append(f"{label}: spurious figure {c.get('figure_text')!r} ({c.get('object')}, {c.get('predicate')})")
    return t


def score_speakers(claims: list[dict], gold: list[dict], actors: dict[str, str], label: str) -> Tally:
    t = Tally(gold=len(gold))
    sentences: dict[tuple[int, int], dict] = {}
    for c in claims:
        if c.get("attribution_type") not in (None, "unattributed") and (c.get("speaker_text") or c.get("speaker_actor_id")):
            sentences.setdefault((c["char_start"], c["char_end"]), c)
    judged: set[tuple[int, int]] = set()
    for g in gold:
        spans = [k for k, c in sentences.items() if g["quote"] in c["quote"]]
        if spans and any(_speaks(_names(sentences[k], actors), g["speaker"]) for k in spans):
            t.found += 1
        else:
            got = [sentences[k].get("speaker_text") or sentences[k].get("speaker_actor_id") for k in spans]
            t.misses.append(f"{label}: speaker of {g['quote']!r} should be {g['speaker'][0]!r}, got {got or 'none'}")
        for k in spans:
            if k not in judged:
                judged.add(k)
                t.reported += 1
                t.right += _speaks(_names(sentences[k], actors), g["speaker"])
    for k, c in sentences.items():
        if k not in judged and c.get("speaker_text"):   # a carried speaker gold does not list is not judged
            t.reported += 1
            t.misses.append(f"{label}: spurious speaker {c.get('speaker_text') or c.get('speaker_actor_id')!r} "
                            f"for {c['quote'][:50]!r}")
    return t


def score_dates(claims: list[dict], gold: list[dict], label: str) -> Tally:
    t = Tally(gold=len(gold))
    extracted = {}
    for c in claims:
        if c.get("date_text"):
            extracted.setdefault((c["date_text"], c.get("date_start"), c.get("date_end")), c)
        for d in c.get("dates") or []:      # the claim_dates rows: every expression of the sentence
            extracted.setdefault((d["date_text"], d.get("date_start"), d.get("date_end")), c)
    right_keys = set()
    for g in gold:
        hit = [k for k in extracted if (g["text"].lower() in k[0].lower() or k[0].lower() in g["text"].lower())
               and k[1] == g["start"] and k[2] == g["end"]]
        if hit:
            t.found += 1
            right_keys |= set(hit)
        else:
            seen = [k for k in extracted if g["text"].lower() in k[0].lower() or k[0].lower() in g["text"].lower()]
            t.misses.append(f"{label}: date {g['text']!r} should be {g['start']}..{g['end']}, got {seen or 'none'}")
    t.reported = len(extracted)
    t.right = len(right_keys)
    for k in extracted:
        if k not in right_keys:
            t.misses.append(f"{label}: date {k[0]!r} resolved to {k[1]}..{k[2]} is not in gold")
    return t


def articles() -> list[tuple[dict, Path]]:
    """Every (gold, text path) of the development set, in id order."""
    return [(yaml.safe_load(p.read_text(encoding="utf-8")), p.with_suffix(".txt")) for p in sorted(DEVSET.glob("*.yaml"))]


def run() -> dict:
    """Scores per split and kind, plus the misses behind them."""
    from newsclaims.pipeline.extract.article import extract_article
    from newsclaims.pipeline.gazetteer import load_gazetteer
    from newsclaims.pipeline.ingest import Seed
    g = load_gazetteer(ROOT)
    actors = {k: v["name"] for k, v in g.actors.items()}
    totals = {split: {kind: Tally() for kind in ("figures", "speakers", "dates")} for split in ("dev", "heldout")}
    for gold, path in articles():
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        published = gold["published"] if isinstance(gold["published"], date) else date.fromisoformat(gold["published"])
        seed = Seed(f"src_{sha[:16]}", path.name, sha, data.decode("utf-8"), None, published, "day")
        x = extract_article(seed, g)
        known = {**actors, **{k: v["name"] for k, v in x.new_actors.items()}}
        label = gold["id"]
        tallies = totals[gold["split"]]
        tallies["figures"].add(score_figures(x.claims, gold.get("figures", []), label))
        tallies["speakers"].add(score_speakers(x.claims, gold.get("speakers", []), known, label))
        tallies["dates"].add(score_dates(x.claims, gold.get("dates", []), label))
    return {split: {kind: {**t.scores(), "misses": t.misses} for kind, t in kinds.items()} for split, kinds in totals.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--details", action="store_true", help="also list every miss and spurious item")
    args = parser.parse_args(argv)
    result = run()
    n = {split: sum(1 for gold, _ in articles() if gold["split"] == split) for split in result}
    if args.json:
        print(json.dumps({s: {k: {x: y for x, y in v.items() if x != "misses" or args.details} for k, v in kinds.items()}
                          for s, kinds in result.items()}, indent=1))
        return 0
    print(f"{'split':8} {'kind':9} {'precision':>9} {'recall':>7} {'gold':>5} {'extracted':>9}")
    for split, kinds in result.items():
        for kind, s in kinds.items():
            print(f"{split + f' ({n[split]})':8} {kind:9} {s['precision']:9.2f} {s['recall']:7.2f} {s['gold']:5d} {s['extracted']:9d}")
    if args.details:
        for split, kinds in result.items():
            for kind, s in kinds.items():
                print("\n".join(s["misses"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
