"""The bad-input corpus: every case goes through the command a user would run.

Each case prepares one broken input in a copy of the repository, runs the command, and checks
the promise of the README's "What happens when things go wrong": a non-zero exit, no Python
traceback, an error line that names the file (and line, row or field where there is one) and
what to do, and not one file written, changed or removed.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import shutil
import threading
import zipfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable

import pytest

from helpers import cli, edit_csv, refresh_hashes
from test_load import server  # noqa: F401  (fixture: a real HTTP server serving release 1.0.0)

SEED = "seeds/000_0ef0543dc155b7a5.txt"
REVIEW = "curation/reviews/000_0ef0543dc155b7a5.yaml"


@dataclass
class Case:
    name: str
    prepare: Callable[[Path, Path], list[str]]   # (repo, scratch) -> command-line arguments
    names: tuple[str, ...]                       # what the error must name (file, line, field ...)
    code: int | None = None                      # the exit code, when it is a specific one


def state(*paths: Path) -> dict[str, str]:
    """Every file under *paths* with its digest. The lock file may appear, and so may extraction
    cache entries: a failed build keeps what it extracted (each entry is valid for its key)."""
    found = {}
    for base in paths:
        for p in sorted(base.rglob("*")) if base.exists() else []:
            if p.is_file() and p.name != ".newsclaims.lock" and ".newsclaims-cache" not in p.parts:
                found[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return found


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


# --- seeds ------------------------------------------------------------------------------------

def add_seed(data: bytes | str, name: str = "article.txt"):
    def prepare(repo: Path, scratch: Path) -> list[str]:
        return ["add-seed", str(write(scratch / name, data)), "--root", str(repo)]
    return prepare


def big_seed(repo: Path, scratch: Path) -> list[str]:
    path = scratch / "huge.txt"
    with path.open("wb") as fh:
        line = b"Officials said 12 drones were shot down over the region on Sunday.\n"
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    return ["add-seed", str(path), "--root", str(repo)]


def duplicate_seed(repo: Path, scratch: Path) -> list[str]:
    return ["add-seed", str(write(scratch / "copy.txt", (repo / SEED).read_bytes())), "--root", str(repo)]


def catalog_wrong_sha(repo: Path, scratch: Path) -> list[str]:
    catalog = repo / "seeds" / "catalog.csv"
    text = catalog.read_text(encoding="utf-8")
    sha = hashlib.sha256((repo / SEED).read_bytes()).hexdigest()
    catalog.write_text(text.replace(sha, "0" * 64), encoding="utf-8")
    return ["build", "--root", str(repo)]


def missing_seed(repo: Path, scratch: Path) -> list[str]:
    (repo / SEED).unlink()
    return ["build", "--root", str(repo)]


def catalog_bad_date(repo: Path, scratch: Path) -> list[str]:
    catalog = repo / "seeds" / "catalog.csv"
    replace_in(catalog, ",,,,,,en,", ",,,16/11/2025,day,,en,")
    return ["build", "--root", str(repo)]


# --- curation YAML ----------------------------------------------------------------------------

def curation(path: str, old: str, new: str, command: str = "build"):
    def prepare(repo: Path, scratch: Path) -> list[str]:
        replace_in(repo / path, old, new)
        return [command, "--root", str(repo)]
    return prepare


def duplicate_event(repo: Path, scratch: Path) -> list[str]:
    events = repo / "curation" / "events.yaml"
    text = events.read_text(encoding="utf-8")
    first = text.index("- id: evt_istanbul_agreements_2022")
    second = text.index("\n- id:", first + 1)
    events.write_text(text + "\n" + text[first:second] + "\n", encoding="utf-8")
    return ["build", "--root", str(repo)]


def review_for_missing_seed(repo: Path, scratch: Path) -> list[str]:
    write(repo / "curation" / "reviews" / "999_0000000000000000.yaml",
          "seed: seeds/999_0000000000000000.txt\nclaims: []\n")
    return ["build", "--root", str(repo)]


# --- tables -----------------------------------------------------------------------------------

def table(fn, name: str = "claims"):
    def prepare(repo: Path, scratch: Path) -> list[str]:
        edit_csv(repo, name, fn)
        return ["validate", str(repo), "--no-rows"]
    return prepare


def drop_column(header, rows):
    header.remove("cue")
    for r in rows:
        del r["cue"]


def extra_column(header, rows):
    header.append("mood")
    for r in rows:
        r["mood"] = "calm"


def wrong_type(header, rows):
    rows[2]["char_start"] = "forty"


def duplicate_key(header, rows):
    rows[3]["claim_id"] = rows[1]["claim_id"]


def broken_fk(header, rows):
    rows[1]["source_id"] = "src_0000000000000000"


def quote_mismatch(header, rows):
    rows[0]["quote"] = rows[0]["quote"].replace("a", "o", 1)


def offset_beyond_seed(header, rows):
    rows[0]["char_end"] = str(10_000_000)


def raw_table(data: bytes):
    def prepare(repo: Path, scratch: Path) -> list[str]:
        write(repo / "data" / "claims.csv", data)
        refresh_hashes(repo)
        return ["validate", str(repo), "--no-rows"]
    return prepare


def latin1_table(repo: Path, scratch: Path) -> list[str]:
    path = repo / "data" / "claims.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.replace("’", "'").replace("—", "-").encode("utf-8").replace(b"Zelensky", b"Zelensk\xfd"))
    refresh_hashes(repo)
    return ["validate", str(repo), "--no-rows"]


# --- descriptors ------------------------------------------------------------------------------

def descriptor(fn):
    def prepare(repo: Path, scratch: Path) -> list[str]:
        path = repo / "datapackage.json"
        desc = json.loads(path.read_text(encoding="utf-8"))
        fn(desc)
        path.write_text(json.dumps(desc, indent=2), encoding="utf-8")
        return ["validate", str(repo), "--no-rows"]
    return prepare


def resource(name: str, **changes):
    def fn(desc):
        for r in desc["resources"]:
            if r["name"] == name:
                r.update(changes)
    return descriptor(fn)


def invalid_json(repo: Path, scratch: Path) -> list[str]:
    path = repo / "datapackage.json"
    path.write_text(path.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    return ["validate", str(repo)]


def no_descriptor(repo: Path, scratch: Path) -> list[str]:
    return ["validate", str(scratch / "nothing-here")]


# --- releases and downloads -------------------------------------------------------------------

def release_copy(server_info, scratch: Path) -> Path:
    dest = scratch / "newsclaims-1.0.0"
    shutil.copytree(server_info["release"], dest)
    return dest


def truncated_parquet(repo: Path, scratch: Path, srv) -> list[str]:
    rel = release_copy(srv, scratch)
    path = rel / "data" / "claims.parquet"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return ["validate", str(rel), "--no-rows"]


def evil_zip(kind: str):
    def prepare(repo: Path, scratch: Path, srv) -> list[str]:
        path = scratch / "newsclaims-1.0.0.zip"
        with zipfile.ZipFile(path, "w") as zf:
            for p in sorted(srv["release"].rglob("*")):
                if p.is_file() and p.suffix != ".zip":
                    zf.write(p, f"newsclaims-1.0.0/{p.relative_to(srv['release']).as_posix()}")
            if kind == "traversal":
                zf.writestr("newsclaims-1.0.0/../../escaped.txt", "gotcha")
            elif kind == "absolute":
                zf.writestr("/tmp/newsclaims-absolute.txt", "gotcha")
            else:
                info = zipfile.ZipInfo("newsclaims-1.0.0/data/link.csv")
                info.external_attr = (0o120777 << 16)
                zf.writestr(info, "/etc/passwd")
        return ["validate", str(path)]
    return prepare


def not_a_zip(repo: Path, scratch: Path, srv) -> list[str]:
    return ["validate", str(write(scratch / "newsclaims-1.0.0.zip", b"PK\x03\x04 not really a zip"))]


def fetch(mode: str, index_change: Callable[[dict], None] | None = None, raw_index: bytes | None = None,
          version: str = "1.0.0"):
    def prepare(repo: Path, scratch: Path, srv) -> list[str]:
        index = scratch / "index.json"
        if raw_index is not None:
            index.write_bytes(raw_index)
        else:
            data = json.loads(Path(srv["index"]).read_text(encoding="utf-8"))
            if index_change:
                index_change(data)
            index.write_text(json.dumps(data), encoding="utf-8")
        return ["fetch", version, str(scratch / "got"), "--base-url", f"{srv['url']}/{mode}/",
                "--index", str(index), "--timeout", "0.5"]
    return prepare


def tamper_index_hash(index: dict) -> None:
    for f in index["releases"][0]["files"]:
        if f["path"].endswith(".zip"):
            f["sha256"] = "f" * 64


def served_evil_zip(repo: Path, scratch: Path, srv) -> list[str]:
    """An attacker controls the server *and* the index: the zip matches its hash but is unsafe."""
    assets = scratch / "assets"
    (assets / "newsclaims-1.0.0").mkdir(parents=True)      # laid out as a mirror: a folder per release
    evil_zip("traversal")(repo, assets / "newsclaims-1.0.0", srv)
    zip_path = assets / "newsclaims-1.0.0" / "newsclaims-1.0.0.zip"
    data = json.loads(Path(srv["index"]).read_text(encoding="utf-8"))
    for f in data["releases"][0]["files"]:
        if f["path"].endswith(".zip"):
            f["sha256"] = hashlib.sha256(zip_path.read_bytes()).hexdigest()
            f["bytes"] = zip_path.stat().st_size
    (scratch / "index.json").write_text(json.dumps(data), encoding="utf-8")
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(assets))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.RequestHandlerClass.log_message = lambda *a: None
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return ["fetch", "1.0.0", str(scratch / "got"), "--base-url", f"http://127.0.0.1:{httpd.server_address[1]}/",
            "--index", str(scratch / "index.json"), "--timeout", "2"]


def release_of_invalid_data(repo: Path, scratch: Path) -> list[str]:
    edit_csv(repo, "claims", duplicate_key)
    return ["release", "--version", "9.0.0", "--root", str(repo)]



# --- issue 13: hostile or broken input --------------------------------------------------------

def weakened_descriptor(repo: Path, scratch: Path) -> list[str]:
    """A package that breaks a rule and whose descriptor downgrades every rule to a warning."""
    edit_csv(repo, "claims", quote_mismatch)
    path = repo / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    for rule in desc["newsclaims"]["rules"]:
        rule["severity"] = "warning"
    path.write_text(json.dumps(desc, indent=2), encoding="utf-8")
    return ["validate", str(repo), "--no-rows"]


def sources_outside(command: str):
    def prepare(repo: Path, scratch: Path) -> list[str]:
        write(scratch.parent / "outside.txt", "not a seed")
        path = repo / "datapackage.json"
        desc = json.loads(path.read_text(encoding="utf-8"))
        desc["sources"][0]["path"] = "../scratch/../outside.txt"
        path.write_text(json.dumps(desc, indent=2), encoding="utf-8")
        if command == "release":
            return ["release", "--version", "9.0.0", "--root", str(repo)]
        return ["validate", str(repo), "--no-rows"]
    return prepare


def yaml_edit(path: str, fn, command: str = "build"):
    def prepare(repo: Path, scratch: Path) -> list[str]:
        target = repo / path
        target.write_text(fn(target.read_text(encoding="utf-8")), encoding="utf-8")
        return [command, "--root", str(repo)]
    return prepare


def duplicate_claims_key(text: str) -> str:
    """A second `claims:` list: YAML would keep only the last, dropping every review above it."""
    return text + "\nclaims:\n  - match: {quote: \"We are counting on the resumption of POW exchanges\"}\n    action: confirm\n"


def deep_nesting(text: str) -> str:
    return text + "\nextra: " + "[" * 5000 + "]" * 5000 + "\n"


def event_ends_before_it_starts(text: str) -> str:
    return text.replace('    end: "2022-12-31"', '    end: "2021-12-31"', 1)


def descriptor_resource(fn):
    def change(desc):
        fn(next(r for r in desc["resources"] if r["name"] == "claims"))
    return descriptor(change)


def report_of(prepare_descriptor):
    def prepare(repo: Path, scratch: Path) -> list[str]:
        prepare_descriptor(repo, scratch)
        return ["report", str(repo), "-o", str(scratch / "report.html")]
    return prepare


def odd_zip(kind: str):
    """A release zip damaged or crafted in one way a reader must refuse with one line."""
    def prepare(repo: Path, scratch: Path, srv) -> list[str]:
        path = scratch / "newsclaims-1.0.0.zip"
        entries = [(p, f"newsclaims-1.0.0/{p.relative_to(srv['release']).as_posix()}")
                   for p in sorted(srv["release"].rglob("*")) if p.is_file() and p.suffix != ".zip"]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
            for p, name in entries:
                zf.write(p, name)
            if kind == "windows":
                zf.writestr("newsclaims-1.0.0\\..\\..\\escaped.txt", "gotcha")
        data = bytearray(path.read_bytes())
        if kind == "crc":       # flip a byte inside the stored datapackage.json: its CRC no longer matches
            at = data.index(b'"resources"')
            data[at + 2] ^= 0x20
        elif kind in ("method", "encrypted"):
            for sig, flag_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
                pos = data.find(sig)
                while pos != -1:
                    if kind == "method":
                        data[pos + method_at:pos + method_at + 2] = (99).to_bytes(2, "little")
                    else:
                        data[pos + flag_at] |= 0x01
                    pos = data.find(sig, pos + 4)
        path.write_bytes(bytes(data))
        return ["validate", str(path)]
    return prepare


def zip_bomb(repo: Path, scratch: Path, srv) -> list[str]:
    """A 1 GiB entry of zeros that packs into about 1 MB."""
    path = scratch / "newsclaims-1.0.0.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        info = zipfile.ZipInfo("newsclaims-1.0.0/data/zeros.csv")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as fh:
            block = bytes(1 << 20)
            for _ in range(1024):
                fh.write(block)
    return ["validate", str(path)]


def invisible(repo: Path, scratch: Path) -> list[str]:
    return ["add-seed", str(write(scratch / "zw.txt", "Officials said 1\u200b76 drones were shot down on Sunday.\n")),
            "--root", str(repo)]


def special_file(kind: str):
    def prepare(repo: Path, scratch: Path) -> list[str]:
        if kind == "fifo":
            path = scratch / "pipe.txt"
            os.mkfifo(path)
        else:
            path = Path("/dev/zero")
        return ["add-seed", str(path), "--root", str(repo)]
    return prepare


def symlinked_seed(repo: Path, scratch: Path) -> list[str]:
    outside = write(scratch / "elsewhere.txt", (repo / SEED).read_bytes())
    (repo / SEED).unlink()
    (repo / SEED).symlink_to(outside)
    return ["build", "--root", str(repo)]


def report_into_seeds(repo: Path, scratch: Path) -> list[str]:
    return ["report", str(repo), "-o", str(repo / "seeds" / "report.html")]


def report_over_link(repo: Path, scratch: Path) -> list[str]:
    target = write(scratch / "precious.txt", "keep me")
    (scratch / "out.html").symlink_to(target)
    return ["report", str(repo), "-o", str(scratch / "out.html")]


CASES = [
    # seeds
    Case("seed-empty", add_seed(b""), ("article.txt", "empty")),
    Case("seed-binary", add_seed(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))), ("article.txt", "binary")),
    Case("seed-invalid-utf8", add_seed(b"Kyiv said 12 drones\xff were downed."), ("article.txt", "byte 19")),
    Case("seed-utf16-bom", add_seed("Kyiv said 12 drones were downed.".encode("utf-16")), ("article.txt", "UTF-16")),
    Case("seed-50mb", big_seed, ("huge.txt", "limit")),
    Case("seed-html", add_seed("<!doctype html><html><body><p>Kyiv said.</p></body></html>", "page.html"), ("page.html", "HTML")),
    Case("seed-duplicate", duplicate_seed, ("copy.txt", "already")),
    Case("seed-directory", lambda repo, scratch: ["add-seed", str(scratch), "--root", str(repo)], (str(Path("scratch")),)),
    Case("seed-not-found", lambda repo, scratch: ["add-seed", str(scratch / "nope.txt"), "--root", str(repo)], ("nope.txt",)),
    Case("seed-bad-date-option", lambda repo, scratch: ["add-seed", str(write(scratch / "a.txt", "Kyiv said 12 drones were downed.")),
                                                         "--published", "yesterday", "--root", str(repo)], ("--published", "YYYY-MM-DD")),
    Case("catalog-wrong-sha256", catalog_wrong_sha, ("seeds/catalog.csv:", "sha256")),
    Case("catalog-missing-file", missing_seed, ("seeds/catalog.csv:", "missing")),
    Case("catalog-bad-date", catalog_bad_date, ("seeds/catalog.csv:", "published_date")),
    # curation YAML
    Case("yaml-syntax", curation("curation/events.yaml", "  title: Ukraine and Russia agree in Istanbul",
                                 "  title: [Ukraine and Russia agree in Istanbul"), ("curation/events.yaml:",)),
    Case("yaml-unknown-key", curation(REVIEW, "    action: confirm\n", "    action: confirm\n    mood: happy\n"),
         (REVIEW + ":", "mood")),
    Case("yaml-wrong-type", curation("curation/events.yaml", "  geo_precision: 1", "  geo_precision: one"),
         ("curation/events.yaml:", "geo_precision")),
    Case("yaml-bad-enum", curation(REVIEW, "action: confirm", "action: approve"), (REVIEW + ":", "approve")),
    Case("yaml-duplicate-id", duplicate_event, ("curation/events.yaml:", "evt_istanbul_agreements_2022")),
    Case("yaml-dangling-actor", curation("curation/events.yaml", "{actor: act_turkey, role: mediator}",
                                         "{actor: act_atlantis, role: mediator}"), ("curation/events.yaml:", "act_atlantis")),
    Case("yaml-dangling-event", curation(REVIEW, "events: [evt_istanbul_agreements_2022]",
                                         "events: [evt_moon_landing]"), (REVIEW + ":", "evt_moon_landing")),
    Case("yaml-quote-not-in-seed", curation(REVIEW, '"We are counting on the resumption of POW exchanges"',
                                            '"We are counting on the resumption of tea parties"'), (REVIEW + ":", "tea parties")),
    Case("yaml-figure-outside-quote", curation(REVIEW, 'figure: "176"', 'figure: "9999"'), (REVIEW + ":", "9999")),
    Case("yaml-review-for-missing-seed", review_for_missing_seed, ("999_0000000000000000",)),
    Case("yaml-stale-entry-in-review", curation(REVIEW, '"We are counting on the resumption of POW exchanges"',
                                                '"We are counting on the resumption of tea parties"', "review"),
         (REVIEW + ":", "tea parties")),
    # tables
    Case("table-missing-column", table(drop_column), ("data/claims.csv", "cue")),
    Case("table-extra-column", table(extra_column), ("data/claims.csv", "mood")),
    Case("table-wrong-type", table(wrong_type), ("data/claims.csv:4", "char_start")),
    Case("table-duplicate-key", table(duplicate_key), ("data/claims.csv:5", "claim_id")),
    Case("table-broken-fk", table(broken_fk), ("data/claims.csv:3", "source_id")),
    Case("table-quote-mismatch", table(quote_mismatch), ("data/claims.csv:2", "quote")),
    Case("table-offset-beyond-seed", table(offset_beyond_seed), ("data/claims.csv:2", "char_end")),
    Case("table-empty-file", raw_table(b""), ("data/claims.csv",)),
    Case("table-no-header", lambda repo, scratch: raw_table(
        b"\n".join((repo / "data" / "claims.csv").read_bytes().split(b"\n")[1:]))(repo, scratch), ("data/claims.csv",)),
    Case("table-wrong-encoding", latin1_table, ("data/claims.csv", "UTF-8")),
    Case("table-not-refreshed-hash", lambda repo, scratch: (replace_in(repo / "data" / "actors.csv", "Ukraine", "Ukrayina"),
                                                           ["validate", str(repo), "--no-rows"])[1], ("data/actors.csv", "hash")),
    # descriptors
    Case("descriptor-invalid-json", invalid_json, ("datapackage.json", "JSON")),
    Case("descriptor-missing", no_descriptor, ("nothing-here",)),
    Case("descriptor-wrong-version", descriptor(lambda d: d.update(version="v1.0")), ("datapackage.json", "version")),
    Case("descriptor-hash-mismatch", resource("claims", hash="sha256:" + "0" * 64), ("data/claims.csv", "hash")),
    Case("descriptor-size-mismatch", resource("claims", bytes=12), ("data/claims.csv", "bytes")),
    Case("descriptor-path-parent", resource("claims", path="../claims.csv"), ("datapackage.json", "../claims.csv", "leaves the package")),
    Case("descriptor-path-absolute", resource("claims", path="/etc/passwd"), ("datapackage.json", "/etc/passwd", "leaves the package")),
    Case("descriptor-no-resources", descriptor(lambda d: d.update(resources="none")), ("datapackage.json", "resources")),
    # releases
    Case("release-invalid-data", release_of_invalid_data, ("data/claims.csv", "validate")),
    Case("release-bad-version", lambda repo, scratch: ["release", "--version", "1.0", "--root", str(repo)], ("1.0", "X.Y.Z")),
    Case("release-existing-version", lambda repo, scratch: ["release", "--version", "1.0.0", "--root", str(repo)], ("1.0.0", "already released")),
    # issue 13: descriptors cannot weaken their own validation or escape the package
    Case("descriptor-weakens-rules", weakened_descriptor, ("data/claims.csv", "quote"), code=1),
    Case("descriptor-sources-outside", sources_outside("validate"), ("datapackage.json", "outside.txt", "leaves the package")),
    Case("release-sources-outside", sources_outside("release"), ("datapackage.json", "outside.txt")),
    # issue 13: curation YAML
    Case("yaml-duplicate-key", yaml_edit(REVIEW, duplicate_claims_key), (REVIEW + ":", "'claims'", "twice", "lines 5 and")),
    Case("yaml-impossible-date", curation("curation/events.yaml", 'start: "2022-01-01"', 'start: "2022-02-30"'),
         ("curation/events.yaml:11", "2022-02-30")),
    Case("yaml-non-ascii-digits", curation("curation/events.yaml", 'start: "2022-01-01"', 'start: "\u0662\u0660\u0662\u0662-01-01"'),
         ("curation/events.yaml:11", "date")),
    Case("yaml-date-trailing-newline", curation("curation/events.yaml", 'start: "2022-01-01"', 'start: "2022-01-01\\n"'),
         ("curation/events.yaml:11", "date")),
    Case("yaml-deep-nesting", yaml_edit(REVIEW, deep_nesting), (REVIEW + ":", "nested")),
    Case("yaml-rule-failure-names-entry", yaml_edit("curation/events.yaml", event_ends_before_it_starts),
         ("curation/events.yaml:4", "date"), code=1),
    # issue 13: descriptors that crashed the readers
    Case("descriptor-unknown-hash", resource("claims", hash="sha999:abcd"), ("datapackage.json", "hash", "sha999")),
    Case("descriptor-resource-not-object", descriptor(lambda d: d["resources"].insert(0, "claims")),
         ("datapackage.json", "resources[0]", "object")),
    Case("descriptor-resource-no-name", descriptor(lambda d: d["resources"][0].pop("name")), ("datapackage.json", "resources[0].name")),
    Case("descriptor-unknown-field-type", descriptor_resource(lambda r: r["schema"]["fields"][0].update(type="geopoint")),
         ("datapackage.json", "type", "geopoint")),
    Case("descriptor-invalid-pattern", descriptor_resource(lambda r: r["schema"]["fields"][0].update(constraints={"pattern": "(["})),
         ("datapackage.json", "pattern", "([")),
    Case("descriptor-schema-url", descriptor_resource(lambda r: r.update(schema="https://example.org/schema.json")),
         ("datapackage.json", "schema", "inline")),
    Case("report-unknown-field-type", report_of(descriptor_resource(lambda r: r["schema"]["fields"][0].update(type="geopoint"))),
         ("datapackage.json", "geopoint")),
    Case("report-schema-url", report_of(descriptor_resource(lambda r: r.update(schema="schema.json"))), ("datapackage.json", "inline")),
    # issue 13: input hygiene
    Case("seed-invisible-characters", invisible, ("zw.txt", "U+200B", "line 1, column 17")),
    Case("seed-bad-url", lambda repo, scratch: ["add-seed", str(write(scratch / "a.txt", "Kyiv said 12 drones were downed.")),
                                                "--url", "www.example.org/x", "--root", str(repo)], ("--url", "web address")),
    Case("seed-bad-language", lambda repo, scratch: ["add-seed", str(write(scratch / "a.txt", "Kyiv said 12 drones were downed.")),
                                                     "--language", "English", "--root", str(repo)], ("--language", "BCP 47")),
    Case("seed-fifo", special_file("fifo"), ("pipe.txt", "FIFO")),
    Case("seed-device", special_file("device"), ("/dev/zero", "device")),
    Case("seed-symlink", symlinked_seed, ("seeds/catalog.csv:", "link")),
    # issue 13: versions and written files
    Case("release-pre-release", lambda repo, scratch: ["release", "--version", "1.1.0-rc.1", "--root", str(repo)],
         ("--version", "1.1.0-rc.1", "pre-release")),
    Case("report-into-seeds", report_into_seeds, ("seeds/report.html", "seeds")),
    Case("report-over-link", report_over_link, ("out.html", "link")),
]

DOWNLOAD_CASES = [
    Case("release-truncated-parquet", truncated_parquet, ("data/claims.parquet",)),
    Case("zip-traversal", evil_zip("traversal"), ("newsclaims-1.0.0.zip", "../")),
    Case("zip-absolute", evil_zip("absolute"), ("newsclaims-1.0.0.zip", "/tmp/newsclaims-absolute.txt")),
    Case("zip-symlink", evil_zip("link"), ("newsclaims-1.0.0.zip", "link")),
    Case("zip-not-a-zip", not_a_zip, ("newsclaims-1.0.0.zip", "zip")),
    Case("fetch-404", fetch("notfound"), ("newsclaims-1.0.0.zip", "404")),
    Case("fetch-500", fetch("error"), ("newsclaims-1.0.0.zip", "500")),
    Case("fetch-wrong-hash", fetch("tamper"), ("newsclaims-1.0.0.zip", "sha256")),
    Case("fetch-truncated", fetch("truncate"), ("newsclaims-1.0.0.zip",)),
    Case("fetch-stalled", fetch("slow"), ("newsclaims-1.0.0.zip", "stalled")),
    Case("fetch-tampered-index", fetch("ok", tamper_index_hash), ("newsclaims-1.0.0.zip", "sha256")),
    Case("fetch-index-not-json", fetch("ok", raw_index=b'{"releases": [ '), ("index.json", "JSON")),
    Case("fetch-index-wrong-shape", fetch("ok", raw_index=b'{"releases": 3}'), ("index.json",)),
    Case("fetch-unknown-version", fetch("ok", version="7.7.7"), ("7.7.7", "known versions")),
    Case("fetch-served-evil-zip", served_evil_zip, ("newsclaims-1.0.0.zip", "outside")),
    # issue 13: archives that crashed the reader, and downloads without bounds
    Case("zip-bad-crc", odd_zip("crc"), ("newsclaims-1.0.0.zip", "CRC")),
    Case("zip-unknown-compression", odd_zip("method"), ("newsclaims-1.0.0.zip", "compression")),
    Case("zip-encrypted", odd_zip("encrypted"), ("newsclaims-1.0.0.zip", "encrypted")),
    Case("zip-windows-traversal", odd_zip("windows"), ("newsclaims-1.0.0.zip", "outside")),
    Case("zip-bomb", zip_bomb, ("newsclaims-1.0.0.zip", "unpack to 1,073,741,824 bytes")),
    Case("fetch-trickle", fetch("trickle"), ("newsclaims-1.0.0.zip", "took longer")),
    Case("fetch-endless-body", fetch("endless"), ("newsclaims-1.0.0.zip", "more than")),
]


def check(case: Case, result, watched: dict[str, str], repo: Path, scratch: Path) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"{case.name}: exit 0\n{output}"
    if case.code is not None:
        assert result.returncode == case.code, output
    assert "Traceback" not in output, f"{case.name}: traceback shown\n{output}"
    lines = [line for line in output.splitlines() if all(n in line for n in case.names)]
    assert lines, f"{case.name}: no single line names {case.names}\n{output}"
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) <= 1, f"{case.name}: more than one error line\n{result.stderr}"
    assert state(repo, scratch) == watched, f"{case.name}: files were written or changed\n{output}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_input(case: Case, repo: Path, tmp_path: Path):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    args = case.prepare(repo, scratch)
    watched = state(repo, scratch)
    check(case, cli(*args, cwd=scratch), watched, repo, scratch)


@pytest.mark.parametrize("case", DOWNLOAD_CASES, ids=lambda c: c.name)
def test_bad_download(case: Case, server, repo: Path, tmp_path: Path, monkeypatch):  # noqa: F811
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("NEWSCLAIMS_CACHE", str(tmp_path / "cache"))
    args = case.prepare(repo, scratch, server)
    watched = state(repo, scratch, tmp_path / "cache")
    check(case, cli(*args, cwd=scratch, timeout=120), watched, repo, scratch)
    assert not (scratch / "got").exists(), f"{case.name}: a partial download folder was left behind"
    assert not list(Path("/tmp").glob("newsclaims-absolute.txt")) and not (tmp_path / "escaped.txt").exists()


def test_corpus_is_large_enough():
    assert len(CASES) + len(DOWNLOAD_CASES) >= 40
    assert len({c.name for c in CASES + DOWNLOAD_CASES}) == len(CASES) + len(DOWNLOAD_CASES)


def test_debug_shows_the_traceback(repo: Path, tmp_path: Path):
    args = add_seed(b"")(repo, tmp_path)
    plain, debug = cli(*args), cli("--debug", *args)
    assert plain.returncode == 2 and "Traceback" not in plain.stderr
    assert debug.returncode != 0 and "Traceback" in debug.stderr and "NewsclaimsError" in debug.stderr


def test_the_package_never_unpickles_evaluates_or_loads_yaml_unsafely():
    import re
    from helpers import ROOT
    unsafe = re.compile(r"\bpickle\b|\bmarshal\b|\beval\(|\bexec\(|unsafe_load|yaml\.load\((?!.*Loader=_Loader\b)"
                        r"|FullLoader|UnsafeLoader|allow_pickle=True|shell=True")
    hits = [f"{p.relative_to(ROOT)}:{i}: {line.strip()}" for p in sorted((ROOT / "src").rglob("*.py"))
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if unsafe.search(line)]
    assert not hits, hits
