"""Typed CSV reading and deterministic CSV writing, both driven by a :class:`~newsclaims.schema.Table`.

Writing is byte-stable: columns in schema order, rows sorted by primary key, LF line endings,
integers without a decimal point, numbers in their shortest exact form, dates as ISO 8601.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.datapackage.schema import Table


@dataclass(frozen=True)
class CellProblem:
    """A value that is not of its column's type (found while reading)."""

    row: int          # 1-based data row (the CSV line is row + 1)
    column: str
    value: str
    message: str


def format_number(x: float) -> str:
    """Shortest text that reads back as the same float; integral values without ``.0``.

    >>> format_number(176.0), format_number(2.5), format_number(1e21)
    ('176', '2.5', '1e+21')
    """
    if x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    return repr(x)


def _cell(value: object, ftype: str) -> str:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if ftype == "integer":
        return str(int(value))
    if ftype == "number":
        return format_number(float(value))
    if ftype == "date":
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if ftype == "boolean":
        return "true" if value else "false"
    return str(value)


def _column(values: list, ftype: str) -> list[str]:
    """The cells of one column, as :func:`_cell` writes them; the common values (text, whole
    numbers, missing) take a short path, and each distinct date is formatted once."""
    if ftype == "string":
        return [v if type(v) is str else "" if v is None else _cell(v, ftype) for v in values]
    if ftype == "integer":
        return [str(v) if type(v) is int else "" if v is None else _cell(v, ftype) for v in values]
    if ftype == "date":
        done: dict = {}
        out = []
        for v in values:
            key = (type(v), v) if v is not None and v is not pd.NaT and v is not pd.NA else None
            if key not in done:
                done[key] = _cell(v, ftype)
            out.append(done[key])
        return out
    return [_cell(v, ftype) for v in values]


def sort_rows(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Rows in primary-key order, columns in schema order, a fresh 0..n-1 index."""
    return df[table.columns].sort_values(table.primary_key, kind="stable").reset_index(drop=True)


def to_csv_bytes(df: pd.DataFrame, table: Table) -> bytes:
    """Serialise *df* as the table's canonical CSV (UTF-8, LF, sorted by primary key).

    >>> from newsclaims.datapackage.schema import Table
    >>> t = Table("t", "T", "", [{"name": "id", "type": "string"}, {"name": "n", "type": "number"}], ["id"])
    >>> to_csv_bytes(pd.DataFrame({"n": [2.5, 3.0], "id": ["b", "a"]}), t)
    b'id,n\\na,3\\nb,2.5\\n'
    """
    missing = [c for c in table.columns if c not in df.columns]
    if missing:
        raise NewsclaimsError(f"table {table.name} lacks columns {missing}")
    df = sort_rows(df, table)
    # Format column by column (one pass of plain Python per column), then write rows.
    types = {f["name"]: f["type"] for f in table.fields}
    columns = [_column(df[c].tolist(), types[c]) for c in table.columns]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(zip(*columns))
    return buf.getvalue().encode("utf-8")


def read_csv_text(path: Path) -> pd.DataFrame:
    """Read a CSV as text cells (empty cell -> missing), with one-line errors for unreadable files."""
    return _parse_text(_read_raw(path), path)


def _read_raw(path: Path) -> bytes:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise NewsclaimsError(f"cannot read: {exc.strerror}", file=path) from None
    check_raw(raw, path)
    return raw


def check_raw(raw: bytes, path: Path) -> None:
    """Refuse a CSV's bytes (read from *path*) that hold no header row or a bad one."""
    if not raw or raw.isspace():      # isspace stops at the first other byte: no copy of a big file
        raise NewsclaimsError("empty file: no header row", file=path,
                              hint="Rebuild it with `newsclaims build`.")
    _check_header(raw, path)


def _parse_text(raw: bytes, path: Path) -> pd.DataFrame:
    try:
        # The pyarrow engine is fast, checks UTF-8 and, unlike the default one, refuses rows with
        # too many or too few cells instead of silently truncating or padding them.
        return pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, na_values=[""],
                           encoding="utf-8", engine="pyarrow")
    except (pd.errors.ParserError, ValueError, pa.ArrowException) as exc:
        try:     # the slow, precise diagnosis happens only for a file that failed
            text = raw.decode("utf-8")
        except UnicodeDecodeError as bad:
            raise NewsclaimsError(f"not valid UTF-8 at byte {bad.start}", file=path,
                                  hint="Save the table as UTF-8 CSV.") from None
        line, message = _locate_problem(text)
        raise NewsclaimsError(message or f"not a readable CSV: {str(exc).strip()[:200]}", file=path, line=line,
                              hint="Every row needs one cell per header column; quote cells holding commas.") from None


