"""The explorer and the report in a real browser: Debian's Chromium driven by Playwright, pages
opened from file:// as a reader would open a downloaded release."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers import ROOT
from newsclaims.publish.explore import write_site
from newsclaims.publish.report import report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Chromium as root in a container, with no calls home on a machine whose network is closed
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SHOTS = Path(os.environ.get("NEWSCLAIMS_SCREENSHOTS", "")) if os.environ.get("NEWSCLAIMS_SCREENSHOTS") else None


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)")
    sync = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    with sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def explorer(tmp_path_factory):
    out = tmp_path_factory.mktemp("explorer") / "explorer"
    write_site(ROOT, out)
    return out


def _shot(page, name: str) -> None:
    """Keep a screenshot where NEWSCLAIMS_SCREENSHOTS points, for a person to look at."""
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _seed_page(explorer: Path, number: str) -> Path:
    import pandas as pd
    sources = pd.read_csv(ROOT / "data" / "sources.csv", dtype=str, keep_default_na=False)
    sid = sources.loc[sources["file"].str.startswith(f"seeds/{number}_"), "source_id"].iloc[0]
    return explorer / f"{sid}.html"


def test_a_clicked_claim_shows_its_speaker_and_its_relation_to_the_other_article(browser, explorer):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(_seed_page(explorer, "000").as_uri())
    panel = page.locator("#detail")
    assert panel.locator("section.claim:visible").count() == 0
    mark = page.locator("mark", has_text="176").first
    mark.hover()         # a resting pointer names who says what before anything is clicked
    assert "Ukrainian Air Force: exact 176 drones launched" in mark.get_attribute("title")
    mark.click()
    shown = panel.locator("section.claim:visible")
    assert shown.count() == 2          # "176 drones and one missile": two figure claims on one passage
    first = shown.first
    assert "Ukrainian Air Force" in first.inner_text()
    # the same figure in the other seed, and the reference report that dates the attack otherwise
    link = first.locator("a", has_text="These strikes, which included 176 drones")
    assert link.count() >= 1
    assert first.locator(".rel-contradicts").count() >= 1
    _shot(page, "explorer-000-clicked")
    link.first.click()
    page.wait_for_load_state()
    assert _seed_page(explorer, "004").name in page.url
    # arriving by the link selects the claim it points at
    arrived = page.locator("#detail section.claim:visible")
    assert arrived.count() >= 1 and "carried from the previous sentence" in arrived.first.inner_text()
    page.close()


def test_the_claims_answer_to_the_keyboard(browser, explorer):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(_seed_page(explorer, "004").as_uri())
    page.keyboard.press("Tab")                 # the navigation links come first
    for _ in range(12):
        if page.evaluate("document.activeElement.tagName") == "MARK":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "MARK"
    page.keyboard.press("Enter")
    assert page.locator("#detail section.claim:visible").count() >= 1
    assert page.evaluate("document.activeElement.id") == "detail"
    page.keyboard.press("Escape")
    assert page.locator("#detail section.claim:visible").count() == 0
    page.close()


@pytest.mark.parametrize("which", ["index", "000", "004", "event", "contradictions", "report"])
def test_pages_fit_a_phone_without_sideways_scrolling(browser, explorer, tmp_path, which):
    if which == "report":
        target = tmp_path / "report.html"
        target.write_text(report(ROOT), encoding="utf-8")
    elif which in ("000", "004"):
        target = _seed_page(explorer, which)
    elif which == "event":
        target = explorer / "evt_russian_air_attack_2025_11_16.html"
    else:
        target = explorer / f"{which}.html"
    page = browser.new_page(viewport={"width": 420, "height": 900})
    page.goto(target.as_uri())
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 420, f"{which}: the page is {width} px wide at a 420 px viewport"
    _shot(page, f"phone-{which}")
    page.close()


def test_a_long_list_keeps_its_numbers_on_a_phone_screen(browser, tmp_path, monkeypatch):
    """At 10,000 articles the list of contradictions runs past 100,000: a page's six-digit item
    numbers are drawn in full inside a 420 px screen, not cut at its left edge."""
    import pandas as pd
    from newsclaims.publish import explore
    s = explore._Site(ROOT)
    rows = s.contradicting
    s.contradicting = pd.concat([rows] * (-(-100_010 // len(rows))), ignore_index=True)
    monkeypatch.setattr(explore, "PER_PAGE", 50_000)
    name, make = list(s.contradictions())[2]
    html = make()
    target = tmp_path / name
    target.write_text(html, encoding="utf-8")
    (tmp_path / "style.css").write_text(explore.CSS, encoding="utf-8")
    page = browser.new_page(viewport={"width": 420, "height": 900})
    page.goto(target.as_uri())
    assert page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") == "1200px"   # styled
    # where each item's number starts: the item's left edge less the number's drawn width
    lefts = page.evaluate("""() => {
        const ol = document.querySelector('ol.walk'), ctx = document.createElement('canvas').getContext('2d');
        return [...ol.children].map((li, k) => {
            ctx.font = getComputedStyle(li).font;
            return li.getBoundingClientRect().left - ctx.measureText(`${ol.start + k}. `).width;
        });
    }""")
    assert page.evaluate("document.querySelector('ol.walk').start") == 100_001 and len(lefts) >= 10
    assert min(lefts) >= 0, f"an item number starts {min(lefts):.1f} px left of the screen"
    _shot(page, "phone-contradictions-100001")
    page.close()
