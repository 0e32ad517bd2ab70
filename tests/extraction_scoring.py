"""Score the extractor on the hand-written test articles in tests/articles/ (text + expected figures)."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import yaml

from newsclaims.pipeline.extract.article import extract_article
from newsclaims.pipeline.gazetteer import load_gazetteer
from newsclaims.pipeline.ingest import Seed

ARTICLES = Path(__file__).parent / "articles"
ROOT = Path(__file__).resolve().parents[1]


def seed_from(path: Path, published: date | None) -> Seed:
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    return Seed(f"src_{sha[:16]}", path.name, sha, data.decode("utf-8"), None, published, "day" if published else None)


def score() -> tuple[float, float, list[str]]:
    """(recall, precision, problems) over every article: a figure counts as right when its text,
    value and every field the expectation names match."""
    g = load_gazetteer(ROOT)
    expected_total = found_right = reported = 0
    problems: list[str] = []
    for spec_path in sorted(ARTICLES.glob("*.yaml")):
        spec = yaml.safe_load(spec_path.read_text())
        seed = seed_from(spec_path.with_suffix(".txt"), spec.get("published"))
        figures = [c for c in extract_article(seed, g).claims if c["claim_kind"] == "figure"]
        reported += len(figures)
        used = set()
        for exp in spec["figures"]:
            expected_total += 1
            match = next((i for i, f in enumerate(figures) if i not in used and f["figure_text"] == exp["text"]), None)
            if match is None:
                problems.append(f"{spec_path.stem}: missed {exp['text']!r}")
                continue
            used.add(match)
            f = figures[match]
            wrong = {k: (f.get(k), v) for k, v in exp.items() if k != "text" and f.get(k) != v}
            if wrong:
                problems.append(f"{spec_path.stem}: {exp['text']!r} wrong {wrong}")
            else:
                found_right += 1
        for i, f in enumerate(figures):
            if i not in used:
                problems.append(f"{spec_path.stem}: spurious {f['figure_text']!r} ({f['object']}, {f['predicate']})")
    return found_right / expected_total, found_right / max(reported, 1), problems


if __name__ == "__main__":
    r, p, probs = score()
    print(f"recall {r:.2f} precision {p:.2f}")
    print("\n".join(probs))
