"""Event proposals from extraction alone (`newsclaims propose-events`), on the seeds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import cli

ROOT = Path(__file__).resolve().parents[1]     # this checkout (helpers.ROOT may be another)


def _proposals(root: Path) -> dict:
    result = cli("propose-events", "--root", str(root), "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_seeds_air_attack_is_one_proposal_with_claims_of_both_seeds(tmp_path: Path):
    got = _proposals(ROOT)
    strikes = [p for p in got["proposals"] if p["sub_event_type"] == "Air/drone strike" and len(p["sources"]) == 2]
    assert strikes, [(p["sub_event_type"], p["sources"]) for p in got["proposals"]]
    links = strikes[0]["links"]
    assert all(0 < link["confidence"] <= 1 and link["evidence"] for link in links)
    assert any(p["sub_event_type"] == "Agreement" and len(p["sources"]) == 2 for p in got["proposals"])
    kinds = {p["sub_event_type"] for p in got["proposals"]}
    assert {"Agreement", "Disrupted weapons use"} <= kinds, kinds
    # Ids come from the defining claims, not from order: the same on a second run in another folder.
    copy = tmp_path / "repo"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".git", ".venv", ".newsclaims-cache", "dist"))
    assert [p["event_id"] for p in _proposals(copy)["proposals"]] == [p["event_id"] for p in got["proposals"]]


def test_a_rule_with_a_type_no_vocabulary_has_fails_on_one_line(tmp_path: Path):
    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=shutil.ignore_patterns(".git", ".venv", ".newsclaims-cache", "dist"))
    lexicon = repo / "gazetteer" / "lexicon.yaml"
    lexicon.write_text(lexicon.read_text(encoding="utf-8").replace("{type: Elections, sub_type: Vote,",
                                                                   "{type: Sports, sub_type: Vote,"), encoding="utf-8")
    result = cli("propose-events", "--root", str(repo))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "lexicon.yaml" in lines[0] and "Sports" in lines[0], result.stderr
    assert "Traceback" not in result.stderr


PLACES = {"plc_ua": {"type": "country", "country": "UA", "geo_precision": 3},
          "plc_kyiv": {"type": "city", "country": "UA", "admin1": "Kyiv", "geo_precision": 1},
          "plc_fr": {"type": "country", "country": "FR", "geo_precision": 3}}
RULES = {"event_types": [{"type": "Disasters", "sub_type": "Flood", "words": ["flood", "floods", "flooding"]}]}


def _claim(cid: str, source: str, quote: str, place: str | None, day: str | None = None, **more) -> dict:
    from datetime import date
    return {"claim_id": cid, "source_id": source, "quote": quote, "place_id": place, "factuality": "asserted",
            "date_start": date.fromisoformat(day) if day else None, "date_end": date.fromisoformat(day) if day else None,
            "date_precision": "day" if day else None, "char_start": 0, **more}


def test_reports_of_one_flood_merge_and_a_flood_elsewhere_stays_apart():
    from newsclaims.pipeline.events import propose, rules_from
    claims = [_claim("clm_a", "src_1", "Floods swept Kyiv on Monday.", "plc_kyiv", "2026-03-02"),
              _claim("clm_b", "src_2", "The flooding in Ukraine left 40 homes underwater.", "plc_ua", "2026-03-02"),
              _claim("clm_c", "src_3", "Floods hit France.", "plc_fr", "2026-03-02"),
              _claim("clm_d", "src_4", "Nothing happened in Kyiv.", "plc_kyiv")]
    proposals, _ = propose(claims, rules_from(RULES), PLACES, {})
    groups = sorted(sorted(link.claim_id for link in p.links) for p in proposals)
    assert groups == [["clm_a", "clm_b"], ["clm_c"]], groups
    merged = next(p for p in proposals if len(p.links) == 2)
    assert merged.place_id == "plc_kyiv" and merged.date_basis == "claim" and "dates overlap" in merged.merged_because
    # The id rests on the earliest article's claims: adding a later report does not change it.
    later = _claim("clm_e", "src_9", "The floods in Kyiv receded.", "plc_kyiv", "2026-03-02")
    again, _ = propose([*claims, later], rules_from(RULES), PLACES, {"src_9": None})
    assert merged.event_id in {p.event_id for p in again}
