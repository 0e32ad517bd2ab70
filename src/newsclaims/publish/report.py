"""The release report: one self-contained HTML file (charts inlined as SVG by matplotlib) that
shows a package before anyone reads it — table counts, an event timeline with date precision,
events curated and proposed with the agreement of their sources, claims per source and speaker,
where sources corroborate or contradict each other, figures by event and speaker, and the
validation summary. For a working tree it also sets what extraction alone proposes against the
curated events.

``newsclaims build`` writes ``docs/report.html`` for the working tree; ``newsclaims release``
puts ``report.html`` in every release. The same package gives the same bytes.
"""

from __future__ import annotations

import html
import io
from pathlib import Path

import pandas as pd

from newsclaims.reader.load import load
from newsclaims.datapackage.validate import validate

PATH = Path("docs") / "report.html"
PRECISION_COLOURS = {"day": "#1b9e77", "night": "#1f78b4", "week": "#d95f02", "month": "#7570b3", "year": "#e7298a"}


def _svg(fig, alt: str) -> str:
    """The figure as inline SVG, described for screen readers by *alt* (its alt text)."""
    import matplotlib.pyplot as plt
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    head = text.index(">") + 1
    return ('<div class="chart">' + text[:4] + f' role="img" aria-label="{html.escape(alt, quote=True)}"' + text[4:head]
            + f"<title>{html.escape(alt)}</title>" + text[head:] + "</div>")


def _wrap(text: object, width: int = 38, lines: int = 3) -> str:
    """A label wrapped on word boundaries (never cut mid-word), at most *lines* lines."""
    import textwrap
    text = "" if pd.isna(text) else " ".join(str(text).split())
    parts = textwrap.wrap(text, width, break_long_words=False) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1].rstrip(" ,;:") + " …"
    return "\n".join(parts)


def _integer_axis(axis) -> None:
    from matplotlib.ticker import MaxNLocator
    axis.set_major_locator(MaxNLocator(integer=True))


def _matplotlib():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.rcParams.update({"svg.hashsalt": "newsclaims", "svg.fonttype": "none", "font.size": 9})
    return plt


# A report of ten thousand articles stays a page a person reads: long tables show their first
# rows (ranked where it matters) and say where the rest are.
MAX_ROWS, MAX_BARS, MAX_SOURCES = 300, 40, 25


def _table(frame: pd.DataFrame, where: str | None = None) -> str:
    shown = frame if where is None or len(frame) <= MAX_ROWS else frame.head(MAX_ROWS)
    note = "" if len(shown) == len(frame) else \
        f"<p><em>The first {len(shown):,} of {len(frame):,} rows; all of them: {html.escape(where)}.</em></p>"
    return '<div class="tablewrap">' + shown.to_html(index=False, escape=True, border=0, classes="grid", na_rep="") + "</div>" + note


def _number(value) -> str:
    """176.0 -> "176", 1200 -> "1,200", 0.5 -> "0.5"."""
    if value is None or pd.isna(value):
        return ""
    f = float(value)
    return f"{int(f):,}" if f.is_integer() else f"{f:,.6g}"


def _short(text: object, n: int = 42) -> str:
    text = "" if pd.isna(text) else str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _periods(events: pd.DataFrame, gap_days: int = 60) -> list[pd.DataFrame]:
    """Events split where nothing happens for *gap_days*: each period gets a panel of its own, so a
    year-long event of 2022 does not squeeze a night of 2025 to a hairline."""
    ev = events.sort_values(["date_start", "event_id"]).reset_index(drop=True)
    periods, current, reach = [], [], None
    for i, row in ev.iterrows():
        start, end = pd.Timestamp(row["date_start"]), pd.Timestamp(row["date_end"])
        if current and start - reach > pd.Timedelta(days=gap_days):
            periods.append(ev.loc[current])
            current, reach = [], None
        current.append(i)
        reach = end if reach is None else max(reach, end)
    if current:
        periods.append(ev.loc[current])
    return periods


