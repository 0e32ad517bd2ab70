"""newsclaims validate: the committed package passes; every rule has a bad table that fails it."""

from __future__ import annotations

import json

import pytest

from helpers import ROOT, cli, edit_csv
from newsclaims.datapackage.rules import RULES
from newsclaims.datapackage.schema import load_package
from newsclaims.datapackage.validate import validate


def failures(pkg, check=None):
    report = validate(pkg)
    return [f for f in report.failures if check is None or f.check == check]


def test_committed_package_is_valid():
    report = validate(ROOT)
    assert report.valid, [f.as_dict() for f in report.errors][:5]
    assert report.rows["claims"] > 0


def test_every_rule_in_rules_yaml_is_implemented_and_vice_versa():
    declared = {r["id"] for r in load_package(ROOT / "schemas").rules}
    assert declared == set(RULES)


def _first_claim(rows, kind="figure"):
    return next(r for r in rows if r["claim_kind"] == kind)


def test_one_changed_character_in_any_quote_fails(repo):
    def change(header, rows):
        r = _first_claim(rows, "statement")
        r["quote"] = r["quote"][:5] + ("X" if r["quote"][5] != "X" else "Y") + r["quote"][6:]
    edit_csv(repo, "claims", change)
    found = failures(repo, "quote_matches_seed")
    assert len(found) == 1 and found[0].table == "claims" and found[0].column == "quote" and found[0].row


@pytest.mark.parametrize("column", ["char_start", "char_end"])
def test_shifted_offsets_fail(repo, column):
    def shift(header, rows):
        r = _first_claim(rows)
        r[column] = str(int(r[column]) + 1)
    edit_csv(repo, "claims", shift)
    assert failures(repo, "quote_matches_seed")


def test_missing_column_names_table_and_column(repo):
    edit_csv(repo, "claims", lambda h, rows: ([c for c in h if c != "cue"], [{k: v for k, v in r.items() if k != "cue"} for r in rows]))
    found = failures(repo, "column_missing")
    assert [(f.table, f.column) for f in found] == [("claims", "cue")]


def test_extra_column_fails(repo):
    edit_csv(repo, "sources", lambda h, rows: (h + ["colour"], [{**r, "colour": "red"} for r in rows]))
    found = failures(repo, "column_unexpected")
    assert [(f.table, f.column) for f in found] == [("sources", "colour")]


def test_duplicate_primary_key_names_table_and_row(repo):
    n = {}

    def dup(header, rows):
        n["rows"] = len(rows) + 1
        return header, rows + [dict(rows[0])]
    edit_csv(repo, "claims", dup)
    found = [f for f in failures(repo) if "duplicate" in f.message]
    assert found and {f.table for f in found} == {"claims"}
    assert {1, n["rows"]} <= {f.row for f in found}


def test_dangling_foreign_key_names_table_row_and_column(repo):
    def dangle(header, rows):
        rows[2]["speaker_actor_id"] = "act_nobody"
    edit_csv(repo, "claims", dangle)
    found = failures(repo, "foreign_key")
    assert [(f.table, f.row, f.column, f.value) for f in found] == [("claims", 3, "speaker_actor_id", "act_nobody")]


def test_columns_pointing_at_one_key_are_looked_up_together_and_each_reported(repo, monkeypatch):
    """Every column that points at the same key (seven point at claims.claim_id) is looked up
    against one hash set of it, built once; each dangling cell is still reported in its own
    table, row and column."""
    from newsclaims.datapackage import rules
    edit_csv(repo, "claim_speakers", lambda header, rows: rows[0].update(claim_id="clm_gone"))
    edit_csv(repo, "claim_relations", lambda header, rows: rows[1].update(target_claim_id="clm_lost"))
    edit_csv(repo, "claim_dates", lambda header, rows: rows[0].update(claim_id="clm_missing"))
    calls = []
    real = rules.pc.is_in
    monkeypatch.setattr(rules.pc, "is_in", lambda *a, **kw: calls.append(len(kw["value_set"])) or real(*a, **kw))
    found = failures(repo, "foreign_key")
    assert sorted((f.table, f.row, f.column, f.value) for f in found) == [
        ("claim_dates", 1, "claim_id", "clm_missing"),
        ("claim_relations", 2, "target_claim_id", "clm_lost"),
        ("claim_speakers", 1, "claim_id", "clm_gone")]
    claim_ids = (repo / "data" / "claims.csv").read_text(encoding="utf-8").count("\nclm_")
    pointing = [fk for t in load_package(repo / "schemas").tables.values() for fk in t.foreign_keys
                if fk["reference"] == {"resource": "claims", "fields": ["claim_id"]}]
    assert len(pointing) >= 7 and calls.count(claim_ids) == 1     # one hash set of the claim ids