def read_csv_coerced(path: Path, table: Table, raw: bytes | None = None
                     ) -> tuple[pd.DataFrame, list[CellProblem], list[str]]:
    r"""The table's columns of a CSV in their types, the cells that are not, and the file's header:
    what :func:`read_csv_text` then :func:`coerce` give, value for value.

    Arrow parses the file once and converts each column strictly; only a file with a cell that
    does not convert that way (a type error, or a lenient form such as ``2026-1-2`` or `` 5``)
    is read again as text, so that :func:`coerce` can name each bad cell. *raw* is the file's
    bytes when the caller already has them.

    >>> import tempfile
    >>> t = Table("t", "T", "", [{"name": "n", "type": "integer"}, {"name": "d", "type": "date"}], ["n"])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "t.csv"
    ...     _ = path.write_text("n,d\n1,2026-01-02\n2,\n")
    ...     good, problems, header = read_csv_coerced(path, t)
    ...     _ = path.write_text("n,d\nx,2026-01-02\n")
    ...     bad = read_csv_coerced(path, t)
    >>> good["n"].tolist(), str(good["d"].dtype), problems, header
    ([1, 2], 'datetime64[s]', [], ['n', 'd'])
    >>> bad[1][0].message
    "'x' is not an integer"
    """
    if raw is None:
        raw = _read_raw(path)
    else:
        check_raw(raw, path)
    typed = _strict_arrow_frame(raw, table)
    if typed is not None:
        return typed
    text = _parse_text(raw, path)
    frame, problems = coerce(text[[c for c in table.columns if c in text.columns]], table)
    return frame, problems, list(text.columns)


