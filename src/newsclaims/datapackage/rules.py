"""Cross-table rules: what a Table Schema cannot say. One function per rule id of
``schemas/rules.yaml``; each yields :class:`Failure` rows for ``newsclaims validate``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from newsclaims.datapackage.schema import Table


@dataclass(frozen=True)
class Failure:
    """One problem found by ``validate``: where (file, table, row, key, column), which check, the value."""

    table: str | None
    row: int | None          # 1-based data row (CSV line = row + 1)
    key: str | None          # primary key of the row
    column: str | None
    check: str
    value: str | None
    message: str
    severity: str = "error"
    file: str | None = None

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("severity", "file", "table", "row", "key", "column", "check", "value", "message")}


@dataclass
class Tables:
    """The typed frames of a package, their schemas and the package directory."""

    frames: dict[str, pd.DataFrame]
    schemas: dict[str, Table]
    root: Path

    def key(self, table: str, idx) -> str:
        pk = self.schemas[table].primary_key
        return "|".join(str(self.frames[table].at[idx, c]) for c in pk)

    def fail(self, table: str, idx, column: str | None, check: str, value, message: str) -> Failure:
        return Failure(table, int(idx) + 1, self.key(table, idx), column, check,
                       None if value is None or value is pd.NA else str(value), message,
                       file=f"data/{table}.csv")


RULES: dict[str, Callable[[Tables], Iterator[Failure]]] = {}


def rule(fn):
    RULES[fn.__name__] = fn
    return fn


@rule
def foreign_key(t: Tables) -> Iterator[Failure]:
    checks = []         # (table, column, target table, target column), in the order reported
    for name, schema in t.schemas.items():
        if name not in t.frames:
            continue
        for fk in schema.foreign_keys:
            ref = fk["reference"]
            target = ref.get("resource") or name
            if target in t.frames:
                (col,), (ref_col,) = fk["fields"], ref["fields"]
                checks.append((name, col, target, ref_col))
    found = _found_in_targets(t, checks)
    for check in checks:
        name, col, target, ref_col = check
        df = t.frames[name]
        bad = df[col].notna() & ~_mask(found[check], df.index)
        for idx in df.index[bad]:
            yield t.fail(name, idx, col, "foreign_key", df.at[idx, col],
                         f"{df.at[idx, col]} is not a {ref_col} in {target}")


def _found_in_targets(t: Tables, checks: list[tuple[str, str, str, str]]) -> dict:
    """For each ``(table, column, target table, target column)``, whether each cell of the column
    is a value of the target column (Arrow booleans). Every column that points at the same
    target column is looked up in one call, so its hash set is built once (seven columns point
    at ``claims.claim_id``: a million ids hashed once instead of seven times)."""
    groups: dict[tuple[str, str], list] = {}
    for check in checks:
        groups.setdefault(check[2:], []).append(check)
    found = {}
    for (target, ref_col), group in groups.items():
        columns = [_arrow(t.frames[name][col]) for name, col, _, _ in group]
        # chunk by chunk: a column read in blocks is itself chunked (given whole, the chunked
        # array would be built value by value)
        chunks = [c for column in columns for c in (column.chunks if isinstance(column, pa.ChunkedArray) else [column])]
        hits = pc.is_in(pa.chunked_array(chunks, type=columns[0].type),
                        value_set=_arrow(t.frames[target][ref_col].dropna()))
        start = 0
        for check, column in zip(group, columns):
            found[check] = hits.slice(start, len(column))
            start += len(column)
    return found


def _arrow(series: pd.Series) -> pa.Array:
    return pa.array(series.astype("string[pyarrow]"))


def _mask(found: pa.Array | pa.ChunkedArray, index: pd.Index) -> pd.Series:
    """An Arrow boolean array as a pandas mask (null counts as False)."""
    return pd.Series(found.to_numpy(zero_copy_only=False), index=index).fillna(False).astype(bool)


def _seed_bytes(t: Tables) -> dict[str, bytes | None]:
    """Each seed article's bytes by source id (None: the file cannot be read), read once for
    every rule that needs them."""
    if not hasattr(t, "_bytes"):
        found: dict[str, bytes | None] = {}
        src = t.frames.get("sources")
        if src is not None:
            seeds = src[src["kind"] == "seed_article"]
            for sid, file in zip(seeds["source_id"].tolist(), seeds["file"].tolist()):
                try:
                    found[sid] = (t.root / str(file)).read_bytes()
                except OSError:
                    found[sid] = None
        t._bytes = found
    return t._bytes


def _seed_texts(t: Tables) -> dict[str, str]:
    if not hasattr(t, "_texts"):
        texts = {}
        for sid, data in _seed_bytes(t).items():
            try:
                if data is not None and isinstance(sid, str):
                    texts[sid] = data.decode("utf-8")
            except UnicodeDecodeError:
                pass
        t._texts = texts
    return t._texts


@rule
def seed_hash(t: Tables) -> Iterator[Failure]:
    if "sources" not in t.frames:
        return
    src = t.frames["sources"]
    seeds = src[src["kind"] == "seed_article"]
    found = _seed_bytes(t)
    for idx, row in zip(seeds.index, seeds.to_dict("records")):
        data = found.get(row["source_id"])
        if data is None:
            yield t.fail("sources", idx, "file", "seed_hash", row["file"], f"seed file {row['file']} is missing")
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != row["sha256"]:
            yield t.fail("sources", idx, "sha256", "seed_hash", row["sha256"],
                         f"{row['file']} has sha256 {digest}; seeds are never edited: restore the file")
        elif not pd.isna(row["char_count"]) and len(_seed_texts(t).get(row["source_id"], "")) != row["char_count"]:
            yield t.fail("sources", idx, "char_count", "seed_hash", row["char_count"], "length differs from the seed")


def _text_matches(t: Tables, table: str, text_col: str, start: str, end: str, check: str) -> Iterator[Failure]:
    if table not in t.frames:
        return
    texts = _seed_texts(t)
    df = t.frames[table]
    rows = df.index[df[text_col].notna() & df[start].notna() & df[end].notna()]
    sub = df.loc[rows, ["source_id", text_col, start, end]]
    # Plain lists: a row-by-row pandas lookup costs microseconds per cell, this costs nanoseconds.
    for idx, sid, text, a, b in zip(rows, *(sub[c].tolist() for c in sub.columns)):
        seed = texts.get(sid)
        if seed is None:
            continue
        if b > len(seed):
            yield t.fail(table, idx, end, check, b, f"{end} {b} is beyond the end of the seed ({len(seed)} characters); "
                                                    "offsets count characters of the seed file")
        elif seed[a:b] != text:
            yield t.fail(table, idx, text_col, check, text,
                         f"{text_col} differs from the seed text at [{a}, {b}) ({seed[a:b][:40]!r})")


@rule
def quote_matches_seed(t: Tables) -> Iterator[Failure]:
    yield from _text_matches(t, "claims", "quote", "char_start", "char_end", "quote_matches_seed")


@rule
def figure_in_quote(t: Tables) -> Iterator[Failure]:
    if "claims" not in t.frames:
        return
    yield from _text_matches(t, "claims", "figure_text", "figure_start", "figure_end", "figure_in_quote")
    df = t.frames["claims"]
    inside = df["figure_start"].isna() | ((df["figure_start"] >= df["char_start"]) & (df["figure_end"] <= df["char_end"]))
    for idx in df.index[~inside.fillna(False)]:
        yield t.fail("claims", idx, "figure_start", "figure_in_quote", df.at[idx, "figure_start"], "the figure lies outside the quote")


@rule
def mention_in_quote(t: Tables) -> Iterator[Failure]:
    """A speaker's or date's text equals the seed text at its offsets, inside its claim's quote."""
    if "claims" not in t.frames:
        return
    texts = _seed_texts(t)
    claims = t.frames["claims"]
    # a claim the foreign key rule reports, or a broken claim row its own checks report, has no quote to check against
    quotes = claims[claims["source_id"].isin(list(texts)) & claims["char_start"].notna() & claims["char_end"].notna()]
    codes, sources = pd.factorize(quotes["source_id"])
    seeds = [texts[sid] for sid in sources]
    qa_all, qb_all = (quotes[c].to_numpy(dtype="int64") for c in ("char_start", "char_end"))
    for table, col in (("claim_speakers", "speaker_text"), ("claim_dates", "date_text")):
        if table not in t.frames:
            continue
        df = t.frames[table]
        # each row's claim among the quotes, looked up by Arrow's hash table (-1: none)
        at = pc.fill_null(pc.index_in(_arrow(df["claim_id"]), value_set=_arrow(quotes["claim_id"])), -1).to_numpy()
        rows = np.flatnonzero((df[col].notna() & df["char_start"].notna() & df["char_end"].notna()).to_numpy() & (at >= 0))
        at = at[rows]
        a, b = (df[c].to_numpy(dtype="int64", na_value=0)[rows] for c in ("char_start", "char_end"))
        qa, qb, code = qa_all[at], qb_all[at], codes[at]
        outside = ~((qa <= a) & (b <= qb))
        said = _arrow(df[col]).take(pa.array(rows)).to_pylist()
        # plain lists: a slice and a comparison per row, nanoseconds each
        differs = np.array([seeds[c][x:y] != text for c, x, y, text in zip(code.tolist(), a.tolist(), b.tolist(), said)],
                           dtype=bool)
        for k in np.flatnonzero(outside | differs).tolist():
            idx, x, y = df.index[rows[k]], int(a[k]), int(b[k])
            if outside[k]:
                yield t.fail(table, idx, "char_start", "mention_in_quote", x,
                             f"[{x}, {y}) lies outside the quote of claim {df.at[idx, 'claim_id']} [{int(qa[k])}, {int(qb[k])})")
            else:
                yield t.fail(table, idx, col, "mention_in_quote", said[k],
                             f"{col} differs from the seed text at [{x}, {y}) ({seeds[code[k]][x:y][:40]!r})")


