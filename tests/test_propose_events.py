"""Event proposals from extraction alone (`newsclaims propose-events`), on the seeds."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from helpers import cli

ROOT = Path(__file__).resolve().parents[1]     # this checkout (helpers.ROOT may be another)


def _proposals(root: Path) -> dict:
    result = cli("propose-events", "--root", str(root), "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_json_is_byte_identical_whatever_the_hash_seed():
    import os
    import subprocess
    import sys
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-m", "newsclaims", "propose-events", "--root", str(ROOT), "-f", "json"],
                                capture_output=True, text=True, timeout=300, env=env)
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout)
    assert len(outputs) == 1, "propose-events --format json depends on the hash seed"


def _holding(got: dict, fragment: str) -> list[dict]:
    """The proposals that link a claim whose quote holds *fragment*."""
    import pandas as pd
    quotes = pd.read_csv(ROOT / "data" / "claims.csv").set_index("claim_id")["quote"]
    out = [p for p in got["proposals"] if any(fragment in quotes.get(link["claim_id"], "") for link in p["links"])]
    assert out, f"no proposal links a claim with {fragment!r}"
    return out


def test_proposals_cover_the_curated_events_of_the_seeds(tmp_path: Path):
    got = _proposals(ROOT)
    one = lambda fragment, sub: [p for p in _holding(got, fragment) if p["sub_event_type"] == sub]
    # reported by both seeds: one proposal each, linked to the claims of both
    agreement = one("nearing a framework agreement", "Agreement")
    assert len(agreement) == 1 and agreement == one("announced on December 3, 2023", "Agreement")
    assert len(agreement[0]["sources"]) == 2
    attack = one("which included 176 drones", "Air/drone strike")
    assert len(attack) == 1 and attack == one("a total of 176 drones", "Air/drone strike")
    assert attack == one("Overnight strikes on Odesa", "Air/drone strike") == one("drone strikes targeted", "Air/drone strike")
    assert ["act_russia", "attacker"] in attack[0]["actors"] and ["act_ukraine", "target"] in attack[0]["actors"]
    # reported by one seed, and kept apart from the events next to them
    russian = one("intercepted 57", "Disrupted weapons use")
    ukrainian = one("neutralized 139 drones", "Disrupted weapons use")
    assert len(russian) == len(ukrainian) == 1 and russian != ukrainian
    assert russian[0]["place_id"] == "plc_russia" and ["act_russia", "defender"] in russian[0]["actors"]
    assert ["act_ukraine", "attacker"] in russian[0]["actors"]      # "57 Ukrainian drones"
    strikes = one("refinery", "Air/drone strike")
    assert sorted(p["place_id"] for p in strikes) == ["plc_donetsk_oblast", "plc_samara_oblast"]
    assert all(["act_ukraine_armed_forces", "attacker"] in p["actors"] for p in strikes)
    assert ["act_russia", "target"] in next(p for p in strikes if p["place_id"] == "plc_samara_oblast")["actors"]
    rafale = one("Rafale", "Agreement")
    assert len(rafale) == 1 and rafale != agreement
    plan = _holding(got, "28-point peace plan")
    assert [p["sub_event_type"] for p in plan] == ["Other"] and plan != agreement
    # Ids come from the defining claims, not from order: the same on a second run in another folder.
    ids = [p["event_id"] for p in got["proposals"]]
    assert len(set(ids)) == len(ids)
    copy = tmp_path / "repo"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".git", ".venv", ".newsclaims-cache", "dist"))
    assert [p["event_id"] for p in _proposals(copy)["proposals"]] == ids


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


def test_an_earlier_report_added_later_keeps_the_events_id():
    """A curator back-fills the first wire report of a flood two others already tell: it was
    published first, but it joined the corpus last, and the event keeps the id it had."""
    from newsclaims.pipeline.events import propose, rules_from
    claims = [_claim("clm_b", "src_b", "Floods swept Kyiv on Monday.", "plc_kyiv", "2026-03-02"),
              _claim("clm_c", "src_c", "The flooding in Kyiv left 40 homes underwater.", "plc_kyiv", "2026-03-02")]
    published = {"src_a": date(2026, 3, 2), "src_b": date(2026, 3, 3), "src_c": date(2026, 3, 4)}
    added = {"src_b": "seeds/000_b.txt", "src_c": "seeds/001_c.txt"}
    before, _ = propose(claims, rules_from(RULES), PLACES, published, added=added)
    first = _claim("clm_a", "src_a", "Floods hit Kyiv overnight.", "plc_kyiv", "2026-03-02")
    after, _ = propose([*claims, first], rules_from(RULES), PLACES, published,
                       added={**added, "src_a": "seeds/002_a.txt"})
    assert len(before) == len(after) == 1 and len(after[0].links) == 3, after
    assert after[0].event_id == before[0].event_id


def test_reports_days_apart_do_not_chain_into_an_event_of_months():
    """Each report of floods in Kyiv is three days after the one before: neighbours look like
    one happening, but an event that drifts across a month is three weeks' floods, not one."""
    from datetime import timedelta
    from newsclaims.pipeline.events import _SPAN, propose, rules_from
    first = date(2026, 3, 2)
    days = [first + timedelta(days=3 * k) for k in range(12)]
    claims = [_claim(f"clm_{k:02d}", f"src_{k:02d}", "Floods swept Kyiv.", "plc_kyiv", d.isoformat())
              for k, d in enumerate(days)]
    proposals, _ = propose(claims, rules_from(RULES), PLACES, {f"src_{k:02d}": d for k, d in enumerate(days)})
    by_id = {c["claim_id"]: c for c in claims}
    spans = [[by_id[link.claim_id]["date_start"] for link in p.links] for p in proposals]
    assert len(proposals) > 1 and sum(map(len, spans)) == 12
    assert all(max(s) - min(s) <= timedelta(days=_SPAN) for s in spans), spans