def test_wrong_type_is_reported_per_cell(repo):
    def bad(header, rows):
        rows[0]["char_start"] = "twelve"
    edit_csv(repo, "claims", bad)
    found = failures(repo, "type")
    assert [(f.table, f.row, f.column, f.value) for f in found] == [("claims", 1, "char_start", "twelve")]


def test_enum_violation(repo):
    def bad(header, rows):
        rows[0]["attribution_type"] = "rumour"
    edit_csv(repo, "claims", bad)
    found = [f for f in failures(repo) if f.column == "attribution_type"]
    assert found and found[0].value == "rumour"


def test_figure_bounds_rule(repo):
    def bad(header, rows):
        r = _first_claim(rows)
        r["low"], r["value"] = "500", "100"
    edit_csv(repo, "claims", bad)
    assert failures(repo, "figure_bounds")


def test_a_speaker_who_downs_more_than_were_launched_fails_on_that_claim(repo):
    """The air force says 139 drones were shot down; were its launched count of the same attack
    100, the 139 would be impossible, and the rule names that claim's row."""
    attack, downed, launched = "evt_russian_air_attack_2025_11_16", "clm_61b6c66ce69041df", "clm_4ee6be85db3ecd5a"
    assert not failures(repo, "speaker_figures_consistent")

    def launch_fewer(header, rows):
        next(r for r in rows if r["claim_id"] == launched)["value"] = "100"

    def same_event(header, rows):
        next(r for r in rows if r["claim_id"] == downed)["event_id"] = attack
    edit_csv(repo, "claims", launch_fewer)
    edit_csv(repo, "claim_events", same_event)
    found = failures(repo, "speaker_figures_consistent")
    assert [(f.key, f.value) for f in found] == [(downed, "139.0")], [f.as_dict() for f in found]
    assert "139 drones shot down but only 100 launched" in found[0].message


@pytest.mark.parametrize("qualifier,column,cell", [("at_least", "low", ""), ("at_least", "high", "5000"),
                                                   ("exact", "high", "177"), ("approximately", "low", "1100"),
                                                   ("range", "high", "")])
def test_low_and_high_follow_the_qualifier_as_the_codebook_defines_it(repo, qualifier, column, cell):
    """"Thousands", at least two thousand: low = value. A claim whose bounds say otherwise than
    its qualifier fails on that column."""
    assert not failures(repo, "qualifier_bounds")

    def spoil(header, rows):
        r = next(r for r in rows if r["qualifier"] == qualifier) if qualifier != "range" else \
            next(r for r in rows if r["qualifier"] == "exact")
        r["qualifier"] = qualifier
        r[column] = cell
    edit_csv(repo, "claims", spoil)
    found = failures(repo, "qualifier_bounds")
    assert [(f.column, f.check) for f in found] == [(column, "qualifier_bounds")], [f.as_dict() for f in found]
    assert f"qualifier {qualifier}" in found[0].message


@pytest.mark.parametrize("fragment,where,speaker_text", [
    ("Ukrainian forces successfully shot down", "sentence", None),        # carried, called named here
    ("Umerov confirmed that discussions", "previous_sentence", "Umerov"),  # named here, called carried
    ("Since their inception, thousands", "sentence", None),               # no speaker at all
    ("Umerov confirmed that discussions", "", "Umerov"),                  # a speaker, and no word of where
])
def test_where_a_speaker_is_named_agrees_with_the_speaker(repo, fragment, where, speaker_text):
    """The carrying rule in the data: a carried speaker has no text in the claim's sentence, a
    speaker of the sentence has, and a claim without a speaker says nothing of where."""
    assert not failures(repo, "speaker_named_in")

    def spoil(header, rows):
        r = next(r for r in rows if r["quote"].startswith(fragment))
        r["speaker_named_in"] = where
        if speaker_text is None and not r["speaker_actor_id"]:
            return
        r["speaker_text"] = speaker_text or ""
    edit_csv(repo, "claims", spoil)
    found = failures(repo, "speaker_named_in")
    assert found and {(f.column, f.check, f.row) for f in found} == {("speaker_named_in", "speaker_named_in", found[0].row)}, \
        [f.as_dict() for f in found]


