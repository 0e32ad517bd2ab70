"""Seed articles and their catalog (``seeds/catalog.csv``): reading, checking and adding.

Seeds are never modified. Each seed's SHA-256 is recorded in the catalog and checked on every
read, so a changed byte is caught before anything is extracted from it.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from urllib.parse import urlsplit
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from newsclaims.datapackage import csvio
from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.datapackage.fsio import atomic_write, fsync_dir, repository_lock
from newsclaims.datapackage.schema import load_package

__all__ = ["CATALOG", "MAX_SEED_BYTES", "Seed", "add_seed", "atomic_write", "decode_seed", "invisible_characters",
           "load_seeds", "read_catalog", "sha256_hex", "source_id_for"]

MAX_SEED_BYTES = 2 * 1024 * 1024
"""Largest seed file accepted by ``add-seed`` (2 MiB: about 300 pages of news text)."""

CATALOG = Path("seeds/catalog.csv")


@dataclass(frozen=True)
class Seed:
    """One seed article: its catalog row and its text."""

    source_id: str
    file: str
    sha256: str
    text: str
    title: str | None
    published_date: date | None
    published_date_precision: str | None

    @property
    def anchor(self) -> date | None:
        """The date relative expressions resolve against: the published day, when known to the day."""
        return self.published_date if self.published_date_precision == "day" else None


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of *data*.

    >>> sha256_hex(b"")[:16]
    'e3b0c44298fc1c14'
    """
    return hashlib.sha256(data).hexdigest()


def source_id_for(sha256: str) -> str:
    """The stable source id of a seed with this SHA-256.

    >>> source_id_for("839120c4e5fd625c9f9dc90951da8b68c6374a6dea3ae5a54f3bf714214588fc")
    'src_839120c4e5fd625c'
    """
    return f"src_{sha256[:16]}"


def decode_seed(data: bytes, file: object) -> str:
    """Check that *data* is a plain UTF-8 text article and return its text.

    >>> decode_seed("Kyiv said.".encode(), "a.txt")
    'Kyiv said.'
    >>> decode_seed(b"ok \\xff", "a.txt")
    Traceback (most recent call last):
    newsclaims.datapackage.errors.NewsclaimsError: a.txt: not valid UTF-8 at byte 3. Convert the file to UTF-8 (e.g. iconv -t UTF-8) and try again.
    """
    if not data.strip():
        raise NewsclaimsError("the file is empty", file=file, hint="Give a file with the article's text.")
    if len(data) > MAX_SEED_BYTES:
        raise NewsclaimsError(f"the file has {len(data):,} bytes, over the {MAX_SEED_BYTES:,}-byte limit for one article",
                              file=file, hint="Split it into one file per article.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NewsclaimsError("the file is UTF-16 (it starts with a byte-order mark)", file=file,
                              hint="Convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8) and try again.")
    if b"\x00" in data:
        nul = data.index(b"\x00")
        raise NewsclaimsError(f"binary data (a NUL byte at offset {nul})", file=file,
                              hint="Give a plain-text article.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NewsclaimsError(f"not valid UTF-8 at byte {exc.start}", file=file,
                              hint="Convert the file to UTF-8 (e.g. iconv -t UTF-8) and try again.") from None
    if text.startswith("\ufeff"):
        raise NewsclaimsError("the file starts with a UTF-8 byte-order mark", file=file,
                              hint="Remove the BOM so that offsets start at the first letter.")
    if re.search(r"<(html|body|div|p|article)\b", text[:4096], re.IGNORECASE):
        raise NewsclaimsError("the file is an HTML page, not plain text", file=file,
                              hint="Save the article's text as plain UTF-8 text and add that.")
    return text


def read_catalog(root: Path, *, table=None) -> pd.DataFrame:
    """The seed catalog as a typed frame, one row per seed; one-line errors for bad rows.

    *table* is the catalog's description (default: read from the repository's ``schemas/``)."""
    table = table if table is not None else load_package(root / "schemas").catalog
    path = root / CATALOG
    text = csvio.read_csv_text(path)
    missing = [c for c in table.columns if c not in text.columns]
    extra = [c for c in text.columns if c not in table.columns]
    if missing or extra:
        raise NewsclaimsError(f"columns differ from schemas/catalog.yaml (missing {missing}, unexpected {extra})",
                              file=path, line=1, hint="Restore the header row.")
    frame, problems = csvio.coerce(text, table)
    for p in problems:
        raise NewsclaimsError(p.message, file=path, line=p.row + 1, field=p.column)
    _check_constraints(text, table, lambda col, i: dict(file=path, line=i + 2, field=col))
    for col in table.columns:
        if table.required(col) and frame[col].isna().any():
            row = int(frame.index[frame[col].isna()][0]) + 1
            raise NewsclaimsError("value is required", file=path, line=row + 1, field=col)
    dup = frame["source_id"].duplicated()
    if dup.any():
        row = int(frame.index[dup][0]) + 1
        raise NewsclaimsError(f"duplicate source_id {frame['source_id'][row - 1]}", file=path, line=row + 1,
                              field="source_id", hint="Each seed is listed once.")
    return frame