def test_a_death_toll_naming_no_type_takes_the_type_the_article_is_about():
    """"At least 30 people had been killed" says nothing of what killed them; the headline
    ("battle") does, and the toll joins another source's report of the clash."""
    from newsclaims.pipeline.events import propose, rules_from
    rules = rules_from({"event_types": [
        {"type": "Strategic developments", "sub_type": "Arrests", "words": ["arrested"]},
        {"type": "Battles", "sub_type": "Armed clash", "words": ["battle", "clashes"], "casualties": True}]})
    wire = _claim("clm_w", "src_1", "Clashes in Kyiv killed 23 people on Tuesday.", "plc_kyiv", "2026-07-21",
                  predicate="killed")
    toll = _claim("clm_t", "src_2", "A local leader said at least 30 people had been killed.", "plc_kyiv", "2026-07-21",
                  predicate="killed")
    texts = {"src_2": "Army and rebels battle for Kyiv\n\nA local leader said at least 30 people had been killed."}
    lexicon = {"casualty_predicates": ["killed", "injured"]}
    proposals, _ = propose([wire, toll], rules, PLACES, {}, lexicon, texts=texts)
    assert [sorted(link.claim_id for link in p.links) for p in proposals] == [["clm_t", "clm_w"]]
    assert any(link.evidence.startswith("Armed clash by casualties 'killed'") for link in proposals[0].links)
    # without the text, nothing says what the toll was of: it is left out rather than guessed
    alone, _ = propose([wire, toll], rules, PLACES, {}, lexicon)
    assert [sorted(link.claim_id for link in p.links) for p in alone] == [["clm_w"]]


