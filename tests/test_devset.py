"""The extraction development set (tests/devset/) and its scorer (scripts/score_extraction.py)."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import date

import pytest

from helpers import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import score_extraction as scorer  # noqa: E402

STYLES = {"wire", "local", "broadcast", "business", "health", "elections", "disasters", "conflict"}


@pytest.fixture(scope="module")
def devset():
    return scorer.articles()


def test_the_set_is_large_varied_and_a_third_is_held_back(devset):
    assert len(devset) >= 40
    assert STYLES <= {gold["style"] for gold, _ in devset}
    assert len({gold["topic"] for gold, _ in devset}) >= 8
    held = sum(gold["split"] == "heldout" for gold, _ in devset)
    assert abs(held - len(devset) / 3) <= 1, held
    stories = Counter(gold["story"] for gold, _ in devset if gold.get("story"))
    assert sum(n >= 3 for n in stories.values()) >= 6, stories


def test_gold_points_into_its_own_text(devset):
    for gold, path in devset:
        text = path.read_text(encoding="utf-8")
        assert isinstance(gold["published"], date), gold["id"]
        for s in gold["speakers"]:
            assert text.count(s["quote"]) == 1, (gold["id"], s["quote"])
        for d in gold["dates"]:
            assert d["text"] in text and d["start"] <= d["end"], (gold["id"], d)
        for f in gold["figures"]:
            assert f["thing"] and isinstance(f["value"], (int, float)), (gold["id"], f)


def claim(**fields):
    return {"claim_kind": "figure", "char_start": 0, "char_end": 10, "quote": "", **fields}


def test_a_figure_needs_its_value_and_its_counted_thing():
    gold = [{"value": 38, "thing": ["people", "dead"]}, {"value": 4.3, "thing": ["unemployment", "per cent"]}]
    right = [claim(value=38.0, object="people"), claim(value=4.3, unit="percent", object_text="unemployment")]
    t = scorer.score_figures(right, gold, "x")
    assert (t.found, t.right, t.reported) == (2, 2, 2)
    wrong = [claim(value=38.0, object="homes"), claim(value=4.3, unit="percent"), claim(value=38.0, object="people"),
             claim(value=38.0, predicate="dead")]
    t = scorer.score_figures(wrong, gold, "x")
    assert (t.found, t.gold, t.right) == (1, 2, 1)
    assert t.reported == 3          # 38 homes and a bare 4.3% count against precision; 38 dead repeats a found fact


def test_a_speaker_is_judged_once_per_sentence_and_unlisted_ones_are_wrong():
    gold = [{"quote": "said 38 died", "speaker": ["Selim Arkan"]}]
    claims = [claim(quote="Arkan said 38 died", speaker_text="Arkan", attribution_type="indirect"),
              claim(quote="Arkan said 38 died", speaker_text="Arkan", attribution_type="indirect", figure_text="38"),
              {**claim(quote="Rain fell.", speaker_text="Rain", attribution_type="indirect"), "char_start": 20, "char_end": 30}]
    t = scorer.score_speakers(claims, gold, {}, "x")
    assert (t.found, t.right, t.reported) == (1, 1, 2)


def test_a_date_needs_its_range():
    gold = [{"text": "on Tuesday", "start": date(2026, 3, 3), "end": date(2026, 3, 3)}]
    assert scorer.score_dates([claim(date_text="Tuesday", date_start=date(2026, 3, 3), date_end=date(2026, 3, 3))],
                              gold, "x").found == 1
    assert scorer.score_dates([claim(date_text="Tuesday", date_start=date(2026, 3, 10), date_end=date(2026, 3, 10))],
                              gold, "x").found == 0


def test_the_scorer_reports_both_halves():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "score_extraction.py")], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()[1:]]
    assert {(r[0], r[2]) for r in rows} == {(s, k) for s in ("dev", "heldout") for k in ("figures", "speakers", "dates")}
    assert all(0 <= float(r[3]) <= 1 and 0 <= float(r[4]) <= 1 for r in rows)


def test_the_event_scorer_reports_both_halves():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "score_events.py"), "--json"], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    import json
    scores = json.loads(result.stdout)
    assert set(scores) == {"dev", "heldout"}
    for split in scores.values():
        assert split["stories"] >= 2 and split["links"]["gold"] >= 6
        assert all(0 <= split[k] <= 1 for k in ("type_accuracy", "date_accuracy", "place_accuracy"))
        assert 0 <= split["links"]["precision"] <= 1 and 0 <= split["links"]["recall"] <= 1
