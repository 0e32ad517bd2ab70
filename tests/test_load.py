"""newsclaims.load and newsclaims fetch against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from helpers import cli
from newsclaims import load
from newsclaims.datapackage.errors import NewsclaimsError
from test_release import DAY, fresh_repo
from newsclaims.publish.release import release

TIMEOUT = 0.5


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves release assets from a flat folder; the first path segment picks a behaviour:
    ok, tamper, notfound, error, truncate, slow, trickle (a byte every 50 ms, for at most 60 s)
    and endless (zeros without a length, at most 64 MiB). Every request is recorded in ``hits``
    and the bytes sent in ``sent``."""

    assets: Path = Path()
    hits: list = []
    sent: list = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        mode, _, name = self.path.lstrip("/").partition("/")
        name = name.rpartition("/")[2]          # the files are flat, whatever folders the URL names
        self.hits.append((mode, name))
        path = self.assets / name
        if mode in ("trickle", "endless") and path.is_file():
            return self._unbounded(mode, path)
        if mode == "notfound" or not path.is_file():
            return self.send_error(404)
        if mode == "error":
            return self.send_error(500)
        body = path.read_bytes()
        if mode == "slow":
            time.sleep(TIMEOUT * 4)
        if mode == "tamper" and name.endswith((".parquet", ".zip")):
            body = body[:-10] + b"0123456789"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body[: len(body) // 2] if mode == "truncate" and name.endswith((".parquet", ".zip")) else body)
        except (BrokenPipeError, ConnectionResetError):
            pass


def _unbounded(self, mode: str, path: Path) -> None:
    self.send_response(200)
    if mode == "trickle":
        body = path.read_bytes()
        self.send_header("Content-Length", str(len(body)))
    self.end_headers()
    begin, total = time.monotonic(), 0
    try:
        while time.monotonic() - begin < 60 and total < 64 << 20:
            chunk = body[total:total + 1] if mode == "trickle" else bytes(1 << 16)
            if not chunk:
                break
            self.wfile.write(chunk)
            self.wfile.flush()
            total += len(chunk)
            if mode == "trickle":
                time.sleep(0.05)
    except (BrokenPipeError, ConnectionResetError):
        pass
    self.sent.append((mode, total))


Handler._unbounded = _unbounded


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("served")
    repo = fresh_repo(base / "repo")
    release(repo, version="1.0.0", day=DAY)
    rel = repo / "dist" / "newsclaims-1.0.0"
    assets = base / "assets"
    assets.mkdir()
    for p in rel.rglob("*"):
        if p.is_file() and p.parent.name != "seeds":
            shutil.copyfile(p, assets / p.name)
    handler = type("H", (Handler,), {"assets": assets})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{httpd.server_address[1]}", "index": repo / "releases" / "index.json",
           "release": rel, "handler": handler}
    httpd.shutdown()
    httpd.server_close()


def remote(server, mode, cache, **kw):
    # Only the slow and stalling modes need the short timeout; a well-behaved server gets a generous
    # one, so a loaded machine does not turn a good download into a timeout.
    timeout = kw.pop("timeout", 30 if mode == "ok" else TIMEOUT)
    return load("1.0.0", base_url=f"{server['url']}/{mode}/", cache_dir=cache, index=server["index"], timeout=timeout, **kw)


def test_happy_path_typed_frames_equal_the_local_release(server, tmp_path):
    ds = remote(server, "ok", tmp_path)
    local = load(server["release"])
    assert ds.version == "1.0.0" and ds.descriptor["version"] == "1.0.0"
    for name in local.tables:
        pd.testing.assert_frame_equal(ds.frames[name], local.frames[name])
    assert str(ds.claims["char_start"].dtype) == "Int64"
    assert list(ds.claims["attribution_type"].cat.categories) == ["direct_quote", "indirect", "according_to", "unattributed"]
    assert str(ds.events["date_start"].dtype) == "datetime64[s]"


def test_csv_and_parquet_give_equal_frames(server, tmp_path):
    a = remote(server, "ok", tmp_path / "a", format="parquet")
    b = remote(server, "ok", tmp_path / "b", format="csv")
    for name in a.tables:
        pd.testing.assert_frame_equal(a.frames[name], b.frames[name], check_exact=True)


def test_cache_hit_needs_no_server(server, tmp_path):
    remote(server, "ok", tmp_path)
    ds = load("1.0.0", base_url="http://127.0.0.1:9/", cache_dir=tmp_path, index=server["index"], timeout=TIMEOUT)
    assert len(ds.claims) > 0


def test_uncached_version_without_network_says_so(server, tmp_path):
    with pytest.raises(NewsclaimsError, match="no connection") as exc:
        load("1.0.0", base_url="http://127.0.0.1:9/", cache_dir=tmp_path, index=server["index"], timeout=TIMEOUT)
    assert "newsclaims fetch" in str(exc.value)