def test_a_weak_word_names_the_type_only_when_nothing_stronger_does():
    """"exploded" is an accident unless a bomb did it; "collapsed buildings" in an earthquake
    report are the quake's, not an accident of their own."""
    from newsclaims.pipeline.events import propose, rules_from
    rules = rules_from({"event_types": [
        {"type": "Explosions/Remote violence", "sub_type": "Remote explosive/landmine/IED", "words": ["bomb"]},
        {"type": "Disasters", "sub_type": "Earthquake", "words": ["earthquake"]},
        {"type": "Disasters", "sub_type": "Accident", "words": ["crash"], "weak_words": ["exploded", "collapsed"]}]})
    bomb = _claim("clm_b", "src_1", "A bomb exploded in a market in Kyiv, killing 11 people.", "plc_kyiv", "2026-08-12")
    gas = _claim("clm_g", "src_2", "A gas cylinder exploded in a kitchen in Paris, police said.", "plc_fr", "2026-08-12")
    quake = [_claim("clm_q", "src_3", "An earthquake struck Kyiv, killing 38 people.", "plc_kyiv", "2026-03-11"),
             _claim("clm_r", "src_3", "Rescuers pulled 19 people from collapsed buildings.", "plc_kyiv", "2026-03-11",
                    char_start=60)]
    proposals, _ = propose([bomb, gas, *quake], rules, PLACES, {})
    types = {tuple(sorted(link.claim_id for link in p.links)): p.sub_event_type for p in proposals}
    assert types == {("clm_b",): "Remote explosive/landmine/IED", ("clm_g",): "Accident",
                     ("clm_q", "clm_r"): "Earthquake"}, types


def test_an_article_whose_claims_name_no_type_takes_its_leads_type():
    """A broadcast's one claim ("officials say the attack happened before dawn") names no type;
    its lead says pupils were kidnapped, and the report joins the wire's abduction."""
    from newsclaims.pipeline.events import propose, rules_from
    rules = rules_from({"event_types": [
        {"type": "Violence against civilians", "sub_type": "Abduction/forced disappearance", "words": ["kidnapped", "abducted"]},
        {"type": "Disasters", "sub_type": "Flood", "words": ["flood"]}]})
    wire = _claim("clm_w", "src_1", "Armed men abducted 38 pupils in Kyiv, police said.", "plc_kyiv", "2026-11-03")
    spoken = _claim("clm_s", "src_2", "Officials say the attack happened before dawn in Kyiv.", "plc_kyiv", "2026-11-03")
    texts = {"src_2": "In Kyiv, gunmen have kidnapped dozens of pupils from a school.\n\n"
                      "Officials say the attack happened before dawn in Kyiv."}
    proposals, _ = propose([wire, spoken], rules, PLACES, {}, texts=texts)
    assert [sorted(link.claim_id for link in p.links) for p in proposals] == [["clm_s", "clm_w"]]
    assert proposals[0].sub_event_type == "Abduction/forced disappearance"
    assert any("the article's lead reports abduction" in link.evidence for link in proposals[0].links)
    # a lead that names no type either leaves the claim out rather than guessing
    alone, _ = propose([spoken], rules, PLACES, {}, texts={"src_2": "Parents wait outside the school."})
    assert alone == []


def test_a_town_the_claims_name_is_the_place_of_an_event_the_gazetteer_cannot_place():
    """The tagger reads "North Darfur" but not "Sorvan"; the claim's "the town of Sorvan" says
    where the strike was, and both reports take that name."""
    from newsclaims.pipeline.events import propose, rules_from
    rules = rules_from({"event_types": [{"type": "Explosions/Remote violence", "sub_type": "Air/drone strike",
                                         "words": ["drone strike", "drone attack"]}]})
    wire = _claim("clm_w", "src_1", "A drone strike on the market in the town of Sorvan killed nine people.", None,
                  "2026-09-13", place_names=["North Darfur"])
    local = _claim("clm_l", "src_2", "Families in Sorvan buried 11 people after the drone attack.", None, "2026-09-13")
    proposals, _ = propose([wire, local], rules, PLACES, {})
    assert [(p.place_name, sorted(link.claim_id for link in p.links)) for p in proposals] == [("Sorvan", ["clm_l", "clm_w"])]


def test_a_count_of_the_dead_never_takes_a_type_without_casualties():
    """A report on a miner's shares says the blast "killed 11 workers": the dead are the
    accident's, not company results', though "share price" is the longer word of the sentence."""
    from newsclaims.pipeline.events import propose, rules_from
    rules = rules_from({"event_types": [
        {"type": "Disasters", "sub_type": "Accident", "words": ["blast"], "casualties": True},
        {"type": "Economic releases", "sub_type": "Company results", "words": ["share price"]}]})
    claim = _claim("clm_k", "src_1", "The share price fell after last week's blast at its mine killed 11 workers.", "plc_kyiv",
                   "2026-03-16", predicate="killed")
    proposals, _ = propose([claim], rules, PLACES, {}, {"casualty_predicates": ["killed"]})
    assert [p.sub_event_type for p in proposals] == ["Accident"]


