"""Typed reading and writing of a table's files: CSV and Parquet with the dtypes derived from
its schema (``Int64``, ``Float64``, ``string``, categoricals with the schema's categories,
``datetime64[s]``), deterministic Parquet bytes, and a content hash independent of the encoding.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from newsclaims.datapackage import csvio
from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.datapackage.schema import Table

PARQUET = {"compression": "zstd", "compression_level": 9, "row_group_size": 65536}


def _arrow_array(series: pd.Series, field: pa.Field) -> pa.Array:
    values = [None if pd.isna(v) else v for v in series.astype(object)]
    if pa.types.is_dictionary(field.type):
        return pa.array([None if v is None else str(v) for v in values], pa.string()).dictionary_encode()
    if pa.types.is_date32(field.type):
        return pa.array([None if v is None else pd.Timestamp(v).date() for v in values], pa.date32())
    return pa.array(values, field.type)


def parquet_bytes(df: pd.DataFrame, table: Table) -> bytes:
    """The table as Parquet bytes, deterministic for the same rows and pyarrow version.

    >>> from newsclaims.datapackage.schema import Table
    >>> t = Table("t", "T", "", [{"name": "id", "type": "string"}], ["id"])
    >>> parquet_bytes(pd.DataFrame({"id": ["b", "a"]}), t)[:4]
    b'PAR1'
    """
    df = csvio.sort_rows(df, table)
    schema = table.arrow_schema()
    arrow = pa.Table.from_arrays([_arrow_array(df[f.name], f) for f in schema], schema=schema)
    # pandas metadata lets readers that go through pandas (frictionless among them) restore
    # nullable integers instead of floats with NaN; the column types stay the explicit ones.
    meta = pa.Table.from_pandas(arrow.to_pandas(types_mapper=csvio.ARROW_TO_PANDAS.get), preserve_index=False).schema.metadata
    arrow = arrow.replace_schema_metadata({b"pandas": meta[b"pandas"]})
    buf = io.BytesIO()
    pq.write_table(arrow, buf, **PARQUET, use_dictionary=True, write_statistics=True)
    return buf.getvalue()


def content_hash(df: pd.DataFrame, table: Table) -> str:
    """sha256 of the rows sorted by primary key, one canonical JSON array of cell texts per line;
    independent of CSV quoting, Parquet encoding and library versions."""
    df = csvio.sort_rows(df, table)
    types = [table.field(c)["type"] for c in table.columns]
    h = hashlib.sha256()
    for row in df.itertuples(index=False, name=None):
        cells = [csvio._cell(v, t) or None for v, t in zip(row, types)]
        h.update((json.dumps(cells, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
    return h.hexdigest()


def _on_categories(column: pa.ChunkedArray, categories: pa.Array) -> pa.ChunkedArray:
    """A dictionary or string column re-encoded on the schema's *categories* as its dictionary,
    all in Arrow (no string per row), so that pandas makes the categorical straight from the
    codes; a value outside them becomes missing, as ``astype`` would."""
    import pyarrow.compute as pc
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column)
    chunks = []
    for chunk in column.chunks:
        codes = pc.take(pc.index_in(chunk.dictionary.cast(pa.string()), value_set=categories), chunk.indices)
        chunks.append(pa.DictionaryArray.from_arrays(codes.cast(pa.int32()), categories))
    return pa.chunked_array(chunks, pa.dictionary(pa.int32(), pa.string()))


def read_parquet_typed(path: Path, table: Table) -> pd.DataFrame:
    """A Parquet table with the dtypes derived from its schema.

    Categoricals are re-encoded on the schema's categories and dates converted in Arrow, and the
    frame is made by one ``to_pandas``, so reading costs about what ``pd.read_parquet`` does.

    >>> import tempfile
    >>> from newsclaims.datapackage.schema import Table
    >>> t = Table("t", "T", "", [{"name": "id", "type": "string"}, {"name": "day", "type": "date"},
    ...     {"name": "kind", "type": "string", "categories": [{"value": "a"}, {"value": "b"}]}], ["id"])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = (Path(d) / "t.parquet").write_bytes(parquet_bytes(pd.DataFrame(
    ...         {"id": ["x", "y"], "day": ["2026-01-02", None], "kind": ["b", None]}), t))
    ...     df = read_parquet_typed(Path(d) / "t.parquet", t)
    >>> [str(df[c].dtype) for c in df], df["kind"].tolist(), str(df["day"][0])
    (['string', 'datetime64[s]', 'category'], ['b', nan], '2026-01-02 00:00:00')
    >>> list(df["kind"].cat.categories)
    ['a', 'b']
    """
    import pyarrow.compute as pc
    arrow = pq.read_table(path).replace_schema_metadata(None)
    by_name = {f["name"]: f for f in table.fields}
    missing = [c for c in table.columns if c not in arrow.column_names]
    if missing:
        raise NewsclaimsError(f"the file has no column {missing[0]!r}", file=path, field=missing[0],
                              hint="Run newsclaims validate on the package.")
    arrow = arrow.select(table.columns)
    for i, name in enumerate(table.columns):
        f, col = by_name[name], arrow.column(i)
        if f.get("categories") and f["type"] == "string":
            arrow = arrow.set_column(i, name, _on_categories(col, pa.array([c["value"] for c in f["categories"]],
                                                                           pa.string())))
        elif f["type"] == "date" and (pa.types.is_date(col.type) or pa.types.is_timestamp(col.type)):
            arrow = arrow.set_column(i, name, pc.cast(col, pa.timestamp("s")))
    frame = arrow.to_pandas(types_mapper=csvio.ARROW_TO_PANDAS.get)
    for name in table.columns:
        if by_name[name]["type"] == "date" and frame[name].dtype != "datetime64[s]":    # dates kept as text
            frame[name] = pd.to_datetime(frame[name]).astype("datetime64[s]")
    return frame


def read_csv_typed(path: Path, table: Table) -> pd.DataFrame:
    """A CSV table with the dtypes derived from its schema."""
    frame, problems, _ = csvio.read_csv_coerced(path, table)
    if problems:
        p = problems[0]
        raise NewsclaimsError(p.message, file=path, line=p.row + 1, field=p.column, hint="Run newsclaims validate on it.")
    return csvio.typed_frame(frame, table)[table.columns]