def _check_constraints(text: pd.DataFrame, table, where) -> None:
    """Patterns and enums of the catalog's columns (the catalog is read before any validation);
    *where(column, row index)* gives the error's location."""
    for f in table.fields:
        col, rules = f["name"], f.get("constraints", {})
        values = text[col].dropna().astype(str)
        bad = values[~values.str.fullmatch(rules["pattern"])] if "pattern" in rules else values.iloc[:0]
        if "enum" in rules:
            bad = pd.concat([bad, values[~values.isin([str(v) for v in rules["enum"]])]])
        if len(bad):
            raise NewsclaimsError(f"{bad.iloc[0]!r} does not fit the column's rule "
                                  f"({rules.get('pattern') or 'one of ' + ', '.join(map(str, rules['enum']))})",
                                  **where(col, int(bad.index.min())))


def invisible_characters(text: str) -> list[tuple[int, int, str]]:
    """(line, column, code point) of each invisible format character (Unicode category Cf: zero-width
    spaces and joiners, direction marks, soft hyphens...). Inside a number or a name they change what
    extraction reads ("1\u200b76" would be read as 76) while the text looks unchanged.

    >>> invisible_characters("Kyiv said 1\u200b76 drones")
    [(1, 12, 'U+200B')]
    """
    found = []
    for line_no, line in enumerate(text.split("\n"), 1):
        for col, ch in enumerate(line, 1):
            if unicodedata.category(ch) == "Cf":
                found.append((line_no, col, f"U+{ord(ch):04X}"))
    return found


def _value(v):
    return None if pd.isna(v) else v


def load_seeds(root: Path, *, catalog: pd.DataFrame | None = None) -> list[Seed]:
    """Every seed in the catalog, checked against its recorded SHA-256, in source_id order."""
    path = root / CATALOG
    seeds = []
    catalog = catalog if catalog is not None else read_catalog(root)
    for i, row in enumerate(catalog.to_dict("records")):
        line = i + 2
        file = root / row["file"]
        if file.is_symlink() or not file.resolve().is_relative_to((root / "seeds").resolve()):
            raise NewsclaimsError(f"seed file {row['file']} is a link (or leads out of seeds/); seeds are plain files",
                                  file=path, line=line, field="file",
                                  hint="Replace the link by the article's file itself (newsclaims add-seed copies it).")
        try:
            data = file.read_bytes()
        except OSError:
            raise NewsclaimsError(f"seed file {row['file']} is missing", file=path, line=line, field="file",
                                  hint="Restore it from git or remove its catalog row.") from None
        digest = sha256_hex(data)
        if digest != row["sha256"]:
            raise NewsclaimsError(f"{row['file']} has sha256 {digest[:16]}…, the catalog records {row['sha256'][:16]}…",
                                  file=path, line=line, field="sha256",
                                  hint="Seeds are never edited: restore the original file (git checkout -- seeds/).")
        if source_id_for(digest) != row["source_id"]:
            raise NewsclaimsError(f"source_id should be {source_id_for(digest)}", file=path, line=line, field="source_id")
        published = _value(row["published_date"])
        seeds.append(Seed(source_id=row["source_id"], file=row["file"], sha256=digest,
                          text=decode_seed(data, file), title=_value(row["title"]),
                          published_date=published.date() if published is not None else None,
                          published_date_precision=_value(row["published_date_precision"])))
    return sorted(seeds, key=lambda s: s.source_id)


_OPTIONS = {"title": "--title", "publisher": "--publisher", "url": "--url", "published_date": "--published",
            "published_date_precision": "--published-precision", "retrieved_date": "--retrieved",
            "language": "--language", "rights": "--rights"}


def read_article(file: Path) -> bytes:
    """The bytes of an article file to add: a regular file within the size limit, read without
    ever reading more than the limit (a FIFO, a device or /dev/zero is refused before reading)."""
    file = Path(file)
    try:
        st = os.stat(file)
    except OSError as exc:
        raise NewsclaimsError(f"cannot read: {exc.strerror}", file=file) from None
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "a FIFO" if stat.S_ISFIFO(st.st_mode) else \
            "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "not a regular file"
        raise NewsclaimsError(f"this is {kind}, not an article file", file=file, hint="Give a plain-text file.")
    if st.st_size > MAX_SEED_BYTES:
        raise NewsclaimsError(f"the file has {st.st_size:,} bytes, over the {MAX_SEED_BYTES:,}-byte limit for one article",
                              file=file, hint="Split it into one file per article.")
    try:
        with open(file, "rb") as fh:
            data = fh.read(MAX_SEED_BYTES + 1)
    except OSError as exc:
        raise NewsclaimsError(f"cannot read: {exc.strerror}", file=file) from None
    return data


def _check_options(url: str | None, language: str) -> None:
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
            raise NewsclaimsError(f"{url!r} is not a web address (http:// or https:// and a host)", field="--url",
                                  hint="Give the article's full address, e.g. https://example.org/news/123.")
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*", language or ""):
        raise NewsclaimsError(f"{language!r} is not a BCP 47 language tag", field="--language",
                              hint="Use a tag such as en, uk or pt-BR.")