def test_arrests_at_a_rally_are_the_rallys_and_a_forecast_does_not_date_it():
    """As in ACLED, arrests at a demonstration are part of it; "more rain tomorrow" dates a
    forecast, not the flood."""
    from newsclaims.pipeline.events import propose, rules_from
    from datetime import date
    rules = rules_from({"event_types": [
        {"type": "Protests", "sub_type": "Peaceful protest", "words": ["rally", "rallied"]},
        {"type": "Strategic developments", "sub_type": "Arrests", "words": ["arrests", "detained"], "part_of": ["Protests"]},
        {"type": "Disasters", "sub_type": "Flood", "words": ["flooding"]}]})
    rally = [_claim("clm_r", "src_1", "Thousands rallied in Kyiv, police said.", "plc_kyiv", "2026-05-03"),
             _claim("clm_d", "src_1", "Police said 23 people were detained in Kyiv.", "plc_kyiv", "2026-05-03", char_start=50),
             _claim("clm_b", "src_2", "Police say the rally in Kyiv was calm, though officers made arrests.", "plc_kyiv", "2026-05-03")]
    flood = [_claim("clm_f", "src_3", "Flooding hit Kyiv this week, officials said.", "plc_kyiv", "2026-10-12",
                    date_precision="week"),
             _claim("clm_t", "src_3", "More flooding is on the way tomorrow, forecasters say.", "plc_kyiv", "2026-10-14",
                    char_start=40)]
    proposals, _ = propose([*rally, *flood], rules, PLACES, {"src_3": date(2026, 10, 13)})
    kinds = {tuple(sorted(link.claim_id for link in p.links)): (p.sub_event_type, p.date_start) for p in proposals}
    assert kinds == {("clm_b", "clm_d", "clm_r"): ("Peaceful protest", date(2026, 5, 3)),
                     ("clm_f", "clm_t"): ("Flood", date(2026, 10, 12))}, kinds


def test_a_report_whose_claims_give_no_date_takes_its_leads_day():
    """The broadcast dates the rally only in its lead ("tonight"): that day, not the week before
    publication, and the report joins the wire's."""
    from newsclaims.pipeline.events import propose, rules_from
    from datetime import date
    rules = rules_from({"event_types": [{"type": "Protests", "sub_type": "Peaceful protest", "words": ["rally", "rallied"]}]})
    wire = _claim("clm_w", "src_1", "Thousands rallied on Sunday, police said.", None, "2026-05-03")
    spoken = _claim("clm_s", "src_2", "Police say the rally was largely peaceful.", None)
    texts = {"src_2": "Rally\n\nHuge crowds filled the avenue in the capital tonight, chanting against the bill.\n\n"
                      "Police say the rally was largely peaceful."}
    published = {"src_1": date(2026, 5, 4), "src_2": date(2026, 5, 3)}
    proposals, _ = propose([wire, spoken], rules, PLACES, published, texts=texts)
    assert [(sorted(link.claim_id for link in p.links), p.date_start, p.date_precision) for p in proposals] == \
        [(["clm_s", "clm_w"], date(2026, 5, 3), "day")]


def test_a_local_report_naming_only_its_town_joins_the_wire_naming_the_country():
    """A local paper counts ballots "in Mzuzu" and names no country; the wire reports Malawi's
    run-off. GeoNames puts Mzuzu in Malawi, so the two are one vote; a town of the same name in
    several countries ("Valencia") says nothing of the country."""
    from newsclaims.pipeline.events import propose, rules_from, towns_named
    rules = rules_from({"event_types": [{"type": "Elections", "sub_type": "Vote", "words": ["run-off", "ballots"]}]})
    local = _claim("clm_l", "src_1", "Election officers in Mzuzu finished counting 88,000 ballots.", None, "2026-07-12")
    wire = _claim("clm_w", "src_2", "Grace Phiri won Malawi's run-off, officials said.", None, "2026-07-11",
                  place_names=["Malawi"])
    texts = {"src_1": "Mzuzu counts its ballots\n\nElection officers in Mzuzu finished counting 88,000 ballots."}
    proposals, _ = propose([local, wire], rules, {}, {}, texts=texts)
    assert [sorted(link.claim_id for link in p.links) for p in proposals] == [["clm_l", "clm_w"]], proposals
    assert "places in MW" in proposals[0].merged_because
    assert towns_named("Shops in Valencia flooded; talks in March; the mayor of Serra da Luz.") == ["Valencia"]