@pytest.mark.parametrize("table,precision,start,end", [
    ("claims", "day", "2023-12-02", "2023-12-03"),      # two days are not a day
    ("claims", "night", "2023-12-03", "2023-12-03"),    # a night spans two days
    ("events", "night", "2025-11-15", "2025-11-17"),
])
def test_a_date_range_agrees_with_its_precision(repo, table, precision, start, end):
    assert not failures(repo, "date_precision_span")

    def spoil(header, rows):
        r = next(r for r in rows if r["date_precision"] in ("day", "night"))
        r["date_precision"], r["date_start"], r["date_end"] = precision, start, end
    edit_csv(repo, table, spoil)
    found = failures(repo, "date_precision_span")
    assert [(f.table, f.column) for f in found] == [(table, "date_precision")], [f.as_dict() for f in found]
    assert f"a {precision} spans" in found[0].message


def test_an_event_is_placed_no_more_precisely_than_its_place(repo):
    """ACLED: an event known only by its oblast is coded at the oblast's centroid, precision 3."""
    assert not failures(repo, "event_geo_precision")

    def spoil(header, rows):
        r = next(r for r in rows if r["place_id"] == "plc_odesa_oblast")
        r["geo_precision"] = "2"
    edit_csv(repo, "events", spoil)
    found = failures(repo, "event_geo_precision")
    assert [(f.table, f.column, str(f.value)) for f in found] == [("events", "geo_precision", "2")], [f.as_dict() for f in found]


def test_every_reference_is_cited(repo):
    assert not failures(repo, "reference_cited")

    def uncite(header, rows):
        for r in rows:
            if r["target_source_id"]:
                r["target_source_id"] = ""
                r["target_claim_id"] = next(x["claim_id"] for x in rows if x["claim_id"] != r["claim_id"])
    edit_csv(repo, "claim_relations", uncite)
    found = failures(repo, "reference_cited")
    # the references only relations cite are now cited by nothing; those dating events still are
    assert found and all(f.table == "sources" and "curation/references.yaml" in f.message for f in found)


def test_date_order_rule(repo):
    def bad(header, rows):
        r = next(r for r in rows if r["date_start"])
        r["date_start"], r["date_end"] = "2025-12-02", "2025-12-01"
    edit_csv(repo, "claims", bad)
    assert [f.column for f in failures(repo, "date_order")] == ["date_end"]


def test_span_order_rule(repo):
    def bad(header, rows):
        rows[0]["char_end"] = rows[0]["char_start"]
    edit_csv(repo, "excluded_spans", bad)
    assert failures(repo, "span_order")


def test_edited_seed_fails_seed_hash(repo):
    seed = next((repo / "seeds").glob("000_*.txt"))
    seed.write_bytes(seed.read_bytes().replace(b"176", b"177"))
    assert [f.column for f in failures(repo, "seed_hash")] == ["sha256"]


def test_figure_outside_quote_fails(repo):
    def bad(header, rows):
        r = _first_claim(rows)
        r["figure_start"], r["figure_end"] = str(int(r["char_end"]) + 1), str(int(r["char_end"]) + 4)
    edit_csv(repo, "claims", bad)
    assert failures(repo, "figure_in_quote")


def test_hash_and_size_mismatch(repo):
    path = repo / "data" / "places.csv"
    path.write_bytes(path.read_bytes() + b"plc_x,X,city,UA,,,,1\n")
    checks = {f.check for f in failures(repo)}
    assert {"file_bytes", "file_hash"} <= checks


def test_formula_cells_are_warnings_not_errors(repo):
    def bad(header, rows):
        rows[0]["name"] = "=HYPERLINK(\"http://x\")"
    edit_csv(repo, "places", bad)
    report = validate(repo)
    assert report.valid and [f.check for f in report.warnings] == ["spreadsheet_formula"]


def test_resource_path_outside_package_is_refused(repo):
    desc = json.loads((repo / "datapackage.json").read_text())
    desc["resources"][0]["path"] = "../outside.csv"
    (repo / "datapackage.json").write_text(json.dumps(desc))
    assert failures(repo, "path_confined")


