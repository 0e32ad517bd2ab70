"""The explorer (`newsclaims explore`): a static offline site of the articles with their claims
marked in place, checked as files here and in a real browser in test_browser.py."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from helpers import ROOT, cli
from newsclaims.publish.explore import MARKER, site


class _Marks(HTMLParser):
    """The text inside each <mark data-claims>, in document order, with the ids it holds."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.marks: list[tuple[list[str], str]] = []
        self.inside = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "mark" and "data-claims" in attrs:
            self.inside = [attrs["data-claims"].split(), ""]

    def handle_endtag(self, tag):
        if tag == "mark" and self.inside is not None:
            self.marks.append((self.inside[0], self.inside[1]))
            self.inside = None

    def handle_data(self, data):
        if self.inside is not None:
            self.inside[1] += data


def test_every_claim_is_highlighted_at_exactly_its_characters():
    files = site(ROOT)
    claims = pd.read_csv(ROOT / "data" / "claims.csv", dtype=str, keep_default_na=False)
    for source_id, group in claims.groupby("source_id"):
        parser = _Marks()
        parser.feed(files[f"{source_id}.html"])
        for c in group.itertuples():
            marked = "".join(text for ids, text in parser.marks if c.claim_id in ids)
            # whitespace between sentences of one claim is left unmarked; the characters are the quote's
            assert re.sub(r"\s+", "", marked) == re.sub(r"\s+", "", c.quote), c.claim_id
            assert f'data-claim="{c.claim_id}"' in files[f"{source_id}.html"], f"no detail for {c.claim_id}"


def test_the_site_is_offline_and_the_same_every_time():
    first, second = site(ROOT), site(ROOT)
    assert first == second
    for name, text in first.items():
        if name.endswith(".html"):
            for ref in re.findall(r'(?:src|href)="([^"]+)"', text):
                # the only absolute addresses are the reference reports' own, as links to follow
                assert not ref.startswith(("http:", "https:", "//")) or "rel=\"noreferrer\"" in text, (name, ref)
            assert "<script src=\"http" not in text and "<link rel=\"stylesheet\" href=\"http" not in text
    events = pd.read_csv(ROOT / "data" / "events.csv", dtype=str)
    assert {f"{e}.html" for e in events["event_id"]} <= set(first)
    assert "contradicts" in first["contradictions.html"] and MARKER in first


def test_build_writes_the_explorer_into_docs():
    index = (ROOT / "docs" / "explorer" / "index.html").read_text(encoding="utf-8")
    assert index == site(ROOT)["index.html"], "docs/explorer is stale: run newsclaims build"


def test_explore_never_replaces_a_folder_it_did_not_write(tmp_path: Path):
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "todo.txt").write_text("keep me")
    r = cli("explore", str(ROOT), "--out", str(mine))
    assert r.returncode == 2 and "was not written by `newsclaims explore`" in r.stderr and "Traceback" not in r.stderr
    assert (mine / "todo.txt").read_text() == "keep me" and len(list(mine.iterdir())) == 1
    out = tmp_path / "site"
    assert cli("explore", str(ROOT), "--out", str(out)).returncode == 0
    (out / "stale.html").write_text("from an older run")
    again = cli("explore", str(ROOT), "--out", str(out))
    assert again.returncode == 0 and not (out / "stale.html").exists() and (out / "index.html").is_file()


