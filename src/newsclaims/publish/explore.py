"""The explorer: a static, offline site for checking the dataset against its articles.

``newsclaims explore`` (and every build and release) writes it: an index of sources and events;
for each article, its text with every claim highlighted at its exact offsets (coloured by how it
is attributed), the furniture left out greyed with its reason, and each claim's fields, speakers,
events and relations shown on click or keyboard focus, with links to the claim it corroborates
or contradicts in the other article; for each event, its claims from every source side by side
with their agreement; and every contradiction in one list to walk. Plain HTML, one stylesheet
and one small script: no network, no server, it opens from ``file://``; the same package gives
the same bytes.

Highlighting is done here, in Python, because claim offsets count code points of the seed text
and JavaScript strings count UTF-16 units.
"""

from __future__ import annotations

import functools
import html
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.reader.load import load

DIR = Path("docs") / "explorer"
MARKER = ".newsclaims-explorer"
"""A file in every folder the explorer writes: only such a folder is ever replaced."""
# A claim of a large corpus may be related to dozens of others, and a corpus may hold tens of
# thousands of contradictions: pages show a bounded number and say where the rest are.
MAX_RELATIONS = 12
PER_PAGE = 500

ATTRIBUTION = {"direct_quote": "direct quote", "indirect": "reported speech", "according_to": "according to",
               "unattributed": "the outlet's own voice"}
_PASSIVE = {"corroborates": "corroborated", "contradicts": "contradicted", "refines": "refined", "duplicates": "duplicated"}
WHERE_NAMED = {"sentence": "named in this sentence", "previous_sentence": "carried from the previous sentence",
               "closing_quotation": "carried from the sentence closing the quotation"}

CSS = """\
:root{--ink:#1d1d1f;--muted:#5f6368;--line:#d9d9de;--bg:#fff;--panel:#f6f6f8;--focus:#0b57d0}
*{box-sizing:border-box}
body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);background:var(--bg);margin:0}
header,main,footer{max-width:1200px;margin:0 auto;padding:0 16px}
header{border-bottom:1px solid var(--line);padding-top:12px;padding-bottom:8px}
header nav a{margin-right:1em}
nav.pages{margin:.8em 0}
nav.pages a{margin-right:.5em}
h1{font-size:1.45rem;line-height:1.3;margin:.6em 0 .3em;overflow-wrap:anywhere}
h2{font-size:1.15rem;margin:1.6em 0 .5em}
a{color:#0b57d0}
a:focus-visible,mark:focus-visible,button:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.meta{color:var(--muted);font-size:.92rem;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top;overflow-wrap:break-word}
td.n,th.n{white-space:nowrap}
.tablewrap{overflow-x:auto}
.layout{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:24px;align-items:start}
.article{white-space:pre-wrap;overflow-wrap:anywhere;font-size:1.02rem}
.detail{position:sticky;top:8px;background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px 14px;
  max-height:calc(100vh - 16px);overflow-y:auto}
.detail h2{margin-top:0}
mark{background:none;color:inherit;border-bottom:3px solid;cursor:pointer;padding:0 1px}
mark.att-direct_quote{background:#e3f1ff;border-color:#1f6fd1}
mark.att-indirect{background:#e7f6e9;border-color:#2e8540}
mark.att-according_to{background:#fff2d9;border-color:#b26a00}
mark.att-unattributed{background:#f1e9fb;border-color:#7a4bc2}
mark.carried{border-bottom-style:dashed}
mark.many{border-bottom-width:5px}
mark.selected{outline:2px solid var(--ink)}
.fig{font-weight:700}
.excluded{color:#8a8a8f;background:repeating-linear-gradient(135deg,#f3f3f3 0 6px,#fafafa 6px 12px)}
.why{display:inline-block;font-size:.78rem;color:var(--muted);border:1px solid var(--line);border-radius:4px;
  padding:0 4px;margin:0 2px;white-space:normal}
.legend span{display:inline-block;margin:2px 10px 2px 0}
.legend mark{cursor:default}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 12px;margin:.4em 0}
dt{color:var(--muted)}
dd{margin:0;overflow-wrap:anywhere}
.claim{border:1px solid var(--line);border-radius:8px;padding:10px 12px;margin:0 0 12px;background:var(--bg)}
.quote{font-style:italic}
.rel{display:inline-block;border-radius:4px;padding:0 6px;font-size:.82rem;font-weight:600}
.rel-corroborates{background:#e7f6e9;color:#1e5f2c}
.rel-contradicts{background:#fde7e7;color:#9b1c1c}
.rel-refines,.rel-duplicates{background:#eef0f3;color:#333}
.columns{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:16px}
.columns>section{min-width:0}
ol.walk>li{margin-bottom:14px;overflow-wrap:anywhere}
.hint{color:var(--muted);font-size:.9rem}
footer{color:var(--muted);font-size:.85rem;border-top:1px solid var(--line);margin-top:2em;padding-top:8px;padding-bottom:16px}
@media (max-width:760px){.layout{grid-template-columns:minmax(0,1fr)}.detail{position:static;max-height:none}
  th,td{padding:5px 4px}body{font-size:15px}}
"""