def add_seed(root: Path, file: Path, *, title: str | None = None, publisher: str | None = None,
             url: str | None = None, published_date: str | None = None, published_precision: str = "day",
             retrieved_date: str | None = None, language: str = "en",
             rights: str = "Copyright the original publisher; included for research. Not covered by the dataset licence.",
             allow_invisible: bool = False) -> dict:
    """Copy a plain-text article into ``seeds/`` and append its catalog row.

    Every option and catalog field is checked before anything is written; nothing is written when
    the file is refused. The repository lock is held throughout (waiting up to 30 s for a
    running build or add-seed). A run killed between copying the seed and writing the catalog
    leaves a seed file that the next add-seed of the same article takes over. Returns the new
    catalog row.
    """
    root = Path(root)
    file = Path(file)
    data = read_article(file)
    text = decode_seed(data, file)
    hidden = invisible_characters(text)
    if hidden and not allow_invisible:
        line, col, cp = hidden[0]
        raise NewsclaimsError(f"{len(hidden)} invisible format character(s), the first {cp} at line {line}, column {col}; "
                              "inside a number or name they change what extraction reads", file=file, line=line,
                              hint="Remove them from the text (or pass --allow-invisible if they belong to it).")
    _check_options(url, language)
    with repository_lock(root, wait=30):
        return _add_seed(root, file, data, text, dict(title=title, publisher=publisher, url=url,
                                                      published_date=published_date, published_precision=published_precision,
                                                      retrieved_date=retrieved_date, language=language, rights=rights))


def _add_seed(root: Path, file: Path, data: bytes, text: str, o: dict) -> dict:
    table = load_package(root / "schemas").catalog
    catalog = read_catalog(root, table=table)
    digest = sha256_hex(data)
    sid = source_id_for(digest)
    if (catalog["sha256"] == digest).any():
        existing = catalog.loc[catalog["sha256"] == digest, "file"].iloc[0]
        raise NewsclaimsError(f"this article is already a seed ({existing}, same sha256)", file=file,
                              hint="Nothing to do.")
    for name, option in (("published_date", "--published"), ("retrieved_date", "--retrieved")):
        value = o[name]
        if value is not None:
            try:
                if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
                    raise ValueError
                date.fromisoformat(value)
            except ValueError:
                raise NewsclaimsError(f"{value!r} is not a date (YYYY-MM-DD)", field=option) from None
    if o["published_precision"] not in table.categories("published_date_precision"):
        raise NewsclaimsError(f"unknown precision {o['published_precision']!r}; use one of "
                              f"{', '.join(table.categories('published_date_precision'))}", field="--published-precision")
    numbers = [int(m.group(1)) for f in catalog["file"] if (m := re.match(r"seeds/(\d+)_", f))]
    orphans = sorted(p for p in (root / "seeds").glob(f"*_{digest[:16]}.txt")
                     if p.is_file() and not p.is_symlink() and p.read_bytes() == data)
    name = orphans[0].relative_to(root).as_posix() if orphans else \
        f"seeds/{(max(numbers) + 1) if numbers else 0:03d}_{digest[:16]}.txt"
    first_line = next((ln.strip() for ln in text.splitlines() if ln.strip()), None)
    reasons = [f"{k}: not given when the seed was added" for k in ("publisher", "url", "published_date", "retrieved_date")
               if o[k] is None]
    row = {"source_id": sid, "file": name, "sha256": digest, "title": o["title"] or first_line,
           "publisher": o["publisher"], "url": o["url"], "published_date": o["published_date"],
           "published_date_precision": o["published_precision"] if o["published_date"] else None,
           "retrieved_date": o["retrieved_date"], "language": o["language"], "rights": o["rights"],
           "missing_reason": "; ".join(reasons) or None}
    # The same checks the next build's read of the catalog makes, so it never rejects this row.
    check = pd.DataFrame([{k: (None if v is None else str(v)) for k, v in row.items()}], dtype=object)
    _check_constraints(check, table, lambda col, i: dict(field=_OPTIONS.get(col, col)))
    for col in table.columns:
        if table.required(col) and row.get(col) in (None, ""):
            raise NewsclaimsError("a value is required", field=_OPTIONS.get(col, col))
    new = pd.concat([catalog.astype(object), pd.DataFrame([row])], ignore_index=True)
    target = root / name
    if os.path.lexists(target) and not orphans:
        raise NewsclaimsError(f"{name} exists already and is not this article", file=target,
                              hint="Move the stray file out of seeds/ first.")
    catalog_bytes = csvio.to_csv_bytes(new, table)
    if not orphans:
        atomic_write(target, data)       # a kill after this leaves an orphan the next add-seed takes over
    try:
        atomic_write(root / CATALOG, catalog_bytes)
    except BaseException:
        if not orphans:
            target.unlink(missing_ok=True)
        raise
    fsync_dir(root / "seeds")
    return row