@rule
def excluded_span_matches_seed(t: Tables) -> Iterator[Failure]:
    yield from _text_matches(t, "excluded_spans", "text", "char_start", "char_end", "excluded_span_matches_seed")


@rule
def span_order(t: Tables) -> Iterator[Failure]:
    for table in ("claims", "excluded_spans", "claim_speakers", "claim_dates"):
        if table in t.frames:
            df = t.frames[table]
            for idx in df.index[(df["char_start"] >= df["char_end"]).fillna(False)]:
                yield t.fail(table, idx, "char_end", "span_order", df.at[idx, "char_end"], "char_end must be greater than char_start")


@rule
def date_order(t: Tables) -> Iterator[Failure]:
    for table in ("claims", "events", "claim_dates"):
        if table in t.frames:
            df = t.frames[table]
            for idx in df.index[(df["date_start"] > df["date_end"]).fillna(False)]:
                yield t.fail(table, idx, "date_end", "date_order", df.at[idx, "date_end"], "date_end is before date_start")


@rule
def date_precision_span(t: Tables) -> Iterator[Failure]:
    for table in ("claims", "events", "claim_dates"):
        if table not in t.frames or "date_precision" not in t.frames[table]:
            continue
        df = t.frames[table]
        precision = df["date_precision"].astype("string")
        # a cell that is no date is the schema's to report, not a range to measure
        days = (pd.to_datetime(df["date_end"], errors="coerce") - pd.to_datetime(df["date_start"], errors="coerce")).dt.days
        for name, want in (("day", 0), ("night", 1)):
            for idx in df.index[((precision == name) & days.notna() & (days != want)).fillna(False)]:
                yield t.fail(table, idx, "date_precision", "date_precision_span", name,
                             f"a {name} spans {want + 1} day(s), this range {int(days[idx]) + 1}: "
                             f"fix date_start..date_end or the precision (see the codebook's date precisions)")