JS = """\
// Selecting a highlighted passage (click, Enter or Space) shows the claims it holds in the
// detail panel; Escape clears it; #clm_... in the address selects that claim on arrival.
(function () {
  var panel = document.getElementById("detail");
  if (!panel) return;
  var empty = document.getElementById("detail-empty");
  var current = null;
  function show(mark, focusPanel) {
    document.querySelectorAll("mark.selected").forEach(function (m) { m.classList.remove("selected"); m.setAttribute("aria-expanded", "false"); });
    current = mark;
    var ids = mark ? mark.getAttribute("data-claims").split(" ") : [];
    panel.querySelectorAll(".claim").forEach(function (d) { d.hidden = ids.indexOf(d.getAttribute("data-claim")) < 0; });
    empty.hidden = ids.length > 0;
    if (mark) {
      // every passage of the same claims, not only the one clicked
      document.querySelectorAll("mark[data-claims]").forEach(function (m) {
        if (m.getAttribute("data-claims") === mark.getAttribute("data-claims")) { m.classList.add("selected"); m.setAttribute("aria-expanded", "true"); }
      });
    }
    if (focusPanel) panel.focus();
    // on a phone the panel sits below the article: bring it into view
    if (mark && window.matchMedia("(max-width: 760px)").matches) panel.scrollIntoView({block: "start"});
  }
  document.querySelectorAll("mark[data-claims]").forEach(function (m) {
    m.addEventListener("click", function () { show(m, false); });
    m.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); show(m, true); }
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && current) { var m = current; show(null, false); m.focus(); }
  });
  function fromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var mark = document.querySelector('mark[data-claims~="' + id.replace(/[^a-z0-9_]/g, "") + '"]');
    if (mark) { show(mark, false); mark.scrollIntoView({block: "center"}); }
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
"""


def _e(value) -> str:
    return "" if value is None else html.escape(str(value))


def _rows(frame: pd.DataFrame) -> list[dict]:
    """Plain Python rows: missing cells None, dates as ``YYYY-MM-DD``.

    >>> _rows(pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "d": pd.to_datetime(["2025-11-04", None])}))
    [{'n': 1, 'd': '2025-11-04'}, {'n': None, 'd': None}]
    """
    columns = []
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_datetime64_any_dtype(values):
            values = values.dt.strftime("%Y-%m-%d")
        # column by column: DataFrame.to_dict boxes every cell through pandas, several times slower
        columns.append(values.astype(object).where(values.notna(), None).tolist())
    names = list(frame.columns)
    return [dict(zip(names, row)) for row in zip(*columns)]


def _num(value) -> str:
    """176.0 -> "176", 0.5 -> "0.5", 12345 -> "12,345"."""
    if value is None:
        return ""
    f = float(value)
    return f"{int(f):,}" if f.is_integer() else f"{f:,}"


def _page(title: str, body: str, *, script: bool = False, version: str = "") -> str:
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{_e(title)} — newsclaims explorer</title>"
        "<link rel=\"stylesheet\" href=\"style.css\"></head><body>\n"
        "<header><nav aria-label=\"explorer\"><a href=\"index.html\">Sources and events</a>"
        "<a href=\"contradictions.html\">Contradictions</a></nav></header>\n"
        f"<main id=\"main\">\n{body}\n</main>\n"
        f"<footer>newsclaims {_e(version)} · generated from the package's tables; "
        "every highlighted passage is the seed text at the claim's offsets.</footer>\n"
        + ("<script src=\"explorer.js\"></script>\n" if script else "")
        + "</body></html>\n")