def test_a_blast_in_a_report_about_miners_is_a_mining_accident_not_a_bomb():
    """ "Mine blast" is a landmine in a war report and a mining accident in one about miners and
    coal: the Accident rule's cues make its weak words whole where the article uses them."""
    from newsclaims.pipeline.events import propose, rules_from
    rules = rules_from({"event_types": [
        {"type": "Explosions/Remote violence", "sub_type": "Remote explosive/landmine/IED", "casualties": True,
         "words": ["landmine"], "weak_words": ["blast", "mine blast"]},
        {"type": "Disasters", "sub_type": "Accident", "casualties": True, "words": ["methane"],
         "weak_words": ["blast", "mine blast"], "cues": ["miners", "coal"]}]})
    quote = "A mine blast killed 11 people on Tuesday, officials said."
    mining = _claim("clm_m", "src_1", quote, "plc_kyiv", "2026-03-10", predicate="killed")
    war = _claim("clm_w", "src_2", quote, "plc_fr", "2026-03-10", predicate="killed")
    texts = {"src_1": "Coal miners mourn\n\n" + quote, "src_2": "Soldiers on patrol\n\n" + quote}
    proposals, _ = propose([mining, war], rules, PLACES, {}, {"casualty_predicates": ["killed"]}, texts=texts)
    types = {p.links[0].claim_id: p.sub_event_type for p in proposals}
    assert types == {"clm_m": "Accident", "clm_w": "Remote explosive/landmine/IED"}, types


def test_scoring_pairs_in_arrays_gives_the_score_of_each_pair_one_by_one(tmp_path: Path, monkeypatch):
    """The array scoring that blocks use (`_scores`) against the pair-by-pair rules
    (`_same_event_score`), on every pair of one type among the proposals of the development set
    (gazetteer places, countries, names, figures) and a news-like synthetic corpus (many reports
    of one day)."""
    import sys
    from newsclaims.pipeline import events
    from newsclaims.pipeline.repository import Repository
    from newsclaims.pipeline.extract.runner import extract_all
    from newsclaims.pipeline.ingest import Seed
    sys.path.insert(0, str(ROOT / "scripts"))
    import synthetic_corpus

    captured = []
    real = events._candidate_scores
    monkeypatch.setattr(events, "_candidate_scores", lambda parts, feats, places, **kw:
                        captured.append((parts, feats, places)) or real(parts, feats, places, **kw))
    repo_news = synthetic_corpus.write_repository(tmp_path / "news", 40, seed=11, kind="news")
    devset = sorted((ROOT / "tests" / "devset").rglob("*.txt"))
    assert len(devset) >= 20
    for repo, seeds in ((Repository.of(repo_news).require(), None), (Repository.of(ROOT).require(), devset)):
        g = repo.gazetteer
        if seeds is None:
            seeds = repo.seeds
        else:
            seeds = [Seed(f"src_dev{k:04d}", p.name, "0" * 64, p.read_text(encoding="utf-8"), None, date(2025, 3, 1), "day")
                     for k, p in enumerate(seeds)]
        xs, _ = extract_all(seeds, g, jobs=1, cache=False)
        claims = [c for x in xs for c in x.claims]
        events.propose(claims, events.rules_of(repo), g.places, {s.source_id: s.anchor for s in seeds}, g.lexicon,
                       g.actors, {x.source_id: x.place_names for x in xs}, {s.source_id: s.text for s in seeds})
    assert len(captured) == 2
    compared = 0
    for parts, feats, places in captured:
        index = {l.claim_id: None for p in parts for l in p.links}
        by_type: dict[str, list[int]] = {}
        for i, p in enumerate(parts):
            by_type.setdefault(p.event_type, []).append(i)
        for members in by_type.values():
            got = events._scores([parts[i] for i in members], [feats[i] for i in members], places)
            for a, i in enumerate(members):
                for b, j in enumerate(members):
                    if i != j:
                        want, _ = events._same_event_score(parts[i], parts[j], index, places, feats[i], feats[j])
                        assert got[a, b] == round(want * 10), (parts[i], parts[j], _)
                        compared += 1
    assert compared > 10_000


