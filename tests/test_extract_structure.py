"""Extraction beyond the seeds: several speakers and relays, every date of a sentence with what it
dates, counted things the lexicon does not know, and the claims curators confirmed in the seeds."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from extraction_scoring import ROOT
from helpers import copy_repo, edit_csv
from newsclaims.datapackage.validate import validate
from newsclaims.pipeline.extract.article import extract_article
from newsclaims.pipeline.extract.dates import find_dates, resolve, resolve_offsets
from newsclaims.pipeline.gazetteer import load_gazetteer
from newsclaims.pipeline.ingest import Seed, load_seeds


@pytest.fixture(scope="module")
def g():
    return load_gazetteer(ROOT)


def extract(g, text: str, published: date = date(2026, 3, 12)):
    return extract_article(Seed("src_" + "1" * 16, "x.txt", "1" * 64, text, None, published, "day"), g)


def claim_with(x, fragment: str, figure: str | None = None) -> dict:
    found = [c for c in x.claims if fragment in c["quote"] and (figure is None or c.get("figure_text") == figure)]
    assert found, f"no claim holds {fragment!r} ({figure}); claims: {[c['quote'] for c in x.claims]}"
    return found[0]


# --- speakers -------------------------------------------------------------------------------

def test_two_speakers_named_together_are_both_kept(g):
    x = extract(g, "Talks will resume next month, according to the mayor, Anna Berg, and the regional governor, "
                   "Piet Lund.\n")
    speakers = claim_with(x, "Talks will resume")["speakers"]
    assert [s["speaker_text"] for s in speakers] == ["Anna Berg", "Piet Lund"]
    assert [s["role"] for s in speakers] == ["speaker", "speaker"]


def test_a_channel_citing_an_official_relays_the_officials_claim(g):
    text = "Five people were killed in the strike, the Sahel channel reported, citing a local health official.\n"
    x = extract(g, text)
    claim = claim_with(x, "Five people")
    roles = {s["speaker_text"]: s["role"] for s in claim["speakers"]}
    assert roles == {"local health official": "speaker", "Sahel channel": "relay"}
    # the claim's own speaker is the origin, first in the list
    assert claim["speaker_text"] == "local health official" == claim["speakers"][0]["speaker_text"]
    for s in claim["speakers"]:
        assert text[s["char_start"]:s["char_end"]] == s["speaker_text"]


def test_reported_by_a_according_to_b_makes_a_the_origin(g):
    x = extract(g, "At least 40 people died, according to the state agency, citing a report by Channel Nine.\n")
    speakers = claim_with(x, "At least 40")["speakers"]
    assert ("speaker", "relay") == tuple(s["role"] for s in speakers)
    assert "Channel Nine" in speakers[0]["speaker_text"] and "state agency" in speakers[1]["speaker_text"]


# --- dates ----------------------------------------------------------------------------------

def test_every_date_of_a_sentence_is_kept_with_what_it_dates(g):
    x = extract(g, "Inflation slowed to 2.6% in March from 3.1% in February, the statistics office said on Wednesday.\n",
                published=date(2026, 4, 15))
    claim = claim_with(x, "Inflation", "2.6")
    rows = {d["date_text"]: (d["role"], d["date_start"], d["date_end"]) for d in claim["dates"]}
    assert rows["on Wednesday"] == ("statement", date(2026, 4, 15), date(2026, 4, 15))
    assert rows["in March"] == ("claim", date(2026, 3, 1), date(2026, 3, 31))
    assert rows["in February"][0] == "mentioned"
    assert claim["date_text"] == "in March"


def test_a_quoted_tonight_is_the_speakers_night(g):
    x = extract(g, '"Tonight the city chose to start again," Osei told supporters late on Monday.\n',
                published=date(2026, 10, 20))
    claim = claim_with(x, "Tonight")
    tonight = next(d for d in claim["dates"] if d["date_text"] == "Tonight")
    assert tonight["date_start"] == date(2026, 10, 19)


@pytest.mark.parametrize("expr,start", [("before dawn today", date(2026, 3, 11)),
                                        ("on Thursday of next week", date(2026, 3, 19)),
                                        ("Monday of last week", date(2026, 3, 2))])
def test_dawn_and_weeks_resolve_to_the_day(expr, start):
    (found,) = find_dates(f"It happened {expr}.")
    assert found.text == expr
    r = resolve(found, date(2026, 3, 11), None)
    assert (r.date_start, r.date_end, r.precision) == (start, start, "day")


# --- figures --------------------------------------------------------------------------------

@pytest.mark.parametrize("text,figure,thing", [
    ("Hospital chief Leyla Sancar said 63 of the injured were still being treated, nine of them in intensive care.",
     "nine", "injured"),
    ("Engineers have inspected 1,120 buildings so far and marked 212 of them unsafe, the council said.", "212",
     "buildings"),
    ("Pollster Ruth Kemp said undecided voters, about 9 per cent of the sample, would decide the result.", "9",
     "voters"),
    ("Food group Norvane reported a 12% rise in first-quarter revenue, the company said.", "12",
     "rise in first-quarter revenue"),
    ("Some 76% of patients were seen within 18 weeks, against a target of 92%, the agency said.", "92", "target"),
    ("The number of cholera cases in the district passed 100, council secretary Joseph Banda said.", "100",
     "cholera cases"),
])
def test_the_counted_thing_comes_from_the_parse(g, text, figure, thing):
    claim = claim_with(extract(g, text + "\n"), text[:12], figure)
    assert claim["object_text"] == thing


@pytest.mark.parametrize("text,not_figure", [
    ("Fisk, 67, said he was proud of his record, the council said.", "67"),
    ("We will have reaction from both camps at eleven.", "eleven"),
    ("The two sides exchanged 150 prisoners each on Sunday, the Red Cross said.", "two"),
])
def test_ages_clock_times_and_the_two_sides_are_not_figures(g, text, not_figure):
    x = extract(g, text + "\n")
    assert not_figure not in [c.get("figure_text") for c in x.claims]


def test_money_without_its_currency_takes_the_previous_ones(g):
    x = extract(g, "Operating profit rose to 410 million euros from 352 million a year earlier, the company said.\n")
    claim = claim_with(x, "Operating profit", "352 million")
    assert (claim["unit"], claim["object"], claim["value"]) == ("money", "EUR", 352e6)


def test_a_range_of_percentages_is_one_figure(g):
    x = extract(g, "Norvane kept its full-year guidance of 4% to 6% organic growth, the company said.\n")
    (claim,) = [c for c in x.claims if c["claim_kind"] == "figure"]
    assert (claim["value"], claim["low"], claim["high"], claim["unit"]) == (5, 4, 6, "percent")


# --- the seeds: what curators confirmed is still extracted ------------------------------------

CONFIRMED = [   # (seed, the quote starts with, figure text or None, speaker) of claims a curator confirmed
    ("000", "Umerov confirmed that discussions", None, "act_rustem_umerov"),
    ("000", "Ukraine’s air force reported that a total of 176", "176", "act_ukraine_air_force"),
    ("000", "Ukraine’s air force reported that a total of 176", "one", "act_ukraine_air_force"),
    ("000", "Ukrainian forces successfully shot down", "139", "act_ukraine_air_force"),
    ("000", "According to Ukraine’s State Emergency Service", None, "act_ukraine_ses"),
    ("000", "Conversely, Russia’s defense ministry claimed", "57", "act_russia_mod"),
    ("000", "President Volodymyr Zelensky announced on December", "1,200", "act_volodymyr_zelensky"),
    ("000", "He stated, “We are counting", None, "act_volodymyr_zelensky"),
    ("000", "Umerov indicated that technical consultations", None, "act_rustem_umerov"),
    ("000", "In a post on X (formerly Twitter), Zelensky", None, "act_volodymyr_zelensky"),
    ("000", "He expressed hope that the returning prisoners", None, "act_rustem_umerov"),
    ("000", "This development follows statements from Rustem Umerov", None, "act_rustem_umerov"),
    ("004", "These strikes, which included 176 drones", "176", "act_ukrainian_officials"),
    ("004", "These strikes, which included 176 drones", "one", "act_ukrainian_officials"),
    ("004", "Overnight strikes on Odesa region facilities", None, "act_ukrainian_officials"),
    ("004", "Umerov emphasized that technical consultations", None, "act_rustem_umerov"),
    ("004", "Umerov reiterated that the resumption", None, "act_rustem_umerov"),
    ("004", "The move follows repeated calls from Zelenskyy", None, "act_ap"),
    ("004", "Ukraine and Russia are nearing a framework agreement", "1,200", "act_volodymyr_zelensky"),
    ("004", "Kyiv recently signed a deal to purchase 100", "100", None),
    ("004", "Meanwhile, Ukrainian forces have retaliated", None, "act_unnamed_reports"),
]


@pytest.fixture(scope="module")
def seed_claims(g):
    seeds = {s.file.split("/")[-1][:3]: s for s in load_seeds(ROOT)}
    return {k: extract_article(s, g).claims for k, s in seeds.items()}


@pytest.mark.parametrize("seed,start,figure,speaker", CONFIRMED)
def test_what_curators_confirmed_in_the_seeds_is_still_extracted(seed_claims, seed, start, figure, speaker):
    found = [c for c in seed_claims[seed] if c["quote"].startswith(start) and c.get("figure_text") == figure]
    assert len(found) == 1, f"{start!r} {figure}: {len(found)} claim(s)"
    assert found[0]["speaker_actor_id"] == speaker


# --- the tables -----------------------------------------------------------------------------

def test_the_seed_package_lists_both_speakers_of_according_to_x_and_y():
    speakers = pd.read_csv(ROOT / "data" / "claim_speakers.csv")
    claims = pd.read_csv(ROOT / "data" / "claims.csv").set_index("claim_id")
    two = speakers[speakers["role"] == "speaker"].groupby("claim_id").filter(lambda d: len(d) > 1)
    assert set(two["actor_id"]) == {"act_volodymyr_zelensky", "act_rustem_umerov"}
    # "Umerov emphasized ... according to official statements": the statements pass it on
    relays = speakers[speakers["role"] == "relay"]
    assert list(relays["actor_id"]) == ["act_unnamed_officials"]
    firsts = speakers[speakers["position"] == 1].set_index("claim_id")["actor_id"]
    assert (claims.loc[firsts.index, "speaker_actor_id"] == firsts).all()


@pytest.mark.parametrize("table,column", [("claim_dates", "date_text"), ("claim_speakers", "speaker_text")])
def test_a_mention_that_is_not_the_seed_text_is_an_error(tmp_path, table, column):
    pkg = copy_repo(tmp_path / "repo")

    def shift(header, rows):
        row = next(r for r in rows if r[column])
        row[column] = "x" + row[column][1:]

    edit_csv(pkg, table, shift)
    report = validate(pkg)
    assert any(e.check == "mention_in_quote" and e.table == table for e in report.errors), report.errors


# --- actors -----------------------------------------------------------------------------------

def speakers_of(x) -> list[str]:
    return [c["speaker_actor_id"] for c in x.claims if c.get("speaker_actor_id")]


def test_a_transliteration_of_a_known_name_is_the_known_actor(g):
    x = extract(g, "Zelenskii said Kyiv would not accept the terms.\n")     # not one of the gazetteer's aliases
    assert speakers_of(x) == ["act_volodymyr_zelensky"]
    assert x.new_actors == {}


def test_spellings_of_a_new_name_are_one_actor_across_articles(g):
    a = extract(g, "Governor Ivan Petrenkiy said 12 schools were closed.\n")
    b = extract(g, "Ivan Petrenkyy said 14 schools were closed.\n")
    (first,), (second,) = speakers_of(a), speakers_of(b)
    assert first == second and first in a.new_actors and a.new_actors[first]["type"] == "person"


def test_a_surname_alone_is_the_person_the_article_named(g):
    x = extract(g, "Mayor Amara Osei said 40 roads were flooded.\n\nOsei said 3 bridges were closed.\n")
    ids = speakers_of(x)
    assert len(ids) == 2 and ids[0] == ids[1], ids
    assert len(x.new_actors) == 1


def test_a_demonym_is_never_an_actor_of_its_own(g):
    x = extract(g, "Coach Lena Marsh said the team had lost 3 games.\n\nThe Ukrainian said 5 players were injured.\n")
    assert not any("ukrainian" in k for k in x.new_actors), x.new_actors
    assert len(set(speakers_of(x))) == 1


# --- article structure ------------------------------------------------------------------------

PAGE = """Floods Close Valley Road