@rule
def event_geo_precision(t: Tables) -> Iterator[Failure]:
    if not all(n in t.frames for n in ("events", "places")):
        return
    df = t.frames["events"]
    known = df["place_id"].map(dict(zip(t.frames["places"]["place_id"], t.frames["places"]["geo_precision"])))
    for idx in df.index[(df["geo_precision"] < known).fillna(False)]:
        yield t.fail("events", idx, "geo_precision", "event_geo_precision", df.at[idx, "geo_precision"],
                     f"{df.at[idx, 'place_id']} is known only to precision {int(known[idx])} (ACLED: a region's "
                     f"centroid is 3): the event cannot be placed more precisely than its place")


@rule
def reference_cited(t: Tables) -> Iterator[Failure]:
    if "sources" not in t.frames:
        return
    df = t.frames["sources"]
    cited = set()
    for table, column in (("claim_relations", "target_source_id"), ("events", "date_basis_source_id")):
        if table in t.frames:
            cited |= set(t.frames[table][column].dropna())
    for idx in df.index[(df["kind"] == "reference").fillna(False) & ~df["source_id"].isin(cited)]:
        yield t.fail("sources", idx, "source_id", "reference_cited", df.at[idx, "source_id"],
                     "a reference no event date or relation cites: cite it in curation, or remove it from curation/references.yaml")


