"""Deterministic synthetic news articles for the benchmark and the scale tests (never committed).

Articles have the shape of the seeds: a headline, a dateline, attributed statements with figures
in digits and in words, absolute and relative dates, places and speakers from the gazetteer,
and page furniture at the end. Every event is reported by several outlets; most agree on its
figure, some give a different one, so automatic corroborations and contradictions appear.

    python scripts/synthetic_corpus.py 1000 /tmp/corpus      # a repository with 1,000 seeds

>>> a, b = generate(3, seed=1), generate(3, seed=1)
>>> [x.text for x in a] == [x.text for x in b] and len(a) == 3
True
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUTLETS = ["Kyiv Ledger", "Black Sea Wire", "Eastern Front Daily", "Continental Dispatch", "Dnipro Observer",
           "Baltic Monitor", "Steppe News Agency", "Harbour Times"]
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine",
                10: "ten", 12: "a dozen", 20: "twenty", 30: "thirty", 40: "forty", 50: "fifty"}
OBJECTS = [("drones", "launched"), ("drones", "shot down"), ("missiles", "launched"), ("prisoners", "released"),
           ("civilians", "killed"), ("people", "injured"), ("homes", "damaged")]
QUALIFIERS = ["", "", "more than ", "about ", "at least ", "nearly "]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FURNITURE = ["Sign up for our daily newsletter", "Latest Articles", "Share this article", "Comments",
             "Be the first to comment", "© Copyright all rights reserved", "Read more", "Advertisement"]


@dataclass(frozen=True)
class Article:
    text: str
    publisher: str
    published: date


def _gazetteer() -> tuple[list[dict], list[dict]]:
    actors = yaml.safe_load((ROOT / "gazetteer" / "actors.yaml").read_text(encoding="utf-8"))
    places = yaml.safe_load((ROOT / "gazetteer" / "places.yaml").read_text(encoding="utf-8"))
    speakers = [a for a in actors if a["type"] in ("person", "government_body", "military_unit", "ministry")]
    return speakers, [p for p in places if p["type"] in ("city", "admin1")]


def _figure(rng: random.Random, value: int) -> str:
    if value in NUMBER_WORDS and rng.random() < 0.4:
        return NUMBER_WORDS[value]
    return f"{value:,}"


def _statement(rng: random.Random, speaker: dict, value: int, obj: tuple[str, str], place: dict, when: str) -> str:
    figure = rng.choice(QUALIFIERS) + _figure(rng, value)
    name = speaker["name"] if rng.random() < 0.7 else rng.choice(speaker.get("aliases") or [speaker["name"]])
    noun, verb = obj
    forms = [f"{name} said {when} that {figure} {noun} were {verb} in {place['name']}.",
             f"According to {name}, {figure} {noun} were {verb} {when} in {place['name']}.",
             f"“{figure[0].upper() + figure[1:]} {noun} were {verb},” {name} wrote on Telegram {when}.",
             f"{name} announced that {figure} {noun} had been {verb} across {place['name']} {when}."]
    return rng.choice(forms)


def generate(n: int, seed: int = 0, start: date = date(2025, 11, 1)) -> list[Article]:
    """*n* articles; the same (n, seed) always gives the same texts."""
    rng = random.Random(seed)
    speakers, places = _gazetteer()
    n_events = max(1, n // 4)
    events = []
    for e in range(n_events):
        day = start + timedelta(days=rng.randrange(0, 60))
        events.append({"day": day, "place": rng.choice(places), "object": rng.choice(OBJECTS),
                       "value": rng.choice([rng.randrange(2, 60), rng.randrange(60, 1500)]),
                       "speaker": rng.choice(speakers), "n": e})
    articles = []
    for i in range(n):
        ev = events[i % n_events] if i < n_events * 3 else rng.choice(events)
        published = ev["day"] + timedelta(days=rng.choice([0, 1, 1, 2]))
        outlet = OUTLETS[(i * 7 + ev["n"]) % len(OUTLETS)]
        value = ev["value"] if rng.random() < 0.75 else ev["value"] + rng.choice([-1, 1]) * rng.randrange(1, 40)
        relative = rng.choice([f"on {WEEKDAYS[ev['day'].weekday()]}", "overnight", f"on {ev['day']:%B} {ev['day'].day}"])
        absolute = f"{ev['day']:%b}. {ev['day'].day}, {ev['day'].year}"
        other = rng.choice(events)
        lines = [f"{ev['object'][0].capitalize()} {ev['object'][1]} in {ev['place']['name']}, officials say "
                 f"(report {i})", "",
                 f"{outlet} | {published:%B} {published.day}, {published.year}", "",
                 _statement(rng, ev["speaker"], value, ev["object"], ev["place"], relative) + " "
                 + f"The figures could not be independently verified by {outlet}.", "",
                 f"The attack on {absolute} was the latest in a series of strikes on the region, "
                 f"officials said, adding that emergency crews worked through the night.", "",
                 _statement(rng, rng.choice(speakers), max(1, value // rng.choice([2, 3, 5])), rng.choice(OBJECTS),
                            ev["place"], relative), "",
                 f"Earlier, {other['speaker']['name']} said that {_figure(rng, other['value'])} "
                 f"{other['object'][0]} were {other['object'][1]} in {other['place']['name']} in {other['day']:%B}.", "",
                 rng.choice(["Talks on a prisoner exchange continued, mediated by Turkey.",
                             "Reports said air defence units were active over several regions.",
                             "The ministry did not comment on the claims."]), ""]
        lines += rng.sample(FURNITURE, 3)
        articles.append(Article("\n".join(lines) + "\n", outlet, published))
    return articles


DEVSET = ROOT / "tests" / "devset"
_MONTHS = {m for d in range(1, 13) for m in (date(2025, d, 1).strftime("%B"), date(2025, d, 1).strftime("%b"))}
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w,]\d)")


def _templates() -> list[dict]:
    """The development set's articles (fiction written for this project), as headline, body
    paragraphs, topic and story."""
    out = []
    for gold_path in sorted(DEVSET.glob("*.yaml")):
        gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
        text = gold_path.with_suffix(".txt").read_text(encoding="utf-8")
        paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
        # a line of a few words under the headline is the outlet's or desk's name, not news
        body = [p for p in paragraphs[1:] if len(p.split()) > 6]
        if not body:
            continue
        out.append({"id": gold["id"], "headline": paragraphs[0], "body": body, "topic": gold.get("topic"),
                    "story": gold.get("story")})
    return out


def _vary_numbers(rng: random.Random, paragraph: str) -> str:
    """Figures moved by up to 30% (years, and numbers inside dates, stay), written as before."""
    def move(m: re.Match) -> str:
        whole, frac = m.group(1), m.group(2)
        value = int(whole.replace(",", ""))
        before = m.string[max(0, m.start() - 10):m.start()].split()
        if (1900 <= value <= 2100 and not frac) or (before and before[-1].rstrip(".") in _MONTHS) \
                or rng.random() < 0.3 or value < 3:
            return m.group(0)
        new = max(1, round(value * rng.uniform(0.7, 1.3)))
        text = f"{new:,}" if "," in whole else str(new)
        return text + (f".{rng.randrange(10 ** (len(frac) - 1))}" if frac else "")
    return _NUMBER.sub(move, paragraph)


def generate_news(n: int, seed: int = 0, start: date = date(2025, 1, 6)) -> list[Article]:
    """*n* articles of real news length (2-4 KB) and variety, made from the development set's
    fiction: each event is one of its stories (or articles), reported by one to four outlets on
    a day of a year; each article is a report of that event, its figures moved a little (so
    outlets agree or disagree), followed by background paragraphs of other reports on the same
    subject until the article is 2 to 4 KB; page furniture at the end. The same (n, seed) always
    gives the same texts.

    >>> a = generate_news(6, seed=1)
    >>> [x.text for x in a] == [x.text for x in generate_news(6, seed=1)] and len(a) == 6
    True
    >>> all(2000 <= len(x.text.encode()) <= 4400 for x in a)
    True
    """
    rng = random.Random(seed)
    templates = _templates()
    stories: dict[str, list[dict]] = {}
    for t in templates:
        stories.setdefault(t["story"] or t["id"], []).append(t)
    by_topic: dict[str, list[dict]] = {}
    for t in templates:
        by_topic.setdefault(t["topic"] or "", []).append(t)
    keys = sorted(stories)
    articles: list[Article] = []
    event = 0
    while len(articles) < n:
        reports = stories[keys[rng.randrange(len(keys))]]
        day = start + timedelta(days=rng.randrange(0, 365))
        for k in range(min(rng.choice([1, 2, 3, 3, 4]), n - len(articles))):
            lead = reports[k % len(reports)]
            published = day + timedelta(days=rng.choice([0, 1, 1, 2]))
            outlet = OUTLETS[(event * 5 + k) % len(OUTLETS)]
            paragraphs = [_vary_numbers(rng, p) for p in lead["body"]]
            target = rng.randrange(2000, 4000)
            # background: paragraphs of other reports on the subject first, then of any, none twice
            same = [p for t in by_topic[lead["topic"] or ""] if t is not lead for p in t["body"]]
            rest = [p for t in templates if t["topic"] != lead["topic"] for p in t["body"]]
            background = rng.sample(same, len(same)) + rng.sample(rest, min(len(rest), 40))
            while sum(len(p) + 2 for p in paragraphs) < target - 200 and background:
                paragraphs.append(_vary_numbers(rng, background.pop(0)))
            lines = [lead["headline"], "", f"{outlet} | {published:%B} {published.day}, {published.year}", ""]
            for p in paragraphs:
                lines += [p, ""]
            lines += rng.sample(FURNITURE, rng.randrange(0, 4))
            text = "\n".join(lines).rstrip("\n") + "\n"
            articles.append(Article(text, outlet, published))
        event += 1
    return articles


def write_repository(dest: Path, n: int, seed: int = 0, kind: str = "strikes") -> Path:
    """A repository of *n* synthetic seeds at *dest*, schemas and gazetteer copied. *kind*
    ``strikes`` (short articles in the seeds' shape, no curation) or ``news`` (:func:`generate_news`,
    with the two real seeds, their curation and the project's docs/, so every curation rule runs)."""
    sys.path.insert(0, str(ROOT / "src"))
    import pandas as pd
    from newsclaims.datapackage import csvio
    from newsclaims.pipeline.ingest import sha256_hex, source_id_for
    from newsclaims.datapackage.schema import load_package

    dest = Path(dest)
    (dest / "seeds").mkdir(parents=True, exist_ok=True)
    for part in ("schemas", "gazetteer"):
        shutil.copytree(ROOT / part, dest / part, dirs_exist_ok=True)
    rows = []
    if kind == "news":
        shutil.copytree(ROOT / "curation", dest / "curation", dirs_exist_ok=True)
        shutil.copytree(ROOT / "docs", dest / "docs", dirs_exist_ok=True)
        real = pd.read_csv(ROOT / "seeds" / "catalog.csv", dtype="string", keep_default_na=False).replace("", pd.NA)
        for file in real["file"]:
            shutil.copyfile(ROOT / file, dest / file)
        rows += real.to_dict("records")
    articles = generate_news(n, seed) if kind == "news" else generate(n, seed)
    for i, a in enumerate(articles, start=10 if rows else 0):    # after the real seeds 000 and 004
        data = a.text.encode("utf-8")
        digest = sha256_hex(data)
        name = f"seeds/{i:05d}_{digest[:16]}.txt"
        (dest / name).write_bytes(data)
        rows.append({"source_id": source_id_for(digest), "file": name, "sha256": digest,
                     "title": a.text.splitlines()[0], "publisher": a.publisher, "url": None,
                     "published_date": a.published.isoformat(), "published_date_precision": "day",
                     "retrieved_date": None, "language": "en", "rights": "Synthetic text made by scripts/synthetic_corpus.py.",
                     "missing_reason": "url, retrieved_date: synthetic article"})
    table = load_package(dest / "schemas").catalog
    frame, _ = csvio.coerce(pd.DataFrame(rows, dtype="string"), table)
    (dest / "seeds" / "catalog.csv").write_bytes(csvio.to_csv_bytes(frame, table))
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("dest", type=Path, help="repository folder to create")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same corpus)")
    parser.add_argument("--kind", choices=["news", "strikes"], default="news",
                        help="news: real-length varied articles with the seeds and their curation (default); "
                             "strikes: short articles in the seeds' shape")
    args = parser.parse_args()
    write_repository(args.dest, args.n, args.seed, args.kind)
    print(f"wrote {args.n} articles to {args.dest / 'seeds'}")


if __name__ == "__main__":
    main()