def test_explore_writes_a_large_package_with_a_process_per_core(tmp_path: Path, monkeypatch):
    """``newsclaims explore`` (and ``release``) write a package of PARALLEL_FROM sources or more
    with one process per core, as a build does: lowered to the seeds here, the processes run and
    the files are those of the one-process explorer (the committed docs/explorer)."""
    from typer.testing import CliRunner
    from newsclaims.cli.app import app
    from newsclaims.datapackage import workers
    from newsclaims.publish import explore
    if (__import__("os").cpu_count() or 1) < 2:
        __import__("pytest").skip("one core: the explorer is always written in one process")
    pools = []
    real = workers.spawn_pool
    monkeypatch.setattr(workers, "spawn_pool", lambda n: pools.append(n) or real(n))
    assert explore.site_workers(ROOT) == 1          # the seeds: two sources
    monkeypatch.setattr(explore, "PARALLEL_FROM", 0)
    out = tmp_path / "site"
    result = CliRunner().invoke(app, ["explore", str(ROOT), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert pools and pools[0] >= 2
    got = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    want = {p.relative_to(ROOT / "docs" / "explorer"): p.read_bytes()
            for p in (ROOT / "docs" / "explorer").rglob("*") if p.is_file()}
    assert got == want


def test_a_long_list_of_contradictions_is_paged_and_a_claims_relations_are_bounded(monkeypatch):
    """A large corpus holds tens of thousands of contradictions and claims related to dozens of
    others: the list is cut into pages that link each other and keep every item once, and a
    claim shows its first relations and how many more there are."""
    from newsclaims.publish import explore
    rel = pd.read_csv(ROOT / "data" / "claim_relations.csv")
    contradictions = rel[rel["relation"] == "contradicts"]
    counts = pd.concat([rel["claim_id"], rel["target_claim_id"].dropna()]).value_counts()
    busiest, most = counts.index[0], int(counts.iloc[0])
    assert len(contradictions) >= 3 and most >= 2
    monkeypatch.setattr(explore, "PER_PAGE", 2)
    monkeypatch.setattr(explore, "MAX_RELATIONS", 1)
    files = site(ROOT)
    pages = sorted(p for p in files if p.startswith("contradictions"))
    assert len(pages) == -(-len(contradictions) // 2)
    listed = [cid for p in pages for cid in re.findall(r'<li><p><a href="[^"#]+#(clm_\w+)"', files[p])]
    assert sorted(listed) == sorted(contradictions["claim_id"])          # every one, once
    for p in pages:
        assert all(f'href="{q}"' in files[p] for q in pages)              # few pages: each links every page
    source = pd.read_csv(ROOT / "data" / "claims.csv").set_index("claim_id").loc[busiest, "source_id"]
    page = files[f"{source}.html"]
    section = page[page.index(f'data-claim="{busiest}"'):]
    section = section[:section.index("</section>")]
    assert section.count("<li>") == 1 and f"and {most - 1} more relation(s)" in section


def test_relations_shown_and_counted_are_those_of_the_table_row_by_row(monkeypatch):
    """The explorer works out each claim's relations on the table's columns (a large corpus holds
    over a million): held equal to the plain reading of the rows, on the seeds' relations
    shuffled, with a bound small enough to cut the busiest claims' lists."""
    from newsclaims.publish import explore
    from newsclaims.reader.load import load
    monkeypatch.setattr(explore, "MAX_RELATIONS", 2)
    rel = load(ROOT, tables=["claim_relations"], format="csv").frames["claim_relations"]
    rel = rel.sample(frac=1, random_state=7).reset_index(drop=True)
    rows = sorted(explore._rows(rel), key=lambda r: r["relation_id"])
    mine: dict[str, list[dict]] = {}
    per_event: dict[str, list[dict]] = {}
    for r in rows:
        mine.setdefault(r["claim_id"], []).append(r)
        if r["target_claim_id"]:
            mine.setdefault(r["target_claim_id"], []).append(r)
        if r["event_id"]:
            per_event.setdefault(r["event_id"], []).append(r)
    s = explore._Site.__new__(explore._Site)
    s._relations(rel)
    assert any(len(v) > 2 for v in mine.values()), "no claim has more relations than the bound"
    assert s.rel_shown == {cid: v[:2] for cid, v in mine.items()}
    assert s.rel_count == {cid: (sum(r["relation"] == "corroborates" for r in v),
                                 sum(r["relation"] == "contradicts" for r in v), len(v)) for cid, v in mine.items()}
    assert s.event_count == {eid: (sum(r["relation"] == "corroborates" for r in v),
                                   sum(r["relation"] == "contradicts" for r in v)) for eid, v in per_event.items()}
    contradicting = explore._rows(s.contradicting)
    assert contradicting == [r for r in rows if r["relation"] == "contradicts"] and contradicting


def test_a_walk_of_many_pages_links_a_few_and_reaches_every_one_in_a_few_steps():
    """With 10,000 articles the contradictions fill about 1,600 pages: linking every page from
    every page wrote 2.5 million links (a quarter of the pages' gigabyte). Each page links its
    neighbours, the first and the last, and enough others that every page is near."""
    from newsclaims.publish.explore import page_links
    count = 1598
    steps = {0: 0}
    frontier = [0]
    while frontier:
        nxt = []
        for n in frontier:
            walk = page_links(n, count)
            linked = [k for k in walk if k is not None]
            assert n in linked and {0, count - 1} <= set(linked) and len(linked) <= 40
            assert {max(0, n - 1), min(count - 1, n + 1)} <= set(linked)
            assert linked == sorted(set(linked)) and all(0 <= k < count for k in linked)
            # a gap is marked exactly where pages are left out
            for a, b in zip(walk, walk[1:]):
                if a is not None and b is not None:
                    assert b == a + 1, walk
            for a, b, c in zip(walk, walk[1:], walk[2:]):
                if b is None:
                    assert a is not None and c is not None and c - a > 1, walk
            for k in linked:
                if k not in steps:
                    steps[k] = steps[n] + 1
                    nxt.append(k)
        frontier = nxt
    assert len(steps) == count and max(steps.values()) <= 4
    assert page_links(3, 15) == list(range(15))