def _timeline(plt, events: pd.DataFrame) -> str:
    import matplotlib.dates as mdates
    ev = events.sort_values(["date_start", "event_id"]).head(60)
    periods = _periods(ev)
    heights = [0.62 * len(p) + 1.1 for p in periods]
    fig, axes = plt.subplots(len(periods), 1, figsize=(9, sum(heights) + 0.6), squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    for ax, period in zip(axes[:, 0], periods):
        period = period.reset_index(drop=True)
        lo = pd.Timestamp(period["date_start"].min())
        hi = pd.Timestamp(period["date_end"].max()) + pd.Timedelta(days=1)
        pad = max((hi - lo) * 0.04, pd.Timedelta(hours=12))
        for i, row in period.iterrows():
            start = mdates.date2num(pd.Timestamp(row["date_start"]).to_pydatetime())
            end = mdates.date2num((pd.Timestamp(row["date_end"]) + pd.Timedelta(days=1)).to_pydatetime())
            colour = PRECISION_COLOURS.get(str(row["date_precision"]), "grey")
            ax.barh(i, end - start, left=start, height=0.6, color=colour)
            ax.plot([start], [i], marker="|", markersize=12, color=colour)   # a one-day bar stays visible
        ax.set_yticks(range(len(period)), [_wrap(t, 46, 4) for t in period["title"]], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(mdates.date2num((lo - pad).to_pydatetime()), mdates.date2num((hi + pad).to_pydatetime()))
        ax.xaxis_date()
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=6))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %Y"))
        ax.set_xlabel("date (a bar runs from the first to the last day of the event's date range)")
        first, last = lo.date(), (hi - pd.Timedelta(days=1)).date()
        ax.set_title(f"{first:%d %b %Y}" + ("" if first == last else f" to {last:%d %b %Y}"), fontsize=9, loc="left")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in PRECISION_COLOURS.values()]
    axes[0, 0].legend(handles, list(PRECISION_COLOURS), title="date precision", loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.suptitle("Events by date" + (f", in {len(periods)} periods (an axis of its own for each)" if len(periods) > 1 else ""),
                 x=0.01, ha="left")
    fig.tight_layout()
    spans = "; ".join(f"{pd.Timestamp(p['date_start'].min()):%d %b %Y} to {pd.Timestamp(p['date_end'].max()):%d %b %Y}: "
                      f"{len(p)} event(s)" for p in periods)
    return _svg(fig, f"Timeline of {len(ev)} events with their date ranges, coloured by date precision. {spans}.")


def _bars(plt, counts: pd.Series, title: str, what: str) -> str:
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(counts) + 1.2))
    ax.barh(range(len(counts)), counts.values, color="#4c78a8")
    ax.set_yticks(range(len(counts)), [_wrap(i, 44, 4) for i in counts.index], fontsize=8)
    ax.invert_yaxis()
    _integer_axis(ax.xaxis)
    ax.set_xlabel(f"number of {what}")
    for i, v in enumerate(counts.values):
        ax.text(v, i, f" {int(v):,}", va="center", fontsize=8)
    ax.set_title(title)
    top = ", ".join(f"{_short(k, 60)}: {int(v):,}" for k, v in counts.head(5).items())
    return _svg(fig, f"{title}. Bar chart; the largest: {top}.")