def test_tampered_download_is_refused_and_removed(server, tmp_path):
    with pytest.raises(NewsclaimsError, match="sha256 mismatch") as exc:
        remote(server, "tamper", tmp_path, tables=["claims"])
    message = str(exc.value)
    assert "claims.parquet" in message and message.count("expected") == 1
    assert not (tmp_path / "1.0.0" / "data" / "claims.parquet").exists()


def test_tampered_cached_file_is_detected_and_replaced(server, tmp_path):
    remote(server, "ok", tmp_path, tables=["claims"])
    cached = tmp_path / "1.0.0" / "data" / "claims.parquet"
    good = cached.read_bytes()
    cached.write_bytes(good[:-1] + b"X")
    ds = remote(server, "ok", tmp_path, tables=["claims"])
    assert cached.read_bytes() == good and len(ds.claims) > 0


@pytest.mark.parametrize("mode,message", [("notfound", "HTTP 404"), ("error", "HTTP 500")])
def test_http_errors(server, tmp_path, mode, message):
    with pytest.raises(NewsclaimsError, match=message):
        remote(server, mode, tmp_path)


def test_truncated_body(server, tmp_path):
    with pytest.raises(NewsclaimsError, match="claims.parquet|sha256 mismatch|failed"):
        remote(server, "truncate", tmp_path, tables=["claims"])
    assert not (tmp_path / "1.0.0" / "data" / "claims.parquet").exists()


def test_stalled_server_gives_up_in_bounded_time(server, tmp_path):
    start = time.monotonic()
    with pytest.raises(NewsclaimsError, match="stalled"):
        remote(server, "slow", tmp_path)
    assert time.monotonic() - start < 60


def test_unknown_version_lists_known_ones(server, tmp_path):
    with pytest.raises(NewsclaimsError, match="known versions: 1.0.0"):
        load("9.9.9", cache_dir=tmp_path, index=server["index"])


def test_fetch_command_downloads_and_verifies(server, tmp_path):
    dest = tmp_path / "got"
    r = cli("fetch", "1.0.0", str(dest), "--base-url", f"{server['url']}/ok/", "--index", str(server["index"]))
    assert r.returncode == 0, r.stderr
    assert (dest / "datapackage.json").exists() and (dest / "data" / "claims.parquet").exists()
    assert load(dest).version == "1.0.0"
    again = cli("fetch", "1.0.0", str(dest), "--base-url", f"{server['url']}/ok/", "--index", str(server["index"]))
    assert again.returncode == 2 and "not empty" in again.stderr


def test_load_from_zip_and_repository(server):
    zipped = load(server["release"] / "newsclaims-1.0.0.zip")
    assert zipped.version == "1.0.0"
    repo = load(Path(__file__).resolve().parents[1], tables=["events"])
    assert set(repo.tables) == {"events"}


def test_joins(server):
    ds = load(server["release"])
    joined = ds.claims_with_sources()
    assert len(joined) == len(ds.claims) and {"speaker_name", "source_title"} <= set(joined.columns)
    ev = ds.events_with_claims()
    assert set(ev["event_id"]) == set(ds.events["event_id"])


def readme_examples() -> dict[str, str]:
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    out = {}
    for block in text.split("<!-- example: ")[1:]:
        name, _, rest = block.partition(" -->")
        out[name] = rest.split("```python\n", 1)[1].split("```", 1)[0]
    return out


@pytest.mark.parametrize("name", ["newsclaims", "pandas", "duckdb", "polars"])
def test_readme_loading_examples_run(server, tmp_path, name):
    import os
    import subprocess
    import sys
    code = readme_examples()[name]
    shutil.copytree(server["release"], tmp_path / "newsclaims-1.0.0")
    env = {**os.environ, "NEWSCLAIMS_BASE_URL": f"{server['url']}/ok/", "NEWSCLAIMS_INDEX": str(server["index"]),
           "NEWSCLAIMS_CACHE": str(tmp_path / "cache")}
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip()


# --- issue 13: bounded downloads and a cache that is proven, not assumed ------------------------

def test_a_404_is_not_retried(server, tmp_path):
    handler = server["handler"]
    before = len(handler.hits)
    with pytest.raises(NewsclaimsError, match="404"):
        remote(server, "notfound", tmp_path, tables=["claims"])
    assert [h for h in handler.hits[before:] if h[0] == "notfound"] == [("notfound", "datapackage.json")]


def test_an_endless_body_is_cut_at_the_size_the_index_records(server, tmp_path):
    handler = server["handler"]
    before = len(handler.sent)
    with pytest.raises(NewsclaimsError, match="more than the .* bytes the index records"):
        remote(server, "endless", tmp_path, tables=["claims"])
    time.sleep(0.5)          # the handler records what it sent once the client hung up
    sent = [n for mode, n in handler.sent[before:] if mode == "endless"]
    assert sent and max(sent) < 16 << 20, f"the server sent {sent} bytes before the client stopped"
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert not leftovers, f"a partial download was left in the cache: {leftovers}"