class _Site:
    def __init__(self, package: Path):
        self.package = Path(package)
        ds = load(self.package, format="csv")
        self.version = ds.version
        get = lambda name: _rows(ds.frames[name]) if name in ds.frames else []  # noqa: E731
        self.sources = {r["source_id"]: r for r in get("sources")}
        self.claims = {r["claim_id"]: r for r in get("claims")}
        self.events = {r["event_id"]: r for r in get("events")}
        self.actors = {r["actor_id"]: r for r in get("actors")}
        self.places = {r["place_id"]: r for r in get("places")}
        self.speakers: dict[str, list[dict]] = {}
        for r in sorted(get("claim_speakers"), key=lambda r: (r["claim_id"], r["position"])):
            self.speakers.setdefault(r["claim_id"], []).append(r)
        self.events_of: dict[str, list[str]] = {}
        self.claims_of: dict[str, list[str]] = {}
        if "claim_events" in ds.frames:
            links = ds.frames["claim_events"]
            for cid, eid in zip(links["claim_id"].tolist(), links["event_id"].tolist()):
                self.events_of.setdefault(cid, []).append(eid)
                self.claims_of.setdefault(eid, []).append(cid)
        self._relations(ds.frames.get("claim_relations"))
        self._names: dict[str, str] = {}
        self._links: dict[str, str] = {}
        self.excluded: dict[str, list[dict]] = {}
        for r in get("excluded_spans"):
            self.excluded.setdefault(r["source_id"], []).append(r)
        self.parts: dict[str, list[str]] = {}
        for k, v in self.events.items():
            if v.get("part_of_event_id"):
                self.parts.setdefault(v["part_of_event_id"], []).append(k)
        self.event_actors: dict[str, list[dict]] = {}
        for r in get("event_actors"):
            self.event_actors.setdefault(r["event_id"], []).append(r)
        self.by_source: dict[str, list[dict]] = {}
        for c in self.claims.values():
            self.by_source.setdefault(c["source_id"], []).append(c)

    def _relations(self, frame: pd.DataFrame | None) -> None:
        """What the pages show of the relations, computed on the table's columns: a corpus of
        10,000 articles holds over a million relations, and a page shows at most
        :data:`MAX_RELATIONS` of a claim's, so only those (and the contradictions, which have
        their own pages) become rows.

        Sets ``rel_shown`` (claim id: its first relations in relation id order, each listed
        under the claim and under its target), ``rel_count`` (claim id: (corroborating,
        contradicting, all)), ``event_count`` (event id: (corroborating, contradicting)) and
        ``contradicting`` (the table's contradictions, in relation id order).
        """
        self.rel_shown: dict[str, list[dict]] = {}
        self.rel_count: dict[str, tuple[int, int, int]] = {}
        self.event_count: dict[str, tuple[int, int]] = {}
        self.contradicting = pd.DataFrame({"claim_id": []})
        if frame is None or frame.empty:
            return
        rel = frame.sort_values("relation_id", kind="stable").reset_index(drop=True)
        kind = rel["relation"].astype(object).to_numpy()
        agree, disagree = kind == "corroborates", kind == "contradicts"
        # each relation counts for its claim, then (when it has one) for its target claim
        targeted = np.flatnonzero(rel["target_claim_id"].notna().to_numpy())
        at = np.concatenate([np.arange(len(rel)), targeted])
        side = np.concatenate([np.zeros(len(rel), dtype=np.int8), np.ones(len(targeted), dtype=np.int8)])
        claim = np.concatenate([rel["claim_id"].astype(object).to_numpy(),
                                rel["target_claim_id"].astype(object).to_numpy()[targeted]])
        order = np.lexsort((side, at))
        at, claim = at[order], claim[order]
        codes, claims = pd.factorize(claim)
        counts = [np.bincount(codes, weights=w, minlength=len(claims)).astype(np.int64).tolist()
                  for w in (agree[at], disagree[at], None)]
        self.rel_count = dict(zip(claims.tolist(), zip(*counts)))
        rank = pd.Series(codes).groupby(codes).cumcount().to_numpy()
        keep = rank < MAX_RELATIONS
        shown = np.unique(at[keep])
        rows = dict(zip(shown.tolist(), _rows(rel.iloc[shown])))
        for cid, k in zip(claim[keep].tolist(), at[keep].tolist()):
            self.rel_shown.setdefault(cid, []).append(rows[k])
        events = rel["event_id"].astype(object).where(rel["event_id"].notna(), "").to_numpy()
        on_event = np.flatnonzero(events != "")
        if len(on_event):
            codes, ids = pd.factorize(events[on_event])
            per = [np.bincount(codes, weights=w[on_event], minlength=len(ids)).astype(np.int64).tolist()
                   for w in (agree, disagree)]
            self.event_count = dict(zip(ids.tolist(), zip(*per)))
        self.contradicting = rel[disagree]

    # --- names and links -------------------------------------------------------------------

    def source_name(self, sid: str | None) -> str:
        s = self.sources.get(sid or "")
        if s is None:
            return sid or ""
        if s.get("title"):
            return f"{s['publisher']}: {s['title']}" if s.get("publisher") else s["title"]
        return f"{s['publisher'] or 'Unknown outlet'}, {s.get('published_date') or 'undated'}"

    def has_page(self, sid: str | None) -> bool:
        s = self.sources.get(sid or "")
        return s is not None and s.get("kind") != "reference" and bool(s.get("file"))

    def source_link(self, sid: str | None, anchor: str = "") -> str:
        s = self.sources.get(sid or "")
        if s is None:
            return _e(sid)
        if self.has_page(sid):
            name = self._names.get(sid)
            if name is None:       # a source is linked from every relation of its claims
                name = self._names[sid] = _e(self.source_name(sid))
            return f"<a href=\"{_e(sid)}.html{'#' + _e(anchor) if anchor else ''}\">{name}</a>"
        if s.get("url"):
            return f"<a href=\"{_e(s['url'])}\" rel=\"noreferrer\">{_e(self.source_name(sid))}</a> (reference report)"
        return _e(self.source_name(sid))

    def event_link(self, eid: str) -> str:
        e = self.events.get(eid)
        return f"<a href=\"{_e(eid)}.html\">{_e(e['title'] if e else eid)}</a>"

    def actor(self, aid: str | None) -> str:
        a = self.actors.get(aid or "")
        return _e(a["name"] if a else aid)

    def place(self, pid: str | None) -> str:
        p = self.places.get(pid or "")
        return _e(p["name"] if p else pid)

    def claim_link(self, cid: str, text: str | None = None) -> str:
        c = self.claims.get(cid)
        if c is None:
            return _e(cid)
        if text is None:
            link = self._links.get(cid)
            if link is None:       # a claim is linked from each of its relations, on several pages
                link = self._links[cid] = self.claim_link(cid, _short(c["quote"], 110))
            return link
        return f"<a href=\"{_e(c['source_id'])}.html#{_e(cid)}\">“{_e(text)}”</a>"

    # --- one claim, in full ----------------------------------------------------------------

    def figure(self, c: dict) -> str:
        if c.get("claim_kind") != "figure" or c.get("value") is None:
            return ""
        bounds = ""
        if (c.get("low"), c.get("high")) not in ((None, None), (c["value"], c["value"])):
            bounds = f" (from {_num(c.get('low')) or '?'} to {_num(c.get('high')) or 'no upper bound'})"
        unit = {"percent": "%", "money": " (money)"}.get(c.get("unit") or "", "")
        return (f"{_e((c.get('qualifier') or '').replace('_', ' '))} {_num(c['value'])}{_e(unit)}{_e(bounds)}"
                f" {_e(c.get('object') or '')} {_e(c.get('predicate') or '')}").strip()

    def summary(self, c: dict) -> str:
        """One line for a pointer resting on a claim: who, what, how many relations (plain text)."""
        who = ", ".join(html.unescape(self.actor(v["actor_id"])) for v in self.speakers.get(c["claim_id"], [])) \
            or "the outlet's own voice"
        what = html.unescape(self.figure(c)) if c.get("claim_kind") == "figure" else "statement"
        agree, disagree, _ = self.rel_count.get(c["claim_id"], (0, 0, 0))
        return f"{who}: {what}; {agree} corroborating, {disagree} contradicting (select for details)"

    def relation_list(self, cid: str) -> str:
        """The relations of claim *cid*, the first :data:`MAX_RELATIONS` of them, then how many more."""
        more = self.rel_count.get(cid, (0, 0, 0))[2] - MAX_RELATIONS
        return ("<ul>" + "".join(self.relation_line(r, cid) for r in self.rel_shown.get(cid, [])) + "</ul>"
                + (f"<p class=\"meta\">and {more} more relation(s) of this claim: <code>data/claim_relations.csv</code> "
                   f"(claim {_e(cid)}).</p>" if more > 0 else ""))

    def relation_line(self, r: dict, cid: str) -> str:
        """A relation of claim *cid*, from its side: "contradicts X" or "is contradicted by X"."""
        kind = r["relation"]
        if r["claim_id"] == cid:
            target = r.get("target_claim_id")
            other = f"{self.claim_link(target)} in {self.source_link(self.claims[target]['source_id'], target)}" \
                if target in self.claims else self.source_link(r.get("target_source_id"))
            verb = kind
        else:
            other = f"{self.claim_link(r['claim_id'])} in {self.source_link(self.claims[r['claim_id']]['source_id'], r['claim_id'])}"
            verb = "is " + _PASSIVE.get(kind, kind) + " by"
        return (f"<li><span class=\"rel rel-{_e(kind)}\">{_e(verb)}</span> {other}"
                f"<br><span class=\"meta\">{_e(r['method'])}: {_e(r['basis'])}</span></li>")

    def detail(self, c: dict, *, hidden: bool = True, heading: str = "h3") -> str:
        cid = c["claim_id"]
        rows = []
        voices = self.speakers.get(cid, [])
        if voices:
            names = []
            for v in voices:
                said = f" (“{_e(v['speaker_text'])}”)" if v.get("speaker_text") else ""
                names.append(f"{self.actor(v['actor_id'])}{said}{' — passes it on' if v.get('role') == 'relay' else ''}")
            rows.append(("speaker" if len(voices) == 1 else "speakers", "<br>".join(names)))
            if c.get("speaker_named_in"):
                rows.append(("speaker named", _e(WHERE_NAMED.get(c["speaker_named_in"], c["speaker_named_in"]))))
        else:
            rows.append(("speaker", "none: the outlet's own voice"))
        rows.append(("attribution", _e(ATTRIBUTION.get(c.get("attribution_type"), c.get("attribution_type")))
                     + (f", cue “{_e(c['cue'])}”" if c.get("cue") else "")))
        rows.append(("factuality", _e((c.get("factuality") or "").replace("_", " "))))
        if c.get("claim_kind") == "figure":
            rows.append(("figure", f"“{_e(c.get('figure_text'))}” = {self.figure(c)}"))
        if c.get("date_start") is not None:
            span = str(c["date_start"]) if c["date_start"] == c["date_end"] else f"{c['date_start']} to {c['date_end']}"
            rows.append(("date", f"{_e(span)} ({_e(c.get('date_precision'))})"
                         + (f", from “{_e(c['date_text'])}”" if c.get("date_text") else "")))
        if c.get("place_id"):
            rows.append(("place", self.place(c["place_id"])))
        rows.append(("review", _e(c.get("review_status")) + (f": {_e(c['review_note'])}" if c.get("review_note") else "")))
        rows.append(("offsets", f"{c['char_start']}–{c['char_end']} · {_e(cid)}"))
        events = self.events_of.get(cid, [])
        return (f"<section class=\"claim\" data-claim=\"{_e(cid)}\"{' hidden' if hidden else ''}>"
                f"<{heading}>{'Figure' if c.get('claim_kind') == 'figure' else 'Statement'}: "
                f"<span class=\"quote\">{_e(_short(c['quote'], 160))}</span></{heading}>"
                "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"
                + ("<p>Events: " + ", ".join(self.event_link(e) for e in events) + "</p>" if events else "<p>No event.</p>")
                + ("<p>Relations:</p>" + self.relation_list(cid) if cid in self.rel_shown else
                   "<p>No relation to another source.</p>")
                + "</section>")

    # --- pages ------------------------------------------------------------------------------

    def article(self, sid: str) -> str:
        s = self.sources[sid]
        text = (self.package / s["file"]).read_text(encoding="utf-8")
        claims = sorted(self.by_source.get(sid, []), key=lambda c: (c["char_start"], c["char_end"], c["claim_id"]))
        excluded = sorted(self.excluded.get(sid, []), key=lambda r: r["char_start"])
        figures = {(c["figure_start"], c["figure_end"]) for c in claims if c.get("figure_start") is not None}
        cuts = {0, len(text)}
        for c in claims:
            cuts |= {c["char_start"], c["char_end"]}
        for f in figures:
            cuts |= set(f)
        for x in excluded:
            cuts |= {x["char_start"], x["char_end"]}
        cuts = sorted(k for k in cuts if 0 <= k <= len(text))
        out, anchored = [], set()
        for a, b in zip(cuts, cuts[1:]):
            piece = _e(text[a:b])
            if any(lo <= a and b <= hi for lo, hi in figures):
                piece = f"<span class=\"fig\">{piece}</span>"
            cover = [c for c in claims if c["char_start"] <= a and b <= c["char_end"]]
            gone = next((x for x in excluded if x["char_start"] <= a and b <= x["char_end"]), None)
            if gone is not None:
                piece = f"<span class=\"excluded\" title=\"left out: {_e(gone['reason'])}\">{piece}</span>"
                if gone["char_start"] == a:
                    piece = f"<span class=\"why\">left out: {_e(gone['reason'])}</span>" + piece
            if cover and text[a:b].strip():
                ids = [c["claim_id"] for c in cover]
                first = cover[0]
                anchors = "".join(f"<span id=\"{_e(i)}\"></span>" for i in ids if i not in anchored)
                anchored |= set(ids)
                classes = [f"att-{first['attribution_type']}"]
                if first.get("speaker_named_in") in ("previous_sentence", "closing_quotation"):
                    classes.append("carried")
                if len(cover) > 1:
                    classes.append("many")
                label = f"{len(cover)} claims" if len(cover) > 1 else "claim"
                hover = " | ".join(self.summary(c) for c in cover)
                piece = (f"{anchors}<mark tabindex=\"0\" role=\"button\" aria-expanded=\"false\" aria-controls=\"detail\" "
                         f"class=\"{' '.join(classes)}\" data-claims=\"{' '.join(ids)}\" title=\"{_e(hover)}\" "
                         f"aria-label=\"{label}: {_e(_short(text[a:b], 60))}\">{piece}</mark>")
            out.append(piece)
        details = "".join(self.detail(c) for c in claims)
        meta = " · ".join(x for x in (_e(s.get("publisher")), _e(s.get("published_date")),
                                      f"{len(claims)} claims", _e(s.get("file"))) if x)
        legend = ("<p class=\"legend\">" + "".join(
            f"<span><mark class=\"att-{k}\">{_e(v)}</mark></span>" for k, v in ATTRIBUTION.items())
            + "<span><mark class=\"att-indirect carried\">speaker carried from a neighbour</mark></span>"
            "<span><span class=\"excluded\">left out (page furniture)</span></span></p>")
        body = (f"<h1>{_e(s.get('title') or sid)}</h1><p class=\"meta\">{meta}</p>{legend}"
                "<p class=\"hint\">Select a highlighted passage (click it, or Tab to it and press Enter) to see its claims; "
                "Escape clears. Figures are in bold.</p>"
                "<div class=\"layout\"><article class=\"article\" aria-label=\"article text\">" + "".join(out) + "</article>"
                "<aside id=\"detail\" class=\"detail\" tabindex=\"-1\" aria-live=\"polite\" aria-label=\"claim details\">"
                "<h2>Claim details</h2><p id=\"detail-empty\">Nothing selected.</p>" + details + "</aside></div>")
        return _page(s.get("title") or sid, body, script=True, version=self.version)

    def event(self, eid: str) -> str:
        e = self.events[eid]
        ids = sorted(set(self.claims_of.get(eid, [])))
        by_src: dict[str, list[dict]] = {}
        for cid in ids:
            if cid in self.claims:
                by_src.setdefault(self.claims[cid]["source_id"], []).append(self.claims[cid])
        span = str(e["date_start"]) if e["date_start"] == e["date_end"] else f"{e['date_start']} to {e['date_end']}"
        basis = self.claim_link(e["date_basis_claim_id"]) if e.get("date_basis_claim_id") else \
            self.source_link(e.get("date_basis_source_id")) if e.get("date_basis_source_id") else _e(e.get("date_basis"))
        parts = self.parts.get(eid, [])
        facts = [("type", f"{_e(e['event_type'])} / {_e(e['sub_event_type'])}"
                  + (f" (CAMEO {_e(e['cameo_code'])})" if e.get("cameo_code") else "")),
                 ("status", _e(e["status"])),
                 ("date", f"{_e(span)} ({_e(e['date_precision'])}), dated by {basis}"
                  + (f"<br><span class=\"meta\">{_e(e['date_note'])}</span>" if e.get("date_note") else "")),
                 ("place", (self.place(e["place_id"]) + f" (geo precision {_e(e.get('geo_precision'))})") if e.get("place_id") else "unknown"),
                 ("decided by", _e(e.get("origin") or "curated") + f", {_e(e.get('review_status') or '')}")]
        if e.get("part_of_event_id"):
            facts.append(("part of", self.event_link(e["part_of_event_id"])))
        if parts:
            facts.append(("parts", ", ".join(self.event_link(p) for p in sorted(parts))))
        cast = self.event_actors.get(eid, [])
        if cast:
            facts.append(("actors", ", ".join(f"{self.actor(a['actor_id'])} ({_e(a['role'])})" for a in cast)))
        columns = []
        for sid in sorted(by_src, key=lambda s: (str(self.sources.get(s, {}).get("published_date") or ""), s)):
            cards = "".join(self._card(c, eid) for c in sorted(by_src[sid], key=lambda c: c["char_start"]))
            columns.append(f"<section><h3>{self.source_link(sid)}</h3>{cards}</section>")
        agree, disagree = self.event_count.get(eid, (0, 0))
        body = (f"<h1>{_e(e['title'])}</h1>"
                "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"
                + (f"<p>{_e(e['notes'])}</p>" if e.get("notes") else "")
                + f"<h2>Claims from {len(by_src)} source(s), side by side</h2>"
                f"<p class=\"meta\">{agree} corroboration(s), {disagree} contradiction(s) recorded for this event.</p>"
                "<div class=\"columns\">" + "".join(columns) + "</div>")
        return _page(e["title"], body, version=self.version)

    def _card(self, c: dict, eid: str) -> str:
        cid = c["claim_id"]
        voices = ", ".join(self.actor(v["actor_id"]) for v in self.speakers.get(cid, [])) or "the outlet's own voice"
        bits = [f"<p class=\"quote\">{self.claim_link(cid, _short(c['quote'], 220))}</p>",
                f"<p class=\"meta\">{voices}"
                + (f" · {self.figure(c)}" if c.get("claim_kind") == "figure" else "")
                + (f" · {_e(c['date_start'])}" + ("" if c["date_start"] == c["date_end"] else f" to {_e(c['date_end'])}")
                   if c.get("date_start") is not None else "") + "</p>"]
        if cid in self.rel_shown:
            bits.append(self.relation_list(cid))
        return f"<div class=\"claim\">{''.join(bits)}</div>"

    def contradictions(self):
        """The list of every contradiction, :data:`PER_PAGE` items a page: ``(file name, a
        function making the page)``, each page made from its own rows when asked (a large corpus
        holds hundreds of thousands)."""
        rows = self.contradicting
        rows = rows[rows["claim_id"].astype(object).isin(self.claims.keys())] if len(rows) else rows
        total = len(rows)
        count = max(1, -(-total // PER_PAGE))
        for n in range(count):
            yield _contradictions_page(n), functools.partial(self._contradictions, rows, n, count)

    def _contradictions(self, rows: pd.DataFrame, n: int, count: int) -> str:
        """Page *n* of the *count* pages of the list of *rows*."""
        total = len(rows)
        chunk = [self._contradiction(r) for r in _rows(rows.iloc[n * PER_PAGE:(n + 1) * PER_PAGE])] if total else []
        walk = ""
        if count > 1:
            links = []
            for k in page_links(n, count):
                if k is None:
                    links.append("…")
                else:
                    current = ' aria-current="page"' if k == n else ""
                    links.append(f"<a href=\"{_contradictions_page(k)}\"{current}>{k + 1}</a>")
            walk = f"<nav class=\"pages\">Page {n + 1} of {count}: " + " ".join(links) + "</nav>"
        start = f' start="{n * PER_PAGE + 1}"' if n else ""
        last = len(str(min(total, (n + 1) * PER_PAGE)))
        if last > 3:
            # the list's default indent holds a number of three digits; a longer one would
            # be cut at the left edge of a phone's screen
            start += f' style="padding-left:calc({last}ch + 1.6em)"'
        body = ("<h1>Every contradiction</h1>"
                f"<p>{total} contradiction(s), each a claim against another claim or a reference report, with the "
                "rule or the curator's reason. Follow a link to read the claim in its article.</p>" + walk
                + (f"<ol class=\"walk\"{start}>" + "".join(chunk) + "</ol>" if chunk else "<p>None.</p>")
                + walk)
        return _page("Contradictions" + (f" ({n + 1} of {count})" if count > 1 else ""), body, version=self.version)

    def _contradiction(self, r: dict) -> str:
        c = self.claims[r["claim_id"]]
        if r.get("target_claim_id") in self.claims:
            t = self.claims[r["target_claim_id"]]
            target = f"{self.claim_link(t['claim_id'])} in {self.source_link(t['source_id'], t['claim_id'])}"
        else:
            target = self.source_link(r.get("target_source_id"))
        return (f"<li><p>{self.claim_link(c['claim_id'])} in {self.source_link(c['source_id'], c['claim_id'])}</p>"
                f"<p><span class=\"rel rel-contradicts\">contradicts</span> {target}</p>"
                f"<p class=\"meta\">{_e(r['method'])}: {_e(r['basis'])}"
                + (f" · event: {self.event_link(r['event_id'])}" if r.get("event_id") in self.events else "")
                + "</p></li>")

    def index(self) -> str:
        rows = []
        for sid, s in sorted(self.sources.items(), key=lambda kv: (kv[1].get("kind") == "reference",
                                                                    str(kv[1].get("published_date") or ""), kv[0])):
            n = len(self.by_source.get(sid, []))
            contra = sum(self.rel_count.get(c["claim_id"], (0, 0, 0))[1] for c in self.by_source.get(sid, []))
            rows.append(f"<tr><td>{self.source_link(sid)}</td><td>{_e(str(s.get('kind') or '').replace('seed_', ''))}</td>"
                        f"<td class=\"n\">{_e(s.get('published_date'))}</td><td class=\"n\">{n}</td><td class=\"n\">{contra}</td></tr>")
        events = []
        for eid, e in sorted(self.events.items(), key=lambda kv: (str(kv[1]["date_start"]), kv[0])):
            ids = set(self.claims_of.get(eid, []))
            srcs = {self.claims[c]["source_id"] for c in ids if c in self.claims}
            span = str(e["date_start"]) if e["date_start"] == e["date_end"] else f"{e['date_start']} to {e['date_end']}"
            events.append(f"<tr><td>{self.event_link(eid)}</td><td>{_e(span)}</td><td>{_e(e['sub_event_type'])}</td>"
                          f"<td>{self.place(e.get('place_id')) if e.get('place_id') else ''}</td><td class=\"n\">{len(ids)}</td>"
                          f"<td class=\"n\">{len(srcs)}</td><td class=\"n\">{self.event_count.get(eid, (0, 0))[1]}</td></tr>")
        body = (f"<h1>newsclaims {_e(self.version)}: sources and events</h1>"
                "<p>Read each article with its claims marked in place, compare what the sources say about each event, "
                "and walk the <a href=\"contradictions.html\">list of contradictions</a>.</p>"
                "<h2>Sources</h2><div class=\"tablewrap\"><table><thead><tr><th>source</th><th>kind</th><th>published</th>"
                "<th>claims</th><th>contra&shy;dic&shy;tions</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
                "<h2>Events</h2><div class=\"tablewrap\"><table><thead><tr><th>event</th><th>date</th><th>type</th><th>place</th>"
                "<th>claims</th><th>sources</th><th>contra&shy;dictions</th></tr></thead><tbody>" + "".join(events)
                + "</tbody></table></div>")
        return _page("Sources and events", body, version=self.version)

    def files(self):
        """Each file of the site, ``(relative path, text)``, one at a time (a large corpus's
        pages are written as they are made, never all held at once)."""
        for name, make in self.entries():
            yield name, make()

    def entries(self):
        """Each file of the site, ``(relative path, a function making its text)``, in an order
        that is the same for the same package (processes that share the writing split it)."""
        yield "index.html", self.index
        yield from self.contradictions()
        yield "style.css", lambda: CSS
        yield "explorer.js", lambda: JS
        yield MARKER, lambda: "Written by `newsclaims explore`; replaced whole on every run.\n"
        for sid in sorted(self.sources):
            if self.has_page(sid):
                yield f"{sid}.html", functools.partial(self.article, sid)
        for eid in sorted(self.events):
            yield f"{eid}.html", functools.partial(self.event, eid)


def page_links(n: int, count: int) -> list[int | None]:
    """The pages the walk through *count* pages links from page *n* (counted from 0), in order,
    None where pages are left out: every page when there are at most 15, else the first and the
    last, the five on either side, every tenth within fifty and every hundredth, so any page is
    a few steps from any other and a page never carries thousands of links.

    >>> page_links(1, 3)
    [0, 1, 2]
    >>> page_links(0, 30)
    [0, 1, 2, 3, 4, 5, None, 9, None, 19, None, 29]
    >>> walk = page_links(250, 1598)
    >>> walk[:4], sum(k is not None for k in walk)
    ([0, None, 99, None], 36)
    """
    if count <= 15:
        return list(range(count))
    near = range(max(0, n - 5), min(count, n + 6))
    tens = range(max(9, (n - 50) // 10 * 10 + 9), min(count, n + 51), 10)
    shown = sorted({0, count - 1, *near, *(k for k in tens if abs(k - n) <= 50), *range(99, count, 100)})
    out: list[int | None] = []
    for k in shown:
        if out and k - out[-1] > 1:
            out.append(None)
        out.append(k)
    return out


def _contradictions_page(n: int) -> str:
    return "contradictions.html" if n == 0 else f"contradictions-{n + 1}.html"


def _short(text, n: int) -> str:
    text = "" if text is None else " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def site(package: Path) -> dict[str, str]:
    """The explorer's files for the package (repository or release) at *package*: relative
    path to text.

    >>> from pathlib import Path
    >>> files = site(Path(__file__).resolve().parents[3])
    >>> "index.html" in files and any(p.startswith("src_") for p in files) and "contradicts" in files["contradictions.html"]
    True
    """
    return dict(_Site(package).files())


PARALLEL_FROM = 100
"""Sources from which :func:`site_workers` gives one process per core (for fewer, starting
processes costs more than it saves)."""


def site_workers(package: Path, most: int | None = None) -> int:
    """The processes to write *package*'s explorer with: *most* (default: one per core this
    process may use) from :data:`PARALLEL_FROM` rows of ``data/sources.csv`` on, else one (also
    when the file cannot be read: the explorer then says what is wrong).

    >>> site_workers(Path("no-such-package"))
    1
    """
    from newsclaims.datapackage.workers import cores
    processes = most or cores()
    if processes < 2:
        return 1
    try:
        with open(Path(package) / "data" / "sources.csv", "rb") as table:
            rows = sum(1 for _ in table) - 1
    except OSError:
        return 1
    return processes if rows >= PARALLEL_FROM else 1


def write_site(package: Path, out: Path, *, workers: int = 1, meanwhile: Callable[[], None] | None = None) -> list[str]:
    """Write the explorer of *package* into the folder *out*, replacing it whole if an earlier
    run wrote it (it holds the marker file); a folder the explorer did not write is refused.
    Returns the file names written.

    With *workers* above 1, that many processes each read the package and write every
    *workers*-th page (a page is pure Python string work, so processes, not threads), while
    this one calls *meanwhile* (a build makes its report then) and then waits for them.
    """
    out = Path(out)
    if out.exists() and not (out / MARKER).is_file():
        if not out.is_dir() or any(out.iterdir()):
            raise NewsclaimsError(f"{out} exists and was not written by `newsclaims explore`; nothing was written",
                                  file=out, hint="Choose another folder with --out, or move that one away.")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".newsclaims-explorer-", dir=out.parent))
    try:
        # a fresh folder renamed into place whole: a crash leaves it aside, never half an explorer
        if workers > 1:
            files = _write_in_processes(package, tmp, workers, meanwhile, out)
        else:
            files = _write_part(str(package), str(tmp), 0, 1)
            if meanwhile is not None:
                meanwhile()
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            if old.exists():
                shutil.rmtree(old)
            os.replace(out, old)
            os.replace(tmp, out)
            shutil.rmtree(old)
        else:
            os.replace(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return sorted(files)


def _write_part(package: str, folder: str, part: int, parts: int) -> list[str]:
    """Write every *parts*-th file of the site (from the *part*-th) into *folder*; return their
    names. The files are made one at a time and written as made."""
    written = []
    for k, (name, make) in enumerate(_Site(Path(package)).entries()):
        if k % parts == part:
            (Path(folder) / name).write_bytes(make().encode("utf-8"))
            written.append(name)
    return written


def _write_in_processes(package: Path, folder: Path, workers: int, meanwhile: Callable[[], None] | None,
                        out: Path) -> list[str]:
    from newsclaims.datapackage.workers import helper_task, spawn_pool
    # spawned, not forked: the caller may hold threads (Arrow's) and gigabytes a fork would copy;
    # the workers leave Ctrl-C to this process, which stops them
    pool = spawn_pool(workers)
    try:
        parts = [pool.apply_async(helper_task, (_write_part, str(package), str(folder), k, workers))
                 for k in range(workers)]
        if meanwhile is not None:
            meanwhile()
        files = []
        for part in parts:
            try:
                files += part.get()
            except Exception as exc:
                raise NewsclaimsError(f"writing the explorer failed: {exc}", file=out,
                                      hint="Run `newsclaims explore` on the package to see the error alone.") from None
    except BaseException:
        pool.terminate()
        pool.join()
        raise
    pool.close()
    pool.join()
    return files