@rule
def figure_bounds(t: Tables) -> Iterator[Failure]:
    if "claims" not in t.frames:
        return
    df = t.frames["claims"]
    for col, other, op in (("low", "value", "gt"), ("value", "high", "gt")):
        bad = getattr(df[col], op)(df[other]).fillna(False)
        for idx in df.index[bad]:
            yield t.fail("claims", idx, col, "figure_bounds", df.at[idx, col], f"{col} is greater than {other}")
    fig = df["claim_kind"] == "figure"
    for col in ("value", "qualifier", "figure_text", "unit"):
        for idx in df.index[fig & df[col].isna()]:
            yield t.fail("claims", idx, col, "figure_bounds", None, f"a figure claim needs {col}")


# What each qualifier makes of low and high, as the codebook defines them (schemas/claims.yaml):
# a column to equal value, "null" for a column left empty, "given" for one that must be set.
_QUALIFIER_BOUNDS = {"exact": {"low": "value", "high": "value"}, "approximately": {"low": "null", "high": "null"},
                     "more_than": {"high": "null"}, "at_least": {"low": "value", "high": "null"},
                     "less_than": {"low": "null"}, "up_to": {"high": "value"}, "range": {"low": "given", "high": "given"}}


@rule
def qualifier_bounds(t: Tables) -> Iterator[Failure]:
    if "claims" not in t.frames:
        return
    df = t.frames["claims"]
    qualifier = df["qualifier"].astype("string")
    for name, bounds in _QUALIFIER_BOUNDS.items():
        rows = (qualifier == name).fillna(False)
        if not rows.any():
            continue
        for col, want in bounds.items():
            if want == "null":
                bad, says = df[col].notna(), "is empty"
            elif want == "given":
                bad, says = df[col].isna(), "is given"
            else:
                bad, says = (df[col] != df["value"]).fillna(True), "equals value"
            for idx in df.index[rows & bad]:
                yield t.fail("claims", idx, col, "qualifier_bounds", df.at[idx, col],
                             f"qualifier {name}: {col} {says} (see the codebook's qualifier values)")


@rule
def speaker_named_in(t: Tables) -> Iterator[Failure]:
    if "claims" not in t.frames or "speaker_named_in" not in t.frames["claims"]:
        return
    df = t.frames["claims"]
    where, speaker, text = df["speaker_named_in"].astype("string"), df["speaker_actor_id"], df["speaker_text"]
    # a speaker the text names but nobody resolved ("it said") is still a speaker named in the sentence
    has = speaker.notna() | text.notna()
    checks = [(where.isna() & has, "the claim has a speaker: say where the text names it"),
              (where.notna() & ~has, "the claim has no speaker (speaker_actor_id and speaker_text are empty)"),
              ((where == "sentence").fillna(False) & text.isna(), "a speaker named in the sentence needs its speaker_text"),
              (where.isin(["previous_sentence", "closing_quotation"]).fillna(False) & text.notna(),
               "a carried speaker is not in the claim's sentence: speaker_text must be empty")]
    for bad, says in checks:
        for idx in df.index[bad.fillna(False)]:
            yield t.fail("claims", idx, "speaker_named_in", "speaker_named_in", df.at[idx, "speaker_named_in"],
                         f"{says} (see the codebook's carrying rule)")


@rule
def sub_event_type_matches(t: Tables) -> Iterator[Failure]:
    if "events" not in t.frames:
        return
    parents = {c["value"]: c["label"] for c in t.schemas["events"].field("sub_event_type").get("categories", [])}
    df = t.frames["events"]
    for idx in df.index:
        sub, typ = df.at[idx, "sub_event_type"], df.at[idx, "event_type"]
        # a missing event_type is the schema's to report (required), not a mismatch to crash on
        if pd.notna(sub) and sub in parents and pd.notna(typ) and parents[sub] != typ:
            yield t.fail("events", idx, "sub_event_type", "sub_event_type_matches", sub,
                         f"{sub!r} belongs to {parents[sub]!r}, not {typ!r}")