def test_a_same_size_same_mtime_edit_of_a_cached_file_is_caught(server, tmp_path):
    original = remote(server, "ok", tmp_path, format="csv", tables=["claims"])
    cached = tmp_path / "1.0.0" / "data" / "claims.csv"
    st = cached.stat()
    data = cached.read_bytes()
    at = data.index(b",176,")
    cached.write_bytes(data[:at] + b",977," + data[at + 5:])          # same size
    os.utime(cached, ns=(st.st_atime_ns, st.st_mtime_ns))           # same mtime
    again = remote(server, "ok", tmp_path, format="csv", tables=["claims"])
    pd.testing.assert_frame_equal(again.claims, original.claims)
    assert cached.read_bytes() == data, "the tampered cached file was not replaced by the published one"


def test_pre_release_versions_in_an_index_sort_by_semver_and_latest_stays_stable(server, tmp_path):
    from newsclaims.reader.fetch import _entry
    from newsclaims.publish.release import previous_release
    index = json.loads(Path(server["index"]).read_text(encoding="utf-8"))
    stable_entry = index["releases"][0]
    index["releases"] = [{**stable_entry, "version": v} for v in ("0.9.0", "1.0.0-rc.2", "1.0.0-rc.10")] + [stable_entry]
    assert _entry(index, "latest")["version"] == "1.0.0"
    assert _entry(index, "1.0.0-rc.10")["version"] == "1.0.0-rc.10"
    (tmp_path / "dist" / "newsclaims-1.0.0").mkdir(parents=True)
    assert previous_release(tmp_path, index)[0] == "1.0.0"
    result = cli("fetch", "latest", str(tmp_path / "got"), "--base-url", f"{server['url']}/ok/",
                 "--index", str(_write(tmp_path / "index.json", index)), "--timeout", "2")
    assert result.returncode == 0, result.stderr


def _write(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_loading_a_release_imports_none_of_the_building_machinery(server):
    code = ("import sys, newsclaims; ds = newsclaims.load(sys.argv[1]); assert len(ds.claims) > 0; "
            "print('\\n'.join(sorted(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code, str(server["release"])], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    loaded = set(result.stdout.split())
    heavy = sorted(m for m in loaded if m.split(".")[0] in ("spacy", "matplotlib", "frictionless", "pandera", "dask")
                   or m.startswith(("newsclaims.pipeline", "newsclaims.publish", "newsclaims.cli",
                                    "newsclaims.datapackage.validate")))
    assert not heavy, heavy
    assert "newsclaims.reader.load" in loaded     # the check looked at the right process


def test_parquet_read_as_the_schemas_dtypes_across_row_groups_with_their_own_dictionaries(tmp_path):
    """Each row group of a Parquet file has its own dictionary (and a file from elsewhere may hold
    plain strings and values outside the schema's categories): the frame still has exactly the
    schema's categories, missing where a value is outside them."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from newsclaims.datapackage.schema import Table
    from newsclaims.datapackage.tableio import read_parquet_typed
    table = Table("t", "T", "", [{"name": "id", "type": "string"}, {"name": "n", "type": "integer"},
                                 {"name": "day", "type": "date"},
                                 {"name": "kind", "type": "string", "categories": [{"value": "b"}, {"value": "a"}]}],
                  ["id"])
    kinds = ["a", None, "b", "zz", "b", "a", "a", None, "zz"]
    numbers = [i if i % 3 else None for i in range(9)]
    days = [date(2026, 1, 1 + i % 5) for i in range(9)]
    for encoded in (True, False):
        arrow = pa.table({"id": pa.array([f"r{i}" for i in range(9)]), "n": pa.array(numbers, pa.int64()),
                          "day": pa.array(days, pa.date32()), "kind": pa.array(kinds, pa.string())})
        if encoded:
            arrow = arrow.set_column(3, "kind", arrow.column("kind").dictionary_encode())
        path = tmp_path / f"t{encoded}.parquet"
        pq.write_table(arrow, path, row_group_size=2)
        assert pq.ParquetFile(path).num_row_groups == 5
        frame = read_parquet_typed(path, table)
        assert list(frame.columns) == ["id", "n", "day", "kind"]
        assert [str(t) for t in frame.dtypes] == ["string", "Int64", "datetime64[s]", "category"]
        assert list(frame["kind"].cat.categories) == ["b", "a"]
        assert frame["kind"].cat.codes.tolist() == [1, -1, 0, -1, 0, 1, 1, -1, -1]
        assert [None if pd.isna(v) else v for v in frame["n"]] == numbers
        assert frame["day"].dt.strftime("%Y-%m-%d").tolist() == [d.isoformat() for d in days]