def test_proposals_with_curation_set_aside_reuse_the_articles_no_curator_touched(tmp_path: Path, monkeypatch):
    """A build proposes events twice (with curation, and set aside for the report): the second
    time, only the articles curation changed are proposed again, and pairs and candidate blocks
    of proposals the first time scored are not scored again; the result is what a fresh call
    gives."""
    import sys
    from newsclaims.pipeline import events
    from newsclaims.pipeline.build import tables
    sys.path.insert(0, str(ROOT / "scripts"))
    import synthetic_corpus
    repo = synthetic_corpus.write_repository(tmp_path / "news", 10, seed=5, kind="news")
    calls: list[str] = []
    real = events._article_proposals
    monkeypatch.setattr(events, "_article_proposals", lambda source_id, *a, **kw: calls.append(source_id) or real(source_id, *a, **kw))
    tables(repo)
    first = len(calls)
    assert first >= 10
    calls.clear()
    scored: list[int] = []
    blocks: list[int] = []
    real_score, real_block = events._same_event_score, events._scores
    monkeypatch.setattr(events, "_same_event_score", lambda *a, **kw: scored.append(1) or real_score(*a, **kw))
    monkeypatch.setattr(events, "_scores", lambda *a, **kw: blocks.append(1) or real_block(*a, **kw))
    again = events.proposals_of(repo)
    # the two real seeds carry curation; the synthetic articles none
    assert 0 < len(calls) <= 2, calls
    reused = (len(scored), len(blocks))
    for memo in ("_LAST", "_PAIRS", "_BLOCKS"):
        monkeypatch.setattr(events, memo, {}, raising=False)
    scored.clear()
    blocks.clear()
    assert events.proposals_of(repo) == again
    assert reused[0] < len(scored) and reused[1] < len(blocks), (reused, len(scored), len(blocks))


def test_a_rebuild_in_a_new_process_takes_unchanged_articles_proposals_from_the_store(tmp_path: Path, monkeypatch):
    """A build keeps each article's proposals, and each scored block of candidate pairs, in
    .newsclaims-cache/proposals.sqlite under a key that is the same in every process (sets hash
    differently from one process to the next): the next build, in another process, proposes no
    unchanged article and scores no block again, an entry that is damaged is made again,
    --no-cache uses no store, and the tables are the same."""
    import sqlite3
    import subprocess
    import sys
    import os
    from newsclaims.pipeline import events
    from newsclaims.pipeline.build import PROPOSALS, Options, tables
    sys.path.insert(0, str(ROOT / "scripts"))
    import synthetic_corpus
    repo = synthetic_corpus.write_repository(tmp_path / "news", 6, seed=3, kind="news")
    # the first build in a child process with another string hash seed than this one's
    env = {**os.environ, "PYTHONHASHSEED": "12345" if os.environ.get("PYTHONHASHSEED") != "12345" else "54321"}
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from newsclaims.pipeline.build import tables;"
                    " tables(Path(sys.argv[1]))", str(repo)], check=True, env=env, timeout=600)
    assert (repo / PROPOSALS).is_file()
    calls: list[str] = []
    scored: list[int] = []
    real, real_scores = events._article_proposals, events._scores
    monkeypatch.setattr(events, "_article_proposals", lambda source_id, *a, **kw: calls.append(source_id) or real(source_id, *a, **kw))
    monkeypatch.setattr(events, "_scores", lambda *a, **kw: scored.append(1) or real_scores(*a, **kw))

    def fresh(options=Options()):
        for memo in ("_LAST", "_PAIRS", "_BLOCKS"):
            monkeypatch.setattr(events, memo, {}, raising=False)
        calls.clear()
        scored.clear()
        return tables(repo, options=options)[2]

    stored = fresh()
    assert calls == [] and scored == []
    db = sqlite3.connect(repo / PROPOSALS)
    entries = db.execute("SELECT key, entry FROM entries ORDER BY key").fetchall()
    proposal = next(k for k, e in entries if e.partition(b"\n")[2].startswith(b"["))
    block = next(k for k, e in entries if not e.partition(b"\n")[2].startswith(b"["))
    with db:
        for key in (proposal, block):
            db.execute("UPDATE entries SET entry = ? WHERE key = ?", (b"0" * 64 + b"\n[]", key))
    db.close()
    mended = fresh()
    assert len(calls) == 1 and len(scored) >= 1
    assert fresh() is not None and calls == [] and scored == []     # the damaged entries were written again
    made = fresh(Options(cache=False))
    assert len(calls) == 8 and len(scored) > 1             # 6 synthetic articles and the 2 real seeds
    for name in made:
        assert made[name].equals(stored[name]) and made[name].equals(mended[name]), name