def test_wrong_version_string(repo):
    desc = json.loads((repo / "datapackage.json").read_text())
    desc["version"] = "v1"
    (repo / "datapackage.json").write_text(json.dumps(desc))
    assert [f.column for f in failures(repo, "descriptor")] == ["version"]


def test_frictionless_rows_catch_what_pandera_catches(repo):
    def bad(header, rows):
        rows[0]["attribution_type"] = "rumour"
    edit_csv(repo, "claims", bad)
    report = validate(repo, frictionless=True)
    assert any(f.check.startswith("frictionless:") for f in report.failures)


_BAD_CELL = {"integer": "x1", "number": "one", "date": "2026-13-45", "boolean": "maybe", "string": None}


def _bad_tables():
    """Bad tables from what the schemas declare: per table, a cell that breaks each kind of
    constraint (required, pattern, minimum, maximum, categories) and each field type, for the
    first field that has it, a duplicated primary key and a dangling foreign key; a required
    category cell left empty everywhere (the rules once crashed on those)."""
    cases = []
    for table in load_package(ROOT / "schemas").tables.values():
        seen = set()

        def add(name, kind, cell):
            if kind not in seen:
                seen.add(kind)
                cases.append((table.name, name, kind, cell))
        for f in table.fields:
            c, name = f.get("constraints") or {}, f["name"]
            if _BAD_CELL[f["type"]] is not None:
                add(name, f"type {f['type']}", _BAD_CELL[f["type"]])
            if c.get("required"):
                add(name, "required", "")
                if f.get("categories"):
                    cases.append((table.name, name, "required category", ""))
            if "pattern" in c:
                add(name, "pattern", "zz not it")
            if "minimum" in c:
                add(name, "minimum", str(c["minimum"] - 5))
            if "maximum" in c:
                add(name, "maximum", str(c["maximum"] + 5))
            if f.get("categories"):
                add(name, "enum", "not_one_of_them")
        cases.append((table.name, table.primary_key[0], "primary key", "duplicate"))
        for fk in table.foreign_keys[:1]:
            cases.append((table.name, fk["fields"][0] if isinstance(fk["fields"], list) else fk["fields"], "foreign key", "dangling"))
    return cases


@pytest.fixture(scope="module")
def package_copy(tmp_path_factory):
    from helpers import copy_repo
    return copy_repo(tmp_path_factory.mktemp("pkg") / "pkg", ("datapackage.json", "data", "seeds"))


@pytest.mark.parametrize("table,column,constraint,cell", _bad_tables(),
                         ids=lambda v: str(v) if not isinstance(v, str) or len(v) < 30 else v[:30])
def test_the_schemas_and_rules_reject_whatever_frictionless_rejects(package_copy, tmp_path, table, column, constraint, cell):
    """The frictionless row pass is opt-in (``--frictionless``) because without it ``validate``
    rejects every table it would: checked here on one bad table per declared constraint."""
    import shutil
    import frictionless
    pkg = tmp_path / "pkg"
    shutil.copytree(package_copy, pkg)

    def spoil(header, rows):
        if not rows:
            pytest.skip(f"{table} has no rows in the committed package to spoil")
        if constraint == "primary key":
            rows.append(dict(rows[0]))
        elif constraint == "foreign key":
            rows[0][column] = rows[0][column][:4] + "0" * 16
        else:
            rows[0][column] = cell
    edit_csv(pkg, table, spoil)
    theirs = frictionless.validate(str(pkg / "datapackage.json"))
    ours = validate(pkg)
    if not theirs.valid:
        assert not ours.valid, f"frictionless rejects {table}.{column} ({constraint}: {cell!r}), newsclaims passes it"
    else:       # frictionless misses it (it does not check this): ours is stricter, and says so
        assert not ours.valid or constraint in ("foreign key",), f"{table}.{column} {constraint}: neither rejects {cell!r}"


# --- the command line -----------------------------------------------------------------------

def test_cli_exit_codes_and_formats(repo):
    ok = cli("validate", str(repo), "--no-rows")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    edit_csv(repo, "claims", lambda h, rows: (h, rows + [dict(rows[0])]))
    bad = cli("validate", str(repo), "--format", "json", "--no-rows")
    assert bad.returncode == 1
    records = json.loads(bad.stdout)
    assert records and {"table", "row", "key", "column", "check", "value", "message"} <= set(records[0])
    gh = cli("validate", str(repo), "--format", "github", "--no-rows")
    assert gh.returncode == 1 and gh.stdout.startswith("::error file=data/claims.csv")