def _figures(plt, claims: pd.DataFrame, links: pd.DataFrame, events: pd.DataFrame,
             actor_name: dict) -> tuple[str, pd.DataFrame]:
    fig_claims = claims[(claims["claim_kind"] == "figure") & (claims["review_status"] != "rejected")]
    merged = fig_claims.merge(links, on="claim_id").merge(events[["event_id", "title"]], on="event_id")
    merged["speaker"] = merged["speaker_actor_id"].astype("string").map(actor_name).fillna("(outlet's own voice)")
    table = (merged.groupby(["title", "speaker", "object", "predicate"], dropna=True, observed=True)["value"]
             .agg(["min", "max", "count"]).reset_index().sort_values(["title", "speaker", "object", "predicate"]))
    if table.empty:
        return "<p>No figure claims are linked to events.</p>", table
    # the chart: the figures most often reported, when there are more than it can show
    chart = table if len(table) <= MAX_BARS else \
        table.sort_values("count", ascending=False, kind="stable").head(MAX_BARS).sort_index()
    labels = [_wrap(f"{r.object} {r.predicate} · {r.speaker} · {r.title}", 56, 4) for r in chart.itertuples()]
    fig, ax = plt.subplots(figsize=(10, 0.62 * len(chart) + 1.4))
    ax.barh(range(len(chart)), chart["max"].astype(float), color="#f58518")
    ax.set_yticks(range(len(chart)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("largest value reported (logarithmic scale: each step is ten times the last)")
    for i, v in enumerate(chart["max"].astype(float)):
        ax.text(v, i, f" {_number(v)}", va="center", fontsize=8)
    title = ("Figures by event and speaker (largest value reported)" if len(chart) == len(table) else
             f"The {len(chart)} figures most often reported, by event and speaker (largest value)")
    ax.set_title(title)
    described = "; ".join(f"{r.object} {r.predicate} ({r.speaker}): {_number(r.max)}" for r in chart.head(6).itertuples())
    table = table.assign(min=table["min"].map(_number), max=table["max"].map(_number))
    return _svg(fig, f"{title}. {described}."), table


def _source_names(sources: pd.DataFrame) -> dict[str, str]:
    """Each source by what a reader knows it by: outlet and headline (or outlet and date for a
    reference report without one); two alike are told apart by their date."""
    names, day = {}, {}
    for r in sources.itertuples():
        outlet = r.publisher if pd.notna(r.publisher) else None
        day[r.source_id] = f"{pd.Timestamp(r.published_date):%Y-%m-%d}" if pd.notna(r.published_date) else None
        if pd.notna(r.title):
            names[r.source_id] = f"{outlet}: {r.title}" if outlet else str(r.title)
        else:
            names[r.source_id] = f"{outlet or 'unknown outlet'}, {day[r.source_id] or 'undated'}"
    seen = pd.Series(names, dtype=object).value_counts()
    for r in sources.itertuples():
        if seen[names[r.source_id]] > 1:
            names[r.source_id] += f" ({day[r.source_id] or r.source_id})"
    return names


def _agreement(ds) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Source × source counts of corroborations and contradictions, and the contradictions listed."""
    rel, claims, sources = ds.claim_relations, ds.claims, ds.sources
    if rel.empty:
        return pd.DataFrame(), pd.DataFrame()
    # on the columns: a large corpus holds over a million relations
    src_of = pd.Series(claims["source_id"].astype(object).to_numpy(), index=claims["claim_id"].astype(object).to_numpy())
    name = _source_names(sources)
    target = rel["target_claim_id"].astype(object)
    a = rel["claim_id"].astype(object).map(src_of)
    b = target.map(src_of).where(target.notna(), rel["target_source_id"].astype(object))
    named = pd.Series(name, dtype=object)
    pairs = pd.DataFrame({"a": a.map(named).where(a.isin(named.index), a).to_numpy(),
                          "b": b.map(named).where(b.isin(named.index), b).to_numpy(),
                          "relation": rel["relation"].astype(str).to_numpy()})
    # the grid: the sources with the most relations, when there are more than fit a page
    busiest = pd.concat([pairs["a"], pairs["b"]]).value_counts(sort=False)
    busiest = busiest.sort_values(ascending=False, kind="stable").head(MAX_SOURCES).index
    pairs = pairs[pairs["a"].isin(busiest) & pairs["b"].isin(busiest)].copy()
    pairs["count"] = 1
    matrix = pairs.pivot_table(index="a", columns="b", values="count", aggfunc="sum", fill_value=0)
    cells = pairs.groupby(["a", "b", "relation"]).size().unstack(fill_value=0)
    text = pd.DataFrame("", index=list(matrix.index), columns=list(matrix.columns))
    text.index.name = "a"
    for (a, b), row in cells.iterrows():
        text.loc[a, b] = " ".join(f"{k[:4]}. {v}" for k, v in row.items() if v)
    quotes = pd.Series(claims["quote"].astype(object).to_numpy(), index=src_of.index)
    contra = rel[rel["relation"] == "contradicts"]
    own = contra["claim_id"].astype(object)
    own_source = own.map(src_of)
    other = contra["target_claim_id"].astype(object)
    other = other.map(src_of).where(other.notna(), contra["target_source_id"].astype(object))
    listed = pd.DataFrame({
        "claim (source)": (own.map(quotes).astype(str) + " ("
                           + own_source.map(named).where(own_source.isin(named.index), "") + ")").to_numpy(),
        "contradicted by": other.map(named).where(other.isin(named.index), contra["target_source_id"].astype(object)).to_numpy(),
        "event": contra["event_id"].astype("string").map(dict(zip(ds.events["event_id"], ds.events["title"]))).fillna(""),
        "basis": contra["basis"].astype("string"),
    })
    return text.reset_index().rename(columns={"a": "source ↓ / target →"}), listed


def _events(ds) -> pd.DataFrame:
    """One row per event: who decided it, and how far its sources agree."""
    links, claims, rel = ds.claim_events, ds.claims, ds.claim_relations
    events = ds.events
    # a package from before events had an origin (dataset 1.x) holds curated events only
    events = events if "origin" in events else events.assign(origin="curated", review_status="confirmed", confidence=None)
    links = links if "method" in links else links.assign(method="curated")
    src_of = dict(zip(claims["claim_id"], claims["source_id"]))
    # per event, counted once over the link and relation tables (not filtered per event)
    linked = pd.DataFrame({"event_id": links["event_id"].astype(str), "method": links["method"].astype(str),
                           "source": links["claim_id"].astype(str).map(src_of)})
    articles = linked.dropna(subset=["source"]).groupby("event_id")["source"].nunique()
    by_method = linked.groupby(["event_id", "method"]).size()
    kinds_of = pd.DataFrame({"event_id": rel["event_id"].astype("string"), "relation": rel["relation"].astype(str)}) \
        .dropna(subset=["event_id"]).groupby(["event_id", "relation"]).size()
    rows = []
    for e in events.sort_values(["origin", "date_start", "event_id"]).itertuples():
        agree, disagree = int(kinds_of.get((e.event_id, "corroborates"), 0)), int(kinds_of.get((e.event_id, "contradicts"), 0))
        rows.append({
            "event": e.title, "origin": e.origin, "review": e.review_status,
            "confidence": "" if pd.isna(e.confidence) else f"{float(e.confidence):.2f}",
            "articles": int(articles.get(e.event_id, 0)),
            "claims (curator / extraction)": f"{int(by_method.get((e.event_id, 'curated'), 0))} / "
                                             f"{int(by_method.get((e.event_id, 'extracted'), 0))}",
            "agreement": "single source" if not agree + disagree else
            f"{agree} corroborate, {disagree} contradict" + (" — disputed" if disagree else ""),
            "id": e.event_id,
        })
    return pd.DataFrame(rows)


def _coverage(proposals, ds) -> pd.DataFrame:
    """What extraction alone proposes, each against the curated events its claims are linked to."""
    links = ds.claim_events
    links = links[links["method"] == "curated"] if "method" in links else links
    curated_of: dict[str, list[str]] = {}
    for c, e in zip(links["claim_id"], links["event_id"]):
        curated_of.setdefault(c, []).append(e)
    rows = []
    for p in proposals:
        shared: dict[str, int] = {}
        for link in p.links:
            for e in curated_of.get(link.claim_id, []):
                shared[e] = shared.get(e, 0) + 1
        rows.append({"proposal": p.event_id, "type": f"{p.event_type} / {p.sub_event_type}", "sources": len(p.sources),
                     "claims": len(p.links), "confidence": f"{p.confidence:.2f}",
                     "curated events its claims belong to": ", ".join(f"{e} ({n})" for e, n in
                                                                      sorted(shared.items(), key=lambda kv: (-kv[1], kv[0])))
                     or "none: a new event"})
    return pd.DataFrame(rows)


def report(package: Path, *, title: str | None = None, proposals: list | None = None, checked=None) -> str:
    """The HTML report of the package (repository or release) at *package*; *proposals* (event
    proposals from extraction alone, see :func:`newsclaims.pipeline.events.proposals_of`) adds
    how they compare with the curated events; *checked* is the package's validation report
    (validated here when not given).

    >>> from pathlib import Path
    >>> page = report(Path(__file__).resolve().parents[3])
    >>> page.startswith("<!doctype html>") and "<svg" in page and "contradicts" in page
    True
    """
    package = Path(package)
    ds = load(package, format="csv")
    plt = _matplotlib()
    checked = checked if checked is not None else validate(package)
    counts = pd.DataFrame({"table": list(ds.frames), "rows": [len(f) for f in ds.frames.values()]})
    claims = ds.claims
    per_source = claims["source_id"].astype("string").map(_source_names(ds.sources)).value_counts()
    actor_name = dict(zip(ds.actors["actor_id"], ds.actors["name"]))
    per_speaker = claims["speaker_actor_id"].astype("string").map(actor_name).fillna("(outlet's own voice)").value_counts()
    matrix, contradictions = _agreement(ds)
    figures_svg, figures = _figures(plt, claims, ds.claim_events, ds.events, actor_name)
    failures = pd.DataFrame([f.as_dict() for f in checked.failures], columns=["severity", "file", "row", "check", "message"])
    heading = title or f"newsclaims {ds.version}"
    parts = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">', f"<title>{html.escape(heading)} — report</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;"
        "overflow-wrap:break-word}"
        ".tablewrap{overflow-x:auto;max-width:100%}"
        "table.grid{border-collapse:collapse;font-size:13px;margin:.5em 0 1.5em}"
        "table.grid td,table.grid th{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top;min-width:4em}"
        "h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em} svg{max-width:100%;height:auto}"
        ".chart{overflow-x:auto;max-width:100%}"
        # on a phone a chart keeps a size its labels can be read at, and scrolls sideways in its box
        "@media (max-width:600px){body{margin:1em auto;padding:0 .6em}table.grid{font-size:12px}"
        ".chart svg{min-width:640px}}</style>",
        "</head><body>",
        f"<h1>{html.escape(heading)}</h1>",
        f"<p>Generated from the package's own tables. Validation: <strong>{'valid' if checked.valid else 'INVALID'}</strong>, "
        f"{len(checked.errors)} error(s), {len(checked.warnings)} warning(s).</p>",
        "<h2>Rows per table</h2>", _table(counts),
        "<h2>Events on a timeline</h2>", _timeline(plt, ds.events) if len(ds.events) else "<p>No events.</p>",
        "<h2>Events: curated and proposed, and how far their sources agree</h2>",
        "<p><em>origin</em>: curated (curation/events.yaml) or extracted (proposed from the claims); "
        "<em>review</em>: confirmed, proposed (no curator has judged it) or rejected; <em>agreement</em>: "
        "the automatic and curated relations between claims of different sources about the event.</p>",
        _table(_events(ds), "data/events.csv") if len(ds.events) else "<p>No events.</p>",
        *(["<h3>What extraction alone proposes, against the curated events</h3>",
            "<p>Proposals from the extracted claims with curation set aside (<code>newsclaims propose-events</code>); "
            "the number in brackets counts the proposal's claims a curator linked to that event.</p>",
            _table(_coverage(proposals, ds), "newsclaims propose-events") if proposals else "<p>No proposals.</p>"] if proposals is not None else []),
        "<h2>Claims per source</h2>", _bars(plt, per_source.head(25), "Claims per source (the 25 with the most)", "claims"),
        "<h2>Claims per speaker</h2>", _bars(plt, per_speaker.head(25), "Claims per speaker (the 25 with the most)", "claims"),
        "<h2>Where sources agree and disagree</h2>",
        "<p>Each cell counts relations from claims of the row's source to claims (or reports) of the column's "
        "source: <em>corr.</em> corroborates, <em>cont.</em> contradicts, <em>refi.</em> refines, "
        "<em>dupl.</em> duplicates.</p>",
        *([f"<p>The {MAX_SOURCES} sources with the most relations.</p>"] if len(ds.sources) > MAX_SOURCES else []),
        _table(matrix) if not matrix.empty else "<p>No relations.</p>",
        "<h3>Every contradiction</h3>", _table(contradictions, "data/claim_relations.csv (relation contradicts)") if not contradictions.empty else "<p>None.</p>",
        "<h2>Figures by event and speaker</h2>", figures_svg,
        _table(figures.rename(columns={"title": "event"}), "data/claims.csv and data/claim_events.csv") if not figures.empty else "",
        "<h2>Validation summary</h2>",
        _table(failures, "newsclaims validate") if not failures.empty else "<p>No errors and no warnings.</p>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
