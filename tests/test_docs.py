"""Documentation generated from the same source as the data: codebook, report, dataset card,
citation file and command help."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from helpers import ROOT
from newsclaims.cli.app import app
from newsclaims.publish.codebook import codebook
from newsclaims.publish.report import report
from test_release import released  # noqa: F401  (fixture: a fresh release 1.0.0)

runner = CliRunner()


def test_the_committed_codebook_is_a_fresh_generation():
    committed = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    assert committed == codebook(ROOT), "docs/codebook.md is stale: run `newsclaims build` and commit it"


def test_the_codebook_says_what_an_enum_value_means():
    text = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    claims = text[text.index("\n## claims\n"):text.index("\n## claim_events\n")]
    qualifier = claims[claims.index("Values of `qualifier`"):]
    line = next(ln for ln in qualifier.splitlines() if ln.startswith("- `at_least`"))
    assert len(line) > len("- `at_least` — ") + 10                       # a meaning, not just the value
    for table in yaml.safe_load((ROOT / "schemas" / "package.yaml").read_text(encoding="utf-8"))["resources"]:
        assert f"\n## {table}\n" in text
    assert "```mermaid" in text and "erDiagram" in text
    assert "| `clm_" in text or "`clm_" in text                           # example values from the data


def test_the_codebook_follows_a_schema_change(repo):
    path = repo / "schemas" / "claims.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Stated as fact.", "Put forward as a fact."), encoding="utf-8")
    assert "Put forward as a fact." in codebook(repo) and "Put forward as a fact." not in codebook(ROOT)


def test_the_report_shows_counts_disagreements_and_validation():
    page = report(ROOT)
    assert page.startswith("<!doctype html>") and page.count("<svg") >= 4
    external = re.findall(r'<(?:script|link|img|iframe)\b[^>]*(?:src|href)="(?!data:)[^"]+"|url\((?!#|data:)', page)
    assert not external, f"the report is not self-contained: {external[:3]}"
    for heading in ("Rows per table", "Events on a timeline", "Claims per source", "Claims per speaker",
                    "Where sources agree and disagree", "Every contradiction", "Figures by event and speaker",
                    "Validation summary"):
        assert heading in page
    assert "letter of intent" in page and "December 3, 2023" in page     # the known disagreements
    assert page == report(ROOT), "the report is not deterministic"


def test_the_reports_charts_are_described_labelled_and_whole():
    """Alt text on every chart, axes that say what they measure, labels wrapped rather than cut,
    counts printed as integers, sources and events named by their titles."""
    import html as htmlmod
    import pandas as pd
    page = report(ROOT)
    charts = re.findall(r"<svg\b[^>]*>", page)
    assert charts and all('role="img"' in c and 'aria-label="' in c for c in charts), charts
    texts = " ".join(htmlmod.unescape(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", page))
    assert "…" not in texts, "a chart label was cut"
    # every event's title, wrapped over lines, is whole in the timeline
    flat = " ".join(texts.split())
    for title in pd.read_csv(ROOT / "data" / "events.csv", dtype=str)["title"]:
        assert " ".join(title.split()) in flat or all(w in flat for w in title.split()), title
    assert "number of claims" in texts and "logarithmic scale" in texts and "date (" in texts
    cells = re.findall(r"<td>([^<]*)</td>", page)
    assert not [c for c in cells if re.fullmatch(r"[\d,]+\.0", c)], "a count printed as a float"
    assert "src_" not in re.sub(r"<svg.*?</svg>", "", page).split("Validation summary")[0]
    # the 2022 agreement and the nights of 2025 on axes of their own
    assert "01 Jan 2022 to 31 Dec 2022" in texts and "15 Nov 2025 to 18 Nov 2025" in texts


def test_the_report_sets_proposed_against_curated_events_with_their_agreement():
    from newsclaims.pipeline.events import proposals_of
    proposals, _ = proposals_of(ROOT)
    page = report(ROOT, proposals=proposals)
    section = page[page.index("Events: curated and proposed"):page.index("Claims per source")]
    assert "evt_pow_exchange_agreement_2025_11_15" in section and "curated" in section
    assert "contradict" in section and "single source" in section          # agreement per event
    against = section[section.index("What extraction alone proposes"):]
    for p in proposals:
        assert p.event_id in against
    assert "evt_russian_air_attack_2025_11_16 (" in against                 # a proposal set against its curated event
    committed = (ROOT / "docs" / "report.html").read_text(encoding="utf-8")
    assert "What extraction alone proposes" in committed, "docs/report.html is stale: run `newsclaims build`"


def test_a_release_ships_the_docs(released):  # noqa: F811
    d = released / "dist" / "newsclaims-1.0.0"
    for name in ("report.html", "docs/codebook.md", "CITATION.cff", "DATASET.md", "LICENSE", "explorer/index.html",
                 "explorer/contradictions.html", "explorer/evt_russian_air_attack_2025_11_16.html"):
        assert (d / name).is_file(), name
        assert f"  {name}\n" in (d / "SHA256SUMS").read_text(encoding="utf-8")
    assert "newsclaims 1.0.0" in (d / "report.html").read_text(encoding="utf-8")


def test_the_report_renders_in_headless_chromium(tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)")
    page = tmp_path / "report.html"
    page.write_text(report(ROOT), encoding="utf-8")
    png = tmp_path / "report.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1200,2400", f"--screenshot={png}", page.as_uri()],
                   capture_output=True, timeout=120, check=False)
    assert png.is_file() and png.stat().st_size > 50_000, "Chromium did not render a screenshot"
    import matplotlib.image as mpimg
    pixels = mpimg.imread(png)[..., :3]
    ink = (pixels.mean(axis=2) < 0.9).mean()
    colours = len({tuple(p) for p in (pixels[::7, ::7].reshape(-1, 3) * 255).astype(int).tolist()})
    assert ink > 0.03 and colours > 30, f"the rendering looks empty (ink {ink:.3f}, {colours} colours)"


def test_every_command_has_complete_help_with_an_example():
    main = runner.invoke(app, ["--help"])
    assert main.exit_code == 0
    import typer
    commands = sorted(typer.main.get_command(app).commands)
    assert len(commands) >= 9
    for name in commands:
        assert name in main.output
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0 and "Example" in result.output, f"{name} --help lacks an example"


def test_the_citation_file_names_the_latest_release():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    import json
    index = json.loads((ROOT / "releases" / "index.json").read_text(encoding="utf-8"))
    latest = max(index["releases"], key=lambda r: tuple(int(x) for x in r["version"].split(".")))
    assert cff["cff-version"] == "1.2.0" and cff["version"] == latest["version"]
    assert str(cff["date-released"]) == latest["date"] and cff["license"] == "CC-BY-4.0"


def test_the_dataset_card_covers_what_users_ask():
    card = (ROOT / "DATASET.md").read_text(encoding="utf-8")
    for words in ("What is not in it", "misdated", "Rafale", "letter of intent", "CC BY 4.0", "CITATION.cff",
                  "CHANGELOG.md", "codebook"):
        assert words in card, words
    assert "DATASET.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_a_build_commits_the_codebook_of_the_tables_it_wrote(tmp_path):
    from test_faults import change_curation
    from test_release import fresh_repo
    repo = change_curation(fresh_repo(tmp_path / "repo"))
    shutil.copytree(ROOT / "docs", repo / "docs")
    review = next((repo / "curation" / "reviews").glob("000_*.yaml"))
    review.write_text(review.read_text(encoding="utf-8").replace("action: confirm", "action: reject\n    reason: test", 3),
                      encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "newsclaims", "build", "--root", str(repo)], capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert (repo / "docs" / "codebook.md").read_text(encoding="utf-8") == codebook(repo)


def test_a_long_table_shows_its_first_rows_and_says_where_the_rest_are():
    """A report of ten thousand articles stays readable: a table past MAX_ROWS is cut there,
    with a note naming where every row is; a short one is shown whole, with no note."""
    import pandas as pd
    from newsclaims.publish.report import MAX_ROWS, _table
    long = pd.DataFrame({"event": [f"evt_{i:05d}" for i in range(MAX_ROWS + 57)]})
    page = _table(long, "data/events.csv")
    assert page.count("<tr>") == MAX_ROWS             # the body rows (the header row is styled)
    assert f"The first {MAX_ROWS:,} of {MAX_ROWS + 57:,} rows; all of them: data/events.csv." in page
    assert f"evt_{MAX_ROWS - 1:05d}" in page and f"evt_{MAX_ROWS:05d}" not in page
    short = _table(long.head(5), "data/events.csv")
    assert short.count("<tr>") == 5 and "all of them" not in short


def test_docs_written_with_the_explorer_in_processes_of_their_own_are_the_same(tmp_path: Path, monkeypatch):
    """A large corpus's explorer is written by one process per core, each writing every other
    page, while this one makes the report: the files are those of the one-process path (the
    committed docs/), a failure in a worker reaches the user as a one-line error and leaves no
    half-written folder, and a folder the explorer did not write is refused."""
    from newsclaims.datapackage.errors import NewsclaimsError
    from newsclaims.publish import docs, explore
    monkeypatch.setattr(explore, "PARALLEL_FROM", 0)
    if (__import__("os").cpu_count() or 1) < 2:
        pytest.skip("one core: docs are always written in one process")
    written = docs.write_docs(ROOT, ROOT, tmp_path)
    assert written == ["docs/codebook.md", "docs/report.html", "docs/explorer"]
    got = {p.relative_to(tmp_path / "docs"): p.read_bytes() for p in (tmp_path / "docs").rglob("*") if p.is_file()}
    want = {p.relative_to(ROOT / "docs"): p.read_bytes() for p in (ROOT / "docs").rglob("*") if p.is_file()}
    assert set(got) == set(want)
    assert [p for p in got if got[p] != want[p]] == []
    broken = tmp_path / "broken"
    broken.mkdir()
    with pytest.raises(NewsclaimsError, match="writing the explorer failed: ") as failed:
        explore.write_site(broken, tmp_path / "site" / "explorer", workers=2)
    assert "\n" not in str(failed.value) and list((tmp_path / "site").iterdir()) == []
    foreign = tmp_path / "again"
    (foreign / "docs" / "explorer").mkdir(parents=True)
    (foreign / "docs" / "explorer" / "mine.txt").write_text("not the explorer's")
    with pytest.raises(NewsclaimsError, match="not written by `newsclaims explore`"):
        docs.write_docs(ROOT, ROOT, foreign)
    assert (foreign / "docs" / "explorer" / "mine.txt").read_text() == "not the explorer's"


def test_the_reports_grid_and_list_of_contradictions_are_those_of_the_rows_one_by_one():
    """The report counts relations source by source on the columns (a large corpus holds over
    a million): held equal to a plain reading of the seeds' relations, shuffled."""
    from newsclaims.publish import report as reporting
    from newsclaims.reader.load import load
    ds = load(ROOT, format="csv")
    ds.frames["claim_relations"] = ds.claim_relations.sample(frac=1, random_state=3).reset_index(drop=True)
    grid, listed = reporting._agreement(ds)
    name = reporting._source_names(ds.sources)
    source = dict(zip(ds.claims["claim_id"].tolist(), ds.claims["source_id"].tolist()))
    quote = dict(zip(ds.claims["claim_id"].tolist(), ds.claims["quote"].tolist()))
    counts: dict[tuple, dict[str, int]] = {}
    rows = []
    for r in ds.claim_relations.astype(object).where(ds.claim_relations.notna(), None).to_dict("records"):
        a, b = source[r["claim_id"]], source[r["target_claim_id"]] if r["target_claim_id"] else r["target_source_id"]
        cell = counts.setdefault((name.get(a, a), name.get(b, b)), {})
        cell[r["relation"]] = cell.get(r["relation"], 0) + 1
        if r["relation"] == "contradicts":
            rows.append((f"{quote[r['claim_id']]} ({name[a]})", name.get(b, b)))
    table = grid.set_index("source ↓ / target →")
    for (a, b), cell in counts.items():
        assert table.loc[a, b] == " ".join(f"{k[:4]}. {v}" for k, v in sorted(cell.items()) if v), (a, b)
    assert sum(cell != "" for cell in table.to_numpy().ravel()) == len(counts)
    assert list(zip(listed["claim (source)"], listed["contradicted by"])) == rows and len(rows) >= 3