def test_cli_unreadable_descriptor_is_one_line_exit_2(repo):
    (repo / "datapackage.json").write_text("{not json")
    r = cli("validate", str(repo))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and "datapackage.json" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("strings", ["string", "string[pyarrow]", "category"])
def test_the_quick_repeat_check_agrees_with_pandas_on_keys_with_missing_cells(strings):
    """pandera's uniqueness checks run only where the quick check finds a possible repeat: that
    must be exactly where pandas finds one, for one- and two-column keys, with missing cells,
    whatever the string columns' dtype (validation reads Arrow strings and categories)."""
    import random
    import pandas as pd
    from newsclaims.datapackage.schema import Table
    from newsclaims.datapackage.validate import _may_repeat
    table = Table("t", "T", "", [{"name": "a", "type": "string"}, {"name": "b", "type": "integer"},
                                 {"name": "c", "type": "string", "constraints": {"unique": True}}], ["a", "b"])
    rng = random.Random(7)
    seen = set()
    for _ in range(300):
        n = rng.randint(0, 6)
        frame = pd.DataFrame({
            "a": pd.array([rng.choice(["x", "y", None]) for _ in range(n)], dtype=strings),
            "b": pd.array([rng.choice([1, 2, None]) for _ in range(n)], dtype="Int64"),
            "c": pd.array([rng.choice(["p", "q", "r", "s", None]) for _ in range(n)], dtype=strings)})
        expected = bool(frame[["a", "b"]].duplicated().any() or frame["c"].duplicated().any())
        assert _may_repeat(frame, table) == expected, frame
        seen.add(expected)
    assert seen == {True, False}


def test_mentions_are_checked_against_their_quote_and_the_seed_row_by_row(repo):
    """`mention_in_quote` (array lookups, then a slice per row) against the rule written plainly
    over rows: a span moved out of its quote, a text changed, a claim that does not exist (the
    foreign key's to report), a mention that is its whole quote (allowed), in several rows of both
    tables; same rows, same order, same words."""
    import csv
    whole = next(csv.DictReader((repo / "data" / "claims.csv").open(encoding="utf-8")))

    def spoil(table, column):
        def fn(header, rows):
            with_text = [r for r in rows if r[column]]
            with_text[0][column] = "x" + with_text[0][column][1:]
            with_text[1]["char_start"], with_text[1]["char_end"] = "0", "3"
            with_text[2]["claim_id"] = "clm_nowhere"
            with_text[3].update({"claim_id": whole["claim_id"], column: whole["quote"],
                                 "char_start": whole["char_start"], "char_end": whole["char_end"]})
            with_text[-1][column] = with_text[-1][column] + " "
        return fn

    for table, column in (("claim_speakers", "speaker_text"), ("claim_dates", "date_text")):
        edit_csv(repo, table, spoil(table, column))
    read = lambda name: list(csv.DictReader((repo / "data" / f"{name}.csv").open(encoding="utf-8")))  # noqa: E731
    seeds = {s["source_id"]: (repo / s["file"]).read_text(encoding="utf-8") for s in read("sources") if s["kind"] == "seed_article"}
    quotes = {c["claim_id"]: (c["source_id"], int(c["char_start"]), int(c["char_end"])) for c in read("claims")}
    want = []
    for table, column in (("claim_speakers", "speaker_text"), ("claim_dates", "date_text")):
        for n, row in enumerate(read(table), start=1):
            if not (row[column] and row["char_start"] and row["char_end"]) or row["claim_id"] not in quotes:
                continue
            sid, qa, qb = quotes[row["claim_id"]]
            a, b = int(row["char_start"]), int(row["char_end"])
            if not (qa <= a and b <= qb):
                want.append((table, n, "char_start", str(a), f"[{a}, {b}) lies outside the quote of claim {row['claim_id']} [{qa}, {qb})"))
            elif seeds[sid][a:b] != row[column]:
                want.append((table, n, column, row[column],
                             f"{column} differs from the seed text at [{a}, {b}) ({seeds[sid][a:b][:40]!r})"))
    got = [(f.table, f.row, f.column, f.value, f.message) for f in failures(repo, "mention_in_quote")]
    assert len(want) == 6 and got == want, (got, want)