def test_a_story_many_outlets_tell_lists_a_bounded_number_of_reasons():
    """Fifteen reports of one flood, each naming a village the next one names too: one event,
    whose reasons (copied into every claim link's evidence) stop at a dozen and say how many
    more there are."""
    from newsclaims.pipeline import events
    names = ["Arvelo", "Brisko", "Corvani", "Dumelta", "Eskaro", "Fendrik", "Golvani", "Hestaro", "Ivrella",
             "Jorvask", "Kelmaro", "Lunavik", "Morvesta", "Nestrova", "Orvalis", "Pelmarto"]
    claims = [_claim(f"clm_{k:02d}", f"src_{k:02d}", f"Floods swept {names[k]} and {names[k + 1]}.", None, "2026-03-02",
                     place_names=[names[k], names[k + 1]]) for k in range(15)]
    proposals, _ = events.propose(claims, events.rules_from(RULES), PLACES, {})
    assert len(proposals) == 1 and len(proposals[0].links) == 15
    why = proposals[0].merged_because
    assert len(why) == events._REASONS + 1 and why[-1].endswith("more reasons"), why
    assert all(len(link.evidence) < 1000 for link in proposals[0].links)


def test_the_proposals_store_holds_one_code_versions_entries(tmp_path: Path, monkeypatch):
    """Every entry of the proposals store rests on the code and libraries that made it: a store
    written under another signature is emptied (and its space given back) when a build opens
    it for writing, never when it is only read, so upgrades do not pile up dead entries."""
    import sqlite3
    import sys
    from newsclaims.pipeline import events
    from newsclaims.pipeline.build import PROPOSALS, ProposalStore, tables
    sys.path.insert(0, str(ROOT / "scripts"))
    import synthetic_corpus
    repo = synthetic_corpus.write_repository(tmp_path / "news", 3, seed=5, kind="news")
    tables(repo)
    path = repo / PROPOSALS

    def count() -> int:
        db = sqlite3.connect(path)
        try:
            return db.execute("SELECT count(*) FROM entries").fetchone()[0]
        finally:
            db.close()
    live = count()
    assert live > 0
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE meta SET value = 'an older version' WHERE name = 'signature'")
        db.executemany("INSERT INTO entries (key, entry) VALUES (?, ?)", [(f"old{k}", b"x" * 10_000) for k in range(300)])
    db.close()
    before = path.stat().st_size
    ProposalStore(repo, write=False).close()
    assert count() == live + 300
    ProposalStore(repo).close()
    assert count() == 0 and path.stat().st_size < before
    db = sqlite3.connect(path)
    assert db.execute("SELECT value FROM meta WHERE name = 'signature'").fetchone()[0] == events.code_signature()
    db.close()
    for memo in ("_LAST", "_PAIRS", "_BLOCKS"):
        monkeypatch.setattr(events, memo, {})
    tables(repo)
    assert count() == live
    ProposalStore(repo).close()
    assert count() == live                     # the same version's entries stay
