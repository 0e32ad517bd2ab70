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
        assert all(f'href="{q}"' in files[p] for q in pages)              # each page links every page
    source = pd.read_csv(ROOT / "data" / "claims.csv").set_index("claim_id").loc[busiest, "source_id"]
    page = files[f"{source}.html"]
    section = page[page.index(f'data-claim="{busiest}"'):]
    section = section[:section.index("</section>")]
    assert section.count("<li>") == 1 and f"and {most - 1} more relation(s)" in section
