"""Score event proposals on the development set in ``tests/devset/``: are reports of the same
story recognised as one event, and are the proposed type, date and place right? For the tuning
half and the held-back third, each scored on its own (the proposals of one half never see the
other's articles).

Usage: python scripts/score_events.py [--json] [--details] [--split dev|heldout]

Gold: the articles with a ``story`` tell one story with two others; their ``events`` entry gives
the event's type, day range and place. Every other article reports events of its own, so any
link it gets to another article is wrong. How each number is counted:

* **same-event links** — pairs of articles. A proposal that links claims of articles A and B
  links the pair; a pair is right when both tell the same story. Precision over linked pairs,
  recall over the pairs of articles that share a story.
* **type** — for each story article, its main proposal (the one holding most of its claims) has
  the gold type (see ``GOLD_TYPES``).
* **date** — that proposal's day range contains the event's first day, or lies inside the
  event's range.
* **place** — that proposal's place (a gazetteer place's name or aliases, or the unresolved name
  the claims give) is the gold place.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import date
from itertools import combinations
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "tests" / "devset"

# The gold annotation names types in plain words; what each is in the project's vocabularies.
GOLD_TYPES = {
    "disease outbreak": ("Public health", "Outbreak"),
    "flood": ("Disasters", "Flood"),
    "earthquake": ("Disasters", "Earthquake"),
    "economic release": ("Economic releases", None),
    "ceasefire agreement": ("Strategic developments", "Agreement"),
    "election": ("Elections", "Vote"),
    "wildfire": ("Disasters", "Fire"),
    "shelling": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "protest": ("Protests", None),
    "accident": ("Disasters", "Accident"),
    "storm": ("Disasters", "Storm"),
    "landslide": ("Disasters", "Other disaster"),
    "armed clash": ("Battles", "Armed clash"),
    "remote explosive": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "volcanic eruption": ("Disasters", "Other disaster"),
    "air strike": ("Explosions/Remote violence", "Air/drone strike"),
    "riot": ("Riots", None),
    "attack on civilians": ("Violence against civilians", "Attack"),
    "abduction": ("Violence against civilians", "Abduction/forced disappearance"),
    "company results": ("Economic releases", None),
}


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _place_names(proposal, places: dict[str, dict]) -> set[str]:
    if proposal.place_id in places:
        entry = places[proposal.place_id]
        return {n.lower() for n in [entry["name"], *entry.get("aliases", [])]}
    return {proposal.place_name.lower()} if proposal.place_name else set()


def score_split(articles: list[tuple[dict, Path]]) -> dict:
    """Scores of one split's articles (their proposals made together, apart from the other split)."""
    from newsclaims.pipeline.events import propose, rules_of
    from newsclaims.pipeline.extract.article import extract_articles
    from newsclaims.pipeline.gazetteer import load_gazetteer
    from newsclaims.pipeline.ingest import Seed
    from newsclaims.pipeline.repository import Repository
    g = load_gazetteer(ROOT)
    repo = Repository.of(ROOT)
    rules = rules_of(repo)
    seeds, gold_of = [], {}
    for gold, path in articles:
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        seed = Seed(f"src_{sha[:16]}", path.name, sha, data.decode("utf-8"), None, _day(gold["published"]), "day")
        seeds.append(seed)
        gold_of[seed.source_id] = gold
    extractions = extract_articles(seeds, g)
    claims = [c for x in extractions for c in x.claims]
    proposals, _ = propose(claims, rules, g.places, {s.source_id: s.anchor for s in seeds}, g.lexicon, g.actors,
                           {x.source_id: x.place_names for x in extractions}, {s.source_id: s.text for s in seeds})
    source_of = {c["claim_id"]: c["source_id"] for c in claims}
    story = {s: gold_of[s].get("story") for s in gold_of}
    linked = {tuple(sorted((gold_of[a]["id"], gold_of[b]["id"]))) for p in proposals
              for a, b in combinations(sorted(p.sources), 2)}
    wanted = {tuple(sorted((gold_of[a]["id"], gold_of[b]["id"]))) for a, b in combinations(sorted(gold_of), 2)
              if story[a] and story[a] == story[b]}
    right = linked & wanted
    out = {"articles": len(articles), "stories": len({s for s in story.values() if s}),
           "links": {"precision": round(len(right) / len(linked), 3) if linked else 1.0,
                     "recall": round(len(right) / len(wanted), 3) if wanted else 1.0,
                     "gold": len(wanted), "proposed": len(linked)},
           "misses": [f"wrong link {a} ~ {b}" for a, b in sorted(linked - wanted)]
           + [f"missed link {a} ~ {b}" for a, b in sorted(wanted - linked)]}
    judged = {"type": 0, "date": 0, "place": 0}
    n = 0
    for source, gold in sorted(gold_of.items(), key=lambda kv: kv[1]["id"]):
        for event in gold.get("events") or []:
            n += 1
            mine = [p for p in proposals if source in p.sources]
            if not mine:
                out["misses"].append(f"{gold['id']}: no proposal")
                continue
            main = max(mine, key=lambda p: (sum(source_of[link.claim_id] == source for link in p.links), p.event_id))
            etype, sub = GOLD_TYPES[event["type"]]
            checks = {
                "type": main.event_type == etype and (sub is None or main.sub_event_type == sub),
                "date": main.date_start is not None and (main.date_start <= _day(event["start"]) <= main.date_end
                                                         or _day(event["start"]) <= main.date_start
                                                         and main.date_end <= _day(event["end"])),
                "place": event["place"].lower() in _place_names(main, g.places),
            }
            for k, ok in checks.items():
                judged[k] += ok
                if not ok:
                    got = {"type": f"{main.event_type} / {main.sub_event_type}",
                           "date": f"{main.date_start}..{main.date_end} ({main.date_basis})",
                           "place": main.place_id or main.place_name}[k]
                    out["misses"].append(f"{gold['id']}: {k} {got}, gold {event['type'] if k == 'type' else event['start'] if k == 'date' else event['place']}")
    out.update({f"{k}_accuracy": round(v / n, 3) if n else 1.0 for k, v in judged.items()})
    out["events"] = n
    return out


def run(splits: tuple[str, ...] = ("dev", "heldout")) -> dict:
    from score_extraction import articles
    every = articles()
    return {split: score_split([(gold, path) for gold, path in every if gold["split"] == split])
            for split in splits}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--details", action="store_true", help="also list every wrong or missed link and judgement")
    parser.add_argument("--split", choices=("dev", "heldout"), action="append",
                        help="score only this half (repeatable; default both): tune with --split dev")
    args = parser.parse_args(argv)
    result = run(tuple(args.split or ("dev", "heldout")))
    if args.json:
        print(json.dumps({s: {k: v for k, v in r.items() if k != "misses" or args.details} for s, r in result.items()}, indent=1))
        return 0
    print(f"{'split':14} {'link P':>6} {'link R':>6} {'pairs':>5} {'type':>5} {'date':>5} {'place':>5}")
    for split, r in result.items():
        label = f"{split} ({r['articles']}/{r['stories']})"
        print(f"{label:14} {r['links']['precision']:6.2f} {r['links']['recall']:6.2f} {r['links']['gold']:5d} "
              f"{r['type_accuracy']:5.2f} {r['date_accuracy']:5.2f} {r['place_accuracy']:5.2f}")
    if args.details:
        for split, r in result.items():
            print("\n".join(f"{split}: {m}" for m in r["misses"]))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
