"""Event proposals in the tables: curated events absorb the proposals that match them, the rest
become events of origin "extracted" that `newsclaims review` lists, and curators decide by claim
key (curation/proposals.yaml, and absorbs/refuses in curation/events.yaml)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers import ROOT, cli, copy_repo

# A follow-up report written for this test (fiction in the form of wire copy): the overnight
# attack the seeds report, and a flood they do not.
FOLLOW_UP = """\
Russia fires 176 drones at Ukraine overnight; floods hit Kharkiv

KYIV, Nov 16 (Wire) - Russia launched 176 drones and one ballistic missile at Ukraine overnight, Ukraine's air force said on Sunday, in an attack aimed largely at power plants and substations.

Separately, floods in Kharkiv forced 300 people from their homes on Saturday, the State Emergency Service said.
"""
ATTACK = "evt_russian_air_attack_2025_11_16"


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    """A copy of the repository with the follow-up report added as a third seed."""
    repo = copy_repo(tmp_path_factory.mktemp("grown") / "repo")
    article = repo.parent / "follow_up.txt"
    article.write_text(FOLLOW_UP, encoding="utf-8")
    added = cli("add-seed", str(article), "--root", str(repo), "--publisher", "Wire", "--published", "2025-11-16")
    assert added.returncode == 0, added.stderr
    stem = next(p.stem for p in (repo / "seeds").glob("*.txt") if p.read_text(encoding="utf-8") == FOLLOW_UP)
    return repo, stem


def _build(repo):
    result = cli("build", "--root", str(repo))
    assert result.returncode == 0, result.stderr
    tables = {t: pd.read_csv(repo / "data" / f"{t}.csv", dtype=str, keep_default_na=False)
              for t in ("events", "claim_events", "claims", "event_actors")}
    review = cli("review", "--root", str(repo), "--format", "json")
    return tables, json.loads(review.stdout)


def _claim(tables, fragment: str) -> str:
    claims = tables["claims"]
    found = claims.loc[claims["quote"].str.contains(fragment, regex=False), "claim_id"].unique()
    assert len(found) >= 1, fragment
    return found[0]


def test_a_new_report_joins_the_curated_event_and_a_new_event_is_proposed(grown):
    repo, stem = grown
    tables, review = _build(repo)
    links, events = tables["claim_events"], tables["events"]
    attack_claim = _claim(tables, "launched 176 drones and one ballistic missile")
    absorbed = links[(links["claim_id"] == attack_claim) & (links["event_id"] == ATTACK)]
    assert len(absorbed) == 1 and absorbed.iloc[0]["method"] == "extracted", links[links["claim_id"] == attack_claim]
    assert absorbed.iloc[0]["evidence"] and 0 < float(absorbed.iloc[0]["confidence"]) <= 1
    # curated fields win: the curated event row is as curated
    assert events.set_index("event_id").loc[ATTACK, "origin"] == "curated"
    assert events.set_index("event_id").loc[ATTACK, "review_status"] == "confirmed"
    # the flood is an event of its own, proposed, listed for review, linked with its evidence
    flood_claim = _claim(tables, "floods in Kharkiv")
    flood = links.loc[(links["claim_id"] == flood_claim), "event_id"].tolist()
    assert len(flood) == 1 and flood[0].startswith("evt_auto_flood_"), flood
    row = events.set_index("event_id").loc[flood[0]]
    assert (row["origin"], row["review_status"], row["sub_event_type"], row["place_id"]) == \
        ("extracted", "proposed", "Flood", "plc_kharkiv")
    assert row["cameo_code"] == "" and 0 < float(row["confidence"]) <= 1
    assert flood[0] in {p["event_id"] for p in review["unreviewed_proposals"]}
    # the seeds' curated links are untouched
    seeds = links[links["method"] == "curated"]
    original = pd.read_csv(ROOT / "data" / "claim_events.csv", dtype=str, keep_default_na=False)
    assert sorted(zip(seeds["claim_id"], seeds["event_id"])) == sorted(zip(original["claim_id"], original["event_id"]))
    # ids do not change on a rebuild
    again, _ = _build(repo)
    assert again["events"]["event_id"].tolist() == events["event_id"].tolist()


def test_curators_reject_a_proposal_and_refuse_a_match_by_claim_key(grown):
    repo, stem = grown
    (repo / "curation" / "proposals.yaml").write_text(
        f'- claim: {{seed: {stem}, quote: "floods in Kharkiv forced"}}\n  status: rejected\n'
        f'  note: A test decision.\n', encoding="utf-8")
    events_yaml = repo / "curation" / "events.yaml"
    original = events_yaml.read_text(encoding="utf-8")
    marker = "  notes: >-\n    Russia launched 176 drones and one Iskander"
    assert marker in original
    events_yaml.write_text(original.replace(marker, f'  refuses:\n    - {{seed: {stem}, quote: "launched 176 drones and one ballistic", figure: "176"}}\n'
                                            + marker), encoding="utf-8")
    try:
        tables, review = _build(repo)
    finally:
        events_yaml.write_text(original, encoding="utf-8")
        (repo / "curation" / "proposals.yaml").write_text("[]\n", encoding="utf-8")
    links, events = tables["claim_events"], tables["events"].set_index("event_id")
    flood = links.loc[links["claim_id"] == _claim(tables, "floods in Kharkiv"), "event_id"].iloc[0]
    assert events.loc[flood, "review_status"] == "rejected" and "A test decision" in events.loc[flood, "notes"]
    assert flood not in {p["event_id"] for p in review["unreviewed_proposals"]}
    attack_claim = _claim(tables, "launched 176 drones and one ballistic missile")
    assert ATTACK not in links.loc[links["claim_id"] == attack_claim, "event_id"].tolist()


def test_a_refusal_that_matches_no_claim_names_its_line(grown):
    repo, _ = grown
    events_yaml = repo / "curation" / "events.yaml"
    original = events_yaml.read_text(encoding="utf-8")
    marker = "  notes: >-\n    Russia launched 176 drones and one Iskander"
    events_yaml.write_text(original.replace(marker, '  refuses:\n    - {seed: 000_0ef0543dc155b7a5, quote: "words that are not there"}\n'
                                            + marker), encoding="utf-8")
    try:
        result = cli("build", "--root", str(repo))
    finally:
        events_yaml.write_text(original, encoding="utf-8")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "events.yaml" in result.stderr and "not in" in result.stderr, result.stderr


def test_a_decision_on_a_proposal_a_curated_event_absorbs_names_its_line(grown):
    """The grown article's report of the overnight attack is absorbed by the curated attack: a
    decision about it would silently do nothing, so the build says so, at the decision's line."""
    repo, stem = grown
    (repo / "curation" / "proposals.yaml").write_text(
        f'- claim: {{seed: {stem}, quote: "launched 176 drones and one ballistic", figure: "176"}}\n'
        f'  status: rejected\n  note: A test decision.\n', encoding="utf-8")
    try:
        result = cli("build", "--root", str(repo))
    finally:
        (repo / "curation" / "proposals.yaml").write_text("[]\n", encoding="utf-8")
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    assert "proposals.yaml:1" in result.stderr and f"curated event {ATTACK} absorbs" in result.stderr, result.stderr