@rule
def date_basis_target(t: Tables) -> Iterator[Failure]:
    if "events" not in t.frames:
        return
    df = t.frames["events"]
    kinds = {}
    if "sources" in t.frames:
        kinds = dict(zip(t.frames["sources"]["source_id"], t.frames["sources"]["kind"]))
    for idx in df.index:
        basis = df.at[idx, "date_basis"]
        basis = None if pd.isna(basis) else basis       # missing: the schema reports it (required)
        if basis == "claim" and pd.isna(df.at[idx, "date_basis_claim_id"]):
            yield t.fail("events", idx, "date_basis_claim_id", "date_basis_target", None, "date_basis is claim but no claim is named")
        if basis == "reference":
            sid = df.at[idx, "date_basis_source_id"]
            kind = kinds.get(sid, "reference")
            if pd.isna(sid) or pd.notna(kind) and kind != "reference":
                yield t.fail("events", idx, "date_basis_source_id", "date_basis_target", sid,
                             "date_basis is reference but no reference source is named")


@rule
def relation_target(t: Tables) -> Iterator[Failure]:
    if "claim_relations" not in t.frames:
        return
    df = t.frames["claim_relations"]
    both = df["target_claim_id"].notna() == df["target_source_id"].notna()
    for idx in df.index[both]:
        yield t.fail("claim_relations", idx, "target_claim_id", "relation_target", None,
                     "name exactly one of target_claim_id and target_source_id")
    for idx in df.index[(df["target_claim_id"] == df["claim_id"]).fillna(False)]:
        yield t.fail("claim_relations", idx, "target_claim_id", "relation_target", df.at[idx, "claim_id"], "a claim cannot relate to itself")


@rule
def speaker_figures_consistent(t: Tables) -> Iterator[Failure]:
    if not all(n in t.frames for n in ("claims", "claim_events")):
        return
    claims = t.frames["claims"]
    figures = (claims["claim_kind"] == "figure") & (claims["review_status"] != "rejected")
    keys = ["event_id", "speaker_actor_id", "object"]
    # the five columns, then the rows: filtering the whole table first would copy its quotes too
    merged = claims[["claim_id", "speaker_actor_id", "object", "predicate", "value"]][figures].rename_axis("row").reset_index() \
        .merge(t.frames["claim_events"][["claim_id", "event_id"]], on="claim_id").dropna(subset=keys)
    # the most launched per (event, speaker, thing), beside every count shot down or hit of it
    launched = merged[merged["predicate"] == "launched"].groupby(keys, observed=True)["value"].max().rename("launched")
    downed = merged[merged["predicate"].isin(["shot down", "intercepted", "hit"])].merge(launched.reset_index(), on=keys)
    for row in downed[(downed["value"] > downed["launched"]).fillna(False)].sort_values(keys + ["row"]).itertuples():
        yield t.fail("claims", row.row, "value", "speaker_figures_consistent", row.value,
                     f"{row.speaker_actor_id} says {row.value:g} {row.object} {row.predicate} but only "
                     f"{row.launched:g} launched ({row.event_id})")


@rule
def spreadsheet_formula(t: Tables) -> Iterator[Failure]:
    for name, df in t.frames.items():
        for col in df.columns:
            if t.schemas[name].field(col)["type"] != "string":
                continue
            values = _arrow(df[col])
            first = pc.utf8_slice_codeunits(values, 0, 1)
            hits = pc.is_in(first, value_set=pa.array(["=", "+", "-", "@"]))
            if not pc.any(hits).as_py():
                continue
            hits = pc.and_(hits, pc.match_substring_regex(values, r"^[=+\-@][^\d\s.,]"))
            bad = _mask(hits, df.index)
            for idx in df.index[bad]:
                yield t.fail(name, idx, col, "spreadsheet_formula", df.at[idx, col],
                             "starts like a spreadsheet formula; open the CSV as text (see README)")