News > Regions > North Valley
By Mara Tellen, Valley Courier
Published Date: 14 March 2026 09:12
Photo: Rescue crews on the flooded road. (AP Photo/Jon Ellery)

The valley road was closed on Friday after the river rose 2 metres overnight, the county said.

Support our journalism: become a member today
Engineers said 14 homes were flooded and that the bridge would stay closed until inspectors had checked the"""


def test_page_furniture_is_excluded_with_its_reason_and_a_cut_off_paragraph_is_read(g):
    from newsclaims.pipeline.clean import clean
    c = clean(PAGE, g)
    reasons = {s.text.split()[0]: s.reason for s in c.excluded}
    assert reasons == {"Floods": "headline", "News": "breadcrumbs", "By": "byline", "Published": "metadata",
                       "Photo:": "caption", "Support": "appeal"}
    read = [PAGE[a:b] for a, b in c.segments]
    assert read[-1].startswith("Engineers said 14 homes") and read[-1].endswith("had checked the")
    x = extract(g, PAGE)
    assert "14" in [c.get("figure_text") for c in x.claims]


def test_every_furniture_reason_of_the_lexicon_is_a_category_of_excluded_spans():
    import yaml
    lexicon = yaml.safe_load((ROOT / "gazetteer" / "lexicon.yaml").read_text(encoding="utf-8"))
    table = yaml.safe_load((ROOT / "schemas" / "excluded_spans.yaml").read_text(encoding="utf-8"))
    reasons = {c["value"] for f in table["fields"] if f["name"] == "reason" for c in f["categories"]}
    assert set(lexicon["furniture"]) <= reasons


def test_cents_are_hundredths_of_the_sentences_currency(g):
    x = extract(g, "Shares fell 45 cents to $12.10, the exchange said.\n")
    claim = claim_with(x, "Shares", "45 cents")
    assert (claim["unit"], claim["object"], claim["value"]) == ("money", "USD", 0.45)


def test_a_change_from_one_level_to_another_is_not_a_range(g):
    x = extract(g, "Cases rose from 120 to 310 in a week, health officials said.\n")
    figs = [(c["figure_text"], c["qualifier"], c["object"]) for c in x.claims if c["claim_kind"] == "figure"]
    assert figs == [("120", "exact", "cases"), ("310", "exact", "cases")]


def test_a_weapon_named_by_its_model_counts_one(g):
    x = extract(g, "Russia fired a Kinzhal missile at the city overnight, the air force said.\n")
    (claim,) = [c for c in x.claims if c["claim_kind"] == "figure"]
    assert (claim["value"], claim["object"], claim["predicate"], claim["figure_text"]) == (1, "missiles", "launched", "a")


@pytest.mark.parametrize("text,speaker", [
    ("Volodymyr Zelenskyy met the envoy in Kyiv.\n\nThe Ukrainian president said 600 drones had been launched.\n",
     "act_volodymyr_zelensky"),
    ("Prime Minister Leah Costa visited the site.\n\nThe prime minister said 14 schools would reopen.\n",
     "act_leah_costa"),
])
def test_an_office_resolves_to_the_one_person_the_article_gave_it(g, text, speaker):
    x = extract(g, text)
    assert speakers_of(x) == [speaker]


def test_an_office_two_people_hold_stays_unresolved(g):
    x = extract(g, "Mayor Helen Carter met Mayor David Brooks on Friday.\n\nThe mayor said 30 buses were added.\n")
    assert speakers_of(x) not in (["act_helen_carter"], ["act_david_brooks"])


@pytest.mark.parametrize("cue", ["forecast", "predicted", "lamented", "conceded"])
def test_a_reporting_verb_after_the_clause_names_the_speaker(g, cue):
    x = extract(g, f"Inflation will ease to 2.4% next year, the Energy Information Administration {cue}.\n")
    assert claim_with(x, "Inflation", "2.4")["speaker_text"].endswith("Energy Information Administration")


@pytest.mark.parametrize("text,expr,start,end,precision", [
    ("Drones hit the port on the night of 15 to 16 November.", "the night of 15 to 16 November",
     date(2025, 11, 15), date(2025, 11, 16), "night"),
    ("Drones hit the port overnight into December 3.", "overnight into December 3", date(2025, 12, 2), date(2025, 12, 3), "night"),
    # seed 000's wording: the night of 2 to 3 December, the text kept whole
    ("176 drones were launched during the overnight hours leading into December 3.",
     "overnight hours leading into December 3", date(2025, 12, 2), date(2025, 12, 3), "night"),
    ("The bridge closed two days ago.", "two days ago", date(2026, 3, 10), date(2026, 3, 10), "day"),
    ("Prices peaked in mid-February.", "in mid-February", date(2026, 2, 1), date(2026, 2, 28), "month"),
    ("Sales fell in January and February.", "and February", date(2026, 2, 1), date(2026, 2, 28), "month"),
    ("The vote was held late on Tuesday.", "late on Tuesday", date(2026, 3, 10), date(2026, 3, 10), "day"),
    ("The plant shut on 16 November.", "16 November", date(2025, 11, 16), date(2025, 11, 16), "day"),
])
def test_nights_spans_and_past_days_resolve(text, expr, start, end, precision):
    found = {d.text: d for d in find_dates(text)}
    assert expr in found, list(found)
    r = resolve(found[expr], date(2026, 3, 12), None)
    assert (r.date_start, r.date_end, r.precision) == (start, end, precision)


def test_a_dated_event_sentence_is_a_claim_even_where_no_place_is_known(g):
    x = extract(g, "The quake struck Kestane before dawn today.\n", published=date(2026, 3, 11))
    claim = claim_with(x, "The quake struck")
    assert claim["date_start"] == date(2026, 3, 11)


@pytest.mark.parametrize("text,figure,obj", [
    ("The coastguard says 212 people were on board. So far 187 have been pulled from the water alive.", "187", "people"),
    ("Fourteen are confirmed dead, and eleven are still missing, the coastguard said.", "eleven", "people"),
    ("Results give Unity 68 seats, down from 81 in 2022, while Forward has 57, the commission said.", "57", "seats"),
    ("Results give Unity 68 seats, down from 81 in 2022, the commission said.", "81", "seats"),
])
def test_a_number_standing_alone_takes_the_thing_it_stands_for(g, text, figure, obj):
    x = extract(g, text + "\n")
    (claim,) = [c for c in x.claims if c.get("figure_text") == figure]
    assert claim["object"] == obj


def test_two_of_the_four_parties_are_both_figures(g):
    x = extract(g, "Unity needs at least two of the four smaller parties, the commission said.\n")
    assert [(c["figure_text"], c["object_text"]) for c in x.claims if c["claim_kind"] == "figure"] == \
        [("two", "parties"), ("four", "parties")]


def test_what_a_verb_raised_by_a_percentage_is_its_object(g):
    x = extract(g, "The government raised fuel prices by 40% at the end of last month, officials said.\n")
    assert claim_with(x, "The government", "40")["object_text"] == "fuel prices"


def test_a_call_for_a_day_is_for_the_day_to_come(g):
    x = extract(g, "Opposition leader Mira Sandor called for a general strike on Monday.\n", published=date(2026, 2, 5))
    (claim,) = x.claims
    assert claim["date_start"] == date(2026, 2, 9)


def test_the_company_is_the_company_the_article_named(g):
    x = extract(g, "Solvane Semiconductor will cut 2,400 jobs, the company said on Wednesday.\n\n"
                   "The company said 300 of the jobs were in Dresden.\n")
    ids = set(speakers_of(x))
    assert ids == {"act_solvane_semiconductor"}, ids
    assert "act_company" not in x.new_actors


def test_a_spokesperson_speaks_for_the_body_and_is_kept_as_written(g):
    x = extract(g, "The Halden Health Trust opened a new ward.\n\n"
                   "A spokesperson for the trust said 58 patients were ill.\n")
    claim = claim_with(x, "A spokesperson", "58")
    assert claim["speaker_text"] == "spokesperson for the trust"
    assert claim["speaker_actor_id"] == "act_halden_health_trust"


def test_a_group_of_unnamed_speakers_keeps_where_they_are_from(g):
    x = extract(g, "Economists at Halvard Bank said they expected two more cuts.\n")
    assert claim_with(x, "Economists")["speaker_text"] == "Economists at Halvard Bank"


@pytest.mark.parametrize("text,speaker_text,actor", [
    ("The strike killed 12 people, it was reported by the regional governor.", "regional governor", None),
    ("Twelve people were killed, the governor was quoted as saying.", "governor", None),
    ("According to figures from the health ministry, 400 people have been treated.",
     "figures from the health ministry", "act_health_ministry"),
    ("Final results are expected by Saturday, the commission said.", "commission", None),
])
def test_passive_and_quoted_forms_name_their_speaker(g, text, speaker_text, actor):
    (claim,) = extract(g, text + "\n").claims
    assert claim["speaker_text"] == speaker_text
    if actor:
        assert claim["speaker_actor_id"] == actor


def test_a_quotation_over_two_sentences_has_the_speaker_named_at_its_end(g):
    x = extract(g, 'City mayor Joan Pike was at the ground.\n\n"This should never have happened. We will find out why '
                   'it did," she told us.\n')
    first = claim_with(x, "This should never")
    assert first["speaker_actor_id"] == "act_joan_pike" and first["attribution_type"] == "direct_quote"
    assert "act_joan_pike" in x.new_actors


@pytest.mark.parametrize("text,expr,published,start,end", [
    ("The council will decide by the end of the month.", "by the end of the month", date(2026, 3, 12),
     date(2026, 3, 1), date(2026, 3, 31)),
    ("Talks failed after an election in October.", "in October", date(2026, 3, 12), date(2025, 10, 1),
     date(2025, 10, 31)),
    ("Hospitals treated 1,900 people over the past week.", "over the past week", date(2026, 7, 22),
     date(2026, 7, 15), date(2026, 7, 22)),
    ("The primary will be held on March 3.", "March 3", date(2026, 7, 22), date(2027, 3, 3), date(2027, 3, 3)),
])
def test_periods_relative_to_the_publication_day(text, expr, published, start, end):
    found = {d.text: d for d in find_dates(text)}
    r = resolve(found[expr], published, None)
    assert (r.date_start, r.date_end) == (start, end)


def test_a_day_after_counts_from_the_date_before_it(g):
    x = extract(g, "Shelling killed four civilians, officials said on Thursday, a day after both sides agreed to a "
                   "truce.\n", published=date(2026, 12, 3))
    (claim,) = [c for c in x.claims if c["claim_kind"] == "figure"]
    offset = next(d for d in claim["dates"] if d["date_text"] == "a day after")
    assert offset["date_start"] == date(2026, 12, 2)


def test_a_plan_that_was_due_is_in_the_past(g):
    x = extract(g, "A convoy of 12 trucks, which had been due to arrive on Wednesday, turned back, the UN said.\n",
                published=date(2026, 12, 3))
    (claim,) = [c for c in x.claims if c["claim_kind"] == "figure"]
    assert claim["date_start"] == date(2026, 12, 2)


def test_a_hyphenated_measure_is_a_figure(g):
    x = extract(g, "The ruling covers the 12-hectare extension, the judge said.\n")
    assert [c["figure_text"] for c in x.claims if c["claim_kind"] == "figure"] == ["12"]


def test_temperatures_written_with_their_scale_are_figures(g):
    x = extract(g, "Temperatures passed 45C for a third day, the weather service said.\n")
    (claim,) = [c for c in x.claims if c["claim_kind"] == "figure"]
    assert (claim["figure_text"], claim["object"]) == ("45", "degrees")


def test_the_subject_of_a_completed_verb_is_what_a_level_measures(g):
    x = extract(g, "Unemployment is expected to peak at 5.1% next spring, the office said.\n")
    assert claim_with(x, "Unemployment", "5.1")["object_text"] == "Unemployment"


def test_an_organisation_in_apposition_is_the_speaker(g):
    x = extract(g, "The refinery's owner, Northgate Energy, said output would be cut by a quarter.\n")
    assert claim_with(x, "The refinery")["speaker_text"] == "Northgate Energy"


@pytest.mark.parametrize("text,figure,thing", [
    ("Dengue cases in Bangladesh have passed 40,000 this year, the agency said.", "40,000", "Dengue cases"),
    ("Extra trams carried 20% more passengers than usual, the operator said.", "20", "passengers"),
])
def test_counts_before_a_date_and_shares_of_more(g, text, figure, thing):
    assert claim_with(extract(g, text + "\n"), text[:10], figure)["object_text"] == thing


def test_an_agency_that_recorded_speaks_but_a_country_that_recorded_does_not(g):
    x = extract(g, "The agency recorded 1,214 new hospital admissions.\n\nZambia recorded 20,000 cases in 2024.\n")
    assert claim_with(x, "The agency", "1,214")["speaker_text"].lower().endswith("agency")
    assert claim_with(x, "Zambia", "20,000")["speaker_actor_id"] is None


def test_reported_speech_was_expected_looks_forward(g):
    x = extract(g, "The minister said winds of up to 70 km/h were expected overnight.\n", published=date(2026, 8, 21))
    (claim,) = [c for c in x.claims if c["claim_kind"] == "figure"]
    assert (claim["date_start"], claim["date_end"]) == (date(2026, 8, 21), date(2026, 8, 22))


def test_another_n_counts_the_same_thing(g):
    x = extract(g, "The airport says 212 departures were cancelled and another 90 were delayed.\n")
    assert claim_with(x, "The airport", "90")["object"] == claim_with(x, "The airport", "212")["object"]


@pytest.mark.parametrize("text,not_figure", [
    ('"We have been here since six this morning," one woman said.', "six"),
    ("Hungary dropped its objections, two diplomats said.", "two"),
])
def test_clock_times_and_the_number_of_sources_are_not_figures(g, text, not_figure):
    assert not_figure not in [c.get("figure_text") for c in extract(g, text + "\n").claims]


def test_it_said_is_the_organisation_that_spoke_last(g):
    x = extract(g, "Power was restored to 2,300 homes, Vale Power Networks said.\n\n"
                   "The remaining homes should be reconnected by Saturday, it said.\n", published=date(2026, 12, 11))
    claim = claim_with(x, "The remaining homes")
    assert claim["speaker_actor_id"] == claim_with(x, "Power was", "2,300")["speaker_actor_id"]
    assert claim["date_start"] == date(2026, 12, 12)


@pytest.mark.parametrize("text,expr,start", [
    ("Delays will continue tomorrow.", "tomorrow", date(2026, 12, 12)),
    ("Power returned on Thursday, three days after the storm.", "three days after", date(2026, 12, 7)),
])
def test_tomorrow_and_days_after(text, expr, start):
    ds = resolve_offsets([resolve(d, date(2026, 12, 11), None) for d in find_dates(text)], text, date(2026, 12, 11))
    assert {d.text: d.date_start for d in ds}[expr] == start


@pytest.mark.parametrize("text,figure,obj", [
    ("Davies received 1,206 votes to 1,192 for the Conservative candidate, the officer said.", "1,192", "votes"),
])
def test_a_comparison_counts_what_the_figure_before_it_counts(g, text, figure, obj):
    assert claim_with(extract(g, text + "\n"), text[:10], figure)["object"] == obj


def test_a_rate_denominator_is_not_a_figure_and_numbered_counts_its_subject(g):
    x = extract(g, "The rate was 9.4 cases per 100,000 people, the agency said. Drug-resistant infections numbered "
                   "71, the agency said.\n")
    figures = {c["figure_text"]: c for c in x.claims if c["claim_kind"] == "figure"}
    assert "100,000" not in figures
    assert figures["71"]["object_text"].endswith("infections")


def test_a_share_left_implicit_is_of_what_the_articles_last_share_was_of(g):
    x = extract(g, "Osei won the election with 52.4% of the vote, officials said.\n\n"
                   "Fisk took 41.9% and three minor candidates shared the rest.\n")
    assert claim_with(x, "Fisk", "41.9")["object"] == "vote"


@pytest.mark.parametrize("text,figure", [
    ("Oskol said one of its soldiers had been wounded.", "one"),
    ("Patients are treated at a 200-bed centre, the charity said.", "200"),
])
def test_one_of_its_and_hyphenated_sizes_are_figures(g, text, figure):
    assert figure in [c.get("figure_text") for c in extract(g, text + "\n").claims]


def test_an_age_bracket_is_not_a_figure(g):
    x = extract(g, "The charity treated 1,340 patients, a third of them children under five, it said.\n")
    assert "five" not in [c.get("figure_text") for c in x.claims]


def test_a_batch_of_articles_extracts_as_each_alone(g):
    from newsclaims.pipeline.extract.article import extract_articles
    texts = sorted((ROOT / "tests" / "devset").glob("*.txt"))[:12]
    seeds = [Seed(f"src_{i:016d}", p.name, f"{i:064d}", p.read_text(encoding="utf-8"), None, date(2026, 3, 12), "day")
             for i, p in enumerate(texts)]
    batch = extract_articles(seeds, g)
    assert [x.claims for x in batch] == [extract_article(s, g).claims for s in seeds]
    assert sum(len(x.claims) for x in batch) > 50


def test_a_percentage_change_to_a_price_is_not_a_range(g):
    x = extract(g, "Spot rates to the US West Coast rose 6% to 2,980 dollars, analysts said.\n")
    figs = [(c["figure_text"], c["unit"], c["qualifier"]) for c in x.claims if c["claim_kind"] == "figure"]
    assert figs == [("6", "percent", "exact"), ("2,980", "money", "exact")]


@pytest.mark.parametrize("text,figure,thing", [
    ("Governor Oleh Marchuk said two of the depot's 16 tanks had been destroyed.", "two", "tanks"),
    ("The figure was 7% lower than in 2024, the office said.", "7", "figure"),
])
def test_possessive_partitives_and_comparatives_count_their_thing(g, text, figure, thing):
    assert claim_with(extract(g, text + "\n"), text[:10], figure)["object_text"] == thing