# The plain forms a typed cell takes in Arrow's fast path; anything else (Arrow's cast alone
# would take "0x1" as 1 and "nan" as a number) is left to the text path and coerce.
_PLAIN = {"integer": r"^-?[0-9]+$", "number": r"^-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$",
          "date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}


def _strict_arrow_frame(raw: bytes, table: Table) -> tuple[pd.DataFrame, list, list[str]] | None:
    """Arrow's typed frame when every cell converts strictly, else None (see read_csv_coerced)."""
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    kinds = {f["name"]: f["type"] for f in table.fields}
    try:
        # Every column as text first: Arrow's typed CSV conversion trims spaces, which coerce
        # does not, so each type is converted below with a strict cast instead.
        arrow = pacsv.read_csv(io.BytesIO(raw), convert_options=pacsv.ConvertOptions(
            column_types={name: pa.large_string() for name in kinds}, null_values=[""], strings_can_be_null=True))
    except pa.ArrowException:
        return None                       # unreadable: the text path says where
    header = arrow.column_names
    if len(set(header)) != len(header) or any(name not in kinds for name in header):
        return None                       # an unexpected column: the text path reports it
    columns = []
    for name in header:
        col, kind = arrow.column(name), kinds[name]
        if kind == "boolean":
            return None                   # no table has one; coerce's case-blind reading stays the rule
        if kind in _PLAIN and pc.any(pc.invert(pc.match_substring_regex(col, _PLAIN[kind]))).as_py():
            return None
        try:
            if kind == "integer":
                col = pc.cast(col, pa.int64())
            elif kind == "number":
                col = pc.cast(col, pa.float64())
            elif kind == "date":
                col = pc.cast(pc.cast(col, pa.date32()), pa.timestamp("s"))
        except pa.ArrowException:
            return None                   # out of range, or no such day: the text path says which
        columns.append(col)
    arrow = pa.table(dict(zip(header, columns)))
    frame = arrow.select([c for c in table.columns if c in header]).to_pandas(types_mapper=ARROW_TO_PANDAS.get)
    return frame, [], list(header)


ARROW_TO_PANDAS = {pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(), pa.bool_(): pd.BooleanDtype(),
                   pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype()}
"""The nullable pandas dtype of each Arrow type a table's column can have (``to_pandas``'s
``types_mapper``); categoricals and dates are made apart."""


def _check_header(raw: bytes, path: Path) -> None:
    """The header row (read from the file's start only): present, UTF-8, unique names."""
    try:
        head = raw[:65536].decode("utf-8", errors="strict" if len(raw) <= 65536 else "ignore")
    except UnicodeDecodeError as exc:
        raise NewsclaimsError(f"not valid UTF-8 at byte {exc.start}", file=path, hint="Save the table as UTF-8 CSV.") from None
    try:
        header = next(csv.reader(io.StringIO(head)))
    except (csv.Error, StopIteration) as exc:
        raise NewsclaimsError(f"unreadable header row ({exc})", file=path, line=1) from None
    seen = set()
    for name in header:
        if name in seen:
            raise NewsclaimsError(f"column {name!r} appears twice in the header", file=path, line=1,
                                  hint="Each column is named once.")
        seen.add(name)


def _locate_problem(text: str) -> tuple[int | None, str | None]:
    """Find the first row whose cell count differs from the header's (slow path, for errors only)."""
    reader = csv.reader(io.StringIO(text))
    try:
        width = len(next(reader))
        for row in reader:
            if row and len(row) != width:
                return reader.line_num, f"{len(row)} cells where the header has {width}"
    except csv.Error as exc:
        return reader.line_num, f"not a readable CSV: {exc}"
    return None, None


def coerce(df: pd.DataFrame, table: Table) -> tuple[pd.DataFrame, list[CellProblem]]:
    """Convert text cells to the table's types; cells that do not convert become missing and are
    reported. Categorical columns stay strings here (validation checks their values).

    >>> from newsclaims.datapackage.schema import Table
    >>> t = Table("t", "T", "", [{"name": "n", "type": "integer"}], ["n"])
    >>> out, problems = coerce(pd.DataFrame({"n": ["1", "x"]}), t)
    >>> out["n"].tolist(), problems[0].value
    ([1, <NA>], 'x')
    """
    out = {}
    problems: list[CellProblem] = []
    for f in table.fields:
        name = f["name"]
        if name not in df.columns:
            continue
        text = df[name].astype("string")
        ftype = f["type"]
        if ftype == "integer":
            num = pd.to_numeric(text, errors="coerce")
            bad = text.notna() & (num.isna() | (num != num.round()))
            col = num.where(~bad).astype("Int64")
            what = "an integer"
        elif ftype == "number":
            num = pd.to_numeric(text, errors="coerce")
            bad = text.notna() & num.isna()
            col = num.astype("Float64")
            what = "a number"
        elif ftype == "date":
            col = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce").astype("datetime64[s]")
            bad = text.notna() & col.isna()
            what = "a date (YYYY-MM-DD)"
        elif ftype == "boolean":
            low = text.str.lower()
            col = low.map({"true": True, "false": False}).astype("boolean")
            bad = text.notna() & col.isna()
            what = "true or false"
        else:
            col, bad, what = text, None, ""
        if bad is not None and bad.any():
            for idx in bad[bad].index:
                problems.append(CellProblem(int(idx) + 1, name, str(text[idx]),
                                            f"{text[idx]!r} is not {what}"))
        out[name] = col
    return pd.DataFrame(out, index=df.index), problems


def typed_frame(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Cast a coerced frame to the table's pandas dtypes (categoricals included)."""
    dtypes = table.pandas_dtypes()
    return df.astype({c: dtypes[c] for c in df.columns if c in dtypes})
