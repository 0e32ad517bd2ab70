"""newsclaims build and add-seed: reproducible bytes, atomic replacement, refusals."""

from __future__ import annotations

import hashlib

import pytest

from helpers import ROOT, cli
from newsclaims.pipeline.build import build
from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.pipeline.ingest import MAX_SEED_BYTES, add_seed, read_catalog


def snapshot(root):
    files = sorted(p for p in (root / "data").glob("*.csv")) + [root / "datapackage.json"]
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_build_reproduces_the_committed_package_byte_for_byte(repo):
    before = snapshot(repo)
    build(repo)
    assert snapshot(repo) == before == snapshot(ROOT)


def test_build_prints_rows_per_table(repo):
    r = cli("build", "--root", str(repo))
    assert r.returncode == 0, r.stderr
    assert "claims" in r.stdout and "rows" in r.stdout


def test_a_build_with_nothing_changed_has_nothing_to_do_and_any_change_rebuilds(repo):
    """The second of two builds finds every input and output as the first left them: it writes
    nothing. A changed input, a damaged output or --no-cache each rebuild, and the bytes are the
    committed ones again."""
    (repo / "docs").mkdir()
    assert cli("build", "--root", str(repo)).returncode == 0
    data = repo / "data" / "claims.csv"
    stamp = data.stat().st_mtime_ns
    again = cli("build", "--root", str(repo))
    assert again.returncode == 0 and "nothing changed since the last build" in again.stdout, again.stdout
    assert "claims" in again.stdout and data.stat().st_mtime_ns == stamp

    seed = next((repo / "seeds").glob("000_*.txt"))
    seed.write_bytes(seed.read_bytes())                          # same text, a new modification time
    changed = cli("build", "--root", str(repo))
    assert changed.returncode == 0 and "nothing changed" not in changed.stdout
    assert data.stat().st_mtime_ns != stamp

    data.write_text(data.read_text(encoding="utf-8").replace("Zelensky", "Zelenskyy"), encoding="utf-8")
    (repo / "docs" / "report.html").unlink()
    mended = cli("build", "--root", str(repo))
    assert mended.returncode == 0 and "nothing changed" not in mended.stdout
    assert (repo / "docs" / "report.html").is_file() and snapshot(repo) == snapshot(ROOT)
    assert "nothing changed" not in cli("build", "--root", str(repo), "--no-cache").stdout


def test_a_build_with_nothing_to_do_answers_before_loading_the_parser_and_sees_every_file(repo):
    """With nothing changed, a plain ``build`` (or ``build --root``) is answered without importing
    typer; any other option still goes through the parser. The check sees a file added deep in
    docs/ and leaves Python's byte-code caches out."""
    import subprocess
    import sys
    assert cli("build", "--root", str(repo)).returncode == 0
    probe = ("import atexit, sys; from newsclaims.cli import main; sys.argv = ['newsclaims', *sys.argv[1:]]; "
             "atexit.register(lambda: print('typer loaded' if 'typer' in sys.modules else 'typer not loaded')); "
             "main()")

    def run(*args):
        return subprocess.run([sys.executable, "-c", probe, *args], cwd=repo, capture_output=True, text=True,
                              timeout=300)
    for args in (("build",), ("build", "--root", str(repo)), ("build", f"--root={repo}")):
        quick = run(*args)
        assert quick.returncode == 0 and "nothing changed since the last build" in quick.stdout, quick.stderr
        assert "typer not loaded" in quick.stdout, args
    parsed = run("build", "--format", "text")
    assert "nothing changed since the last build" in parsed.stdout and "typer loaded" in parsed.stdout

    cache = repo / "data" / "__pycache__"
    cache.mkdir()
    (cache / "x.pyc").write_bytes(b"")
    assert "nothing changed since the last build" in cli("build", "--root", str(repo)).stdout
    deep = repo / "docs" / "explorer" / "claims" / "extra"
    deep.mkdir(parents=True)
    (deep / "page.html").write_text("<p>not from a build</p>", encoding="utf-8")
    assert "nothing changed" not in cli("build", "--root", str(repo)).stdout


def test_a_build_runs_without_the_cyclic_collector_but_extracts_with_it(repo, monkeypatch):
    """The collector walked millions of live dicts in a large build (half of proposing events):
    a build turns it off, turns it on while spaCy extracts (here and in forked workers, which
    inherit it), and leaves it as it found it, also when the build fails."""
    import gc
    from newsclaims.pipeline import events
    from newsclaims.pipeline.build import Options
    from newsclaims.pipeline.extract import runner
    seen: dict[str, bool] = {}
    real_local, real_propose = runner._local, events.propose

    def local(*a, **kw):
        seen["extracting"] = gc.isenabled()
        return real_local(*a, **kw)

    def propose(*a, **kw):
        seen["proposing"] = gc.isenabled()
        return real_propose(*a, **kw)
    monkeypatch.setattr(runner, "_local", local)
    monkeypatch.setattr(events, "propose", propose)
    assert gc.isenabled()
    build(repo, options=Options(cache=False, jobs=1))
    assert seen == {"extracting": True, "proposing": False} and gc.isenabled()
    monkeypatch.setattr(events, "propose", lambda *a, **kw: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        build(repo, options=Options(jobs=1))
    assert gc.isenabled()


def test_failed_build_leaves_the_previous_package(repo):
    before = snapshot(repo)
    (repo / "gazetteer" / "places.yaml").write_text("- {id: plc_x, name: X}\n")   # missing required keys
    r = cli("build", "--root", str(repo))
    assert r.returncode != 0 and "places.yaml" in r.stderr and "Traceback" not in r.stderr
    assert snapshot(repo) == before
    assert not list(repo.glob(".newsclaims-stage-*"))


def _article(tmp_path, text="Kyiv said 40 drones were shot down overnight.\n", name="a.txt"):
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return p


def test_add_seed_copies_and_catalogs_then_build_extracts_it(repo, tmp_path):
    article = _article(tmp_path, "Drone attack on Kharkiv\n\nUkraine's air force said Russia launched 61 drones overnight.\n")
    row = add_seed(repo, article, publisher="Test Wire", published_date="2025-11-20")
    assert (repo / row["file"]).read_bytes() == article.read_bytes()
    assert row["source_id"] in set(read_catalog(repo)["source_id"])
    build(repo)
    claims = (repo / "data" / "claims.csv").read_text()
    assert row["source_id"] in claims and ",61," in claims


@pytest.mark.parametrize("content,message", [
    (b"", "empty"),
    (b"\x00\x01\x02binary", "binary"),
    ("caf\xe9 latte".encode("latin-1"), "not valid UTF-8 at byte 3"),
    ("Hi".encode("utf-16"), "UTF-16"),
    (b"<html><body><p>Kyiv said.</p></body></html>", "HTML"),
])
def test_add_seed_refuses_bad_files_and_writes_nothing(repo, tmp_path, content, message):
    before = {p.name: p.read_bytes() for p in (repo / "seeds").iterdir()}
    r = cli("add-seed", str(_article(tmp_path, content)), "--root", str(repo))
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert {p.name: p.read_bytes() for p in (repo / "seeds").iterdir()} == before


def test_add_seed_refuses_a_duplicate(repo):
    seed = next((repo / "seeds").glob("000_*.txt"))
    with pytest.raises(NewsclaimsError, match="already a seed"):
        add_seed(repo, seed)


def test_add_seed_refuses_an_oversized_file(repo, tmp_path):
    big = _article(tmp_path, b"a" * (MAX_SEED_BYTES + 1))
    with pytest.raises(NewsclaimsError, match="limit"):
        add_seed(repo, big)


def test_a_build_without_the_cache_extracts_once_and_the_report_shows_extractions_proposals(repo):
    """The report's event proposals (curation set aside) come from the build's own extraction:
    a ``--no-cache`` build neither extracts a second time for them nor writes the extraction
    cache, and they are the proposals of extraction alone, as ``propose-events`` makes them."""
    import re
    from newsclaims.pipeline import events
    (repo / "docs").mkdir()
    r = cli("build", "--root", str(repo), "--no-cache")
    assert r.returncode == 0, r.stderr
    assert not (repo / ".newsclaims-cache" / "extract.sqlite").exists(), "--no-cache wrote the extraction cache"
    page = (repo / "docs" / "report.html").read_text(encoding="utf-8")
    section = page[page.index("What extraction alone proposes"):page.index("Claims per source")]
    shown = set(re.findall(r"<td>(evt_auto_\w+)</td>", section))
    alone, _ = events.proposals_of(repo)
    assert shown == {p.event_id for p in alone} and len(shown) >= 2
    assert page == (ROOT / "docs" / "report.html").read_text(encoding="utf-8")


def test_a_large_build_proposes_for_the_report_in_a_process_beside_it(repo, monkeypatch):
    """From BESIDE_FROM seeds on, a build proposes events for the report (extraction alone) in a
    spawned process while it curates, relates, writes and validates: this process proposes
    once (with curation), the report is the committed one, and no process is left behind."""
    import multiprocessing
    from newsclaims.pipeline import build as building, events
    from newsclaims.publish.docs import write_docs
    if (__import__("os").cpu_count() or 1) < 2:
        pytest.skip("one core: the report's proposals are made in the build's process")
    monkeypatch.setattr(building, "BESIDE_FROM", 0)
    (repo / "docs").mkdir()
    calls = []
    real = events.propose_extracted
    monkeypatch.setattr(events, "propose_extracted", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    build(repo, docs=write_docs)
    assert len(calls) == 1
    assert (repo / "docs" / "report.html").read_bytes() == (ROOT / "docs" / "report.html").read_bytes()
    assert multiprocessing.active_children() == []
    monkeypatch.setattr(building, "BESIDE_FROM", 10**6)
    build(repo, docs=write_docs)
    assert len(calls) == 3            # below it, both in this process
    made = []
    real_alone = building._Alone
    monkeypatch.setattr(building, "_Alone", lambda *a, **kw: made.append(1) or real_alone(*a, **kw))
    __import__("shutil").rmtree(repo / "docs")
    build(repo, docs=write_docs)
    assert made == [] and len(calls) == 4     # no docs/ to write: no proposals for a report


def test_jobs_bounds_every_process_a_build_starts(repo, monkeypatch):
    """``--jobs 1`` keeps a build to its own process: no helper for the report's proposals and
    the explorer written in this process, even on a machine with more cores. With ``--jobs 2``
    and no cache, the report's proposals are still made beside the build (from its extractions,
    copied before curation), so this process proposes once; the output is the committed one either way."""
    import multiprocessing
    from newsclaims.datapackage import workers
    from newsclaims.pipeline import build as building, events
    from newsclaims.pipeline.build import Options
    from newsclaims.publish import explore
    from newsclaims.publish.docs import write_docs
    monkeypatch.setattr(building, "BESIDE_FROM", 0)
    monkeypatch.setattr(explore, "PARALLEL_FROM", 0)
    pools, calls = [], []
    for module in (building, workers):
        real_pool = module.spawn_pool
        monkeypatch.setattr(module, "spawn_pool", lambda n, real_pool=real_pool: pools.append(n) or real_pool(n))
    real = events.propose_extracted
    monkeypatch.setattr(events, "propose_extracted", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    (repo / "docs").mkdir()
    build(repo, docs=write_docs, options=Options(jobs=2, cache=False))
    assert pools == [1, 2] and len(calls) == 1     # the report's helper, then the explorer's two writers
    assert not (repo / ".newsclaims-cache" / "extract.sqlite").exists(), "--no-cache wrote the extraction cache"
    assert (repo / "docs" / "report.html").read_bytes() == (ROOT / "docs" / "report.html").read_bytes()
    assert multiprocessing.active_children() == []
    (repo / "docs" / "report.html").unlink()
    build(repo, docs=write_docs, options=Options(jobs=1))
    assert pools == [1, 2] and len(calls) == 3     # nothing more started; both proposals made here
    assert snapshot(repo) == snapshot(ROOT)
    assert (repo / "docs" / "report.html").read_bytes() == (ROOT / "docs" / "report.html").read_bytes()


def test_a_finished_build_ends_without_the_interpreters_teardown(repo):
    """A build that wrote, committed and printed everything ends at once: the exit handlers run
    and the output is complete, but the objects left in memory are not freed one by one (a
    10,000-article build spent about 10 s on that), and nothing is said on stderr."""
    import subprocess
    import sys
    (repo / "docs").mkdir()
    script = ("import atexit, builtins, sys\n"
              "class Held:\n"
              "    def __del__(self): print('freed at teardown', flush=True)\n"
              "builtins._held = Held()\n"
              "atexit.register(print, 'exit handlers ran')\n"
              "from newsclaims.cli import main\n"
              "main(sys.argv[1:])\n")
    done = subprocess.run([sys.executable, "-c", script, "build", "--root", str(repo)], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert "valid" in done.stdout and "exit handlers ran" in done.stdout
    assert "freed at teardown" not in done.stdout
    assert "Traceback" not in done.stderr and "leaked" not in done.stderr and "Exception ignored" not in done.stderr
    assert (repo / "docs" / "report.html").is_file() and snapshot(repo) == snapshot(ROOT)
    failed = subprocess.run([sys.executable, "-c", script, "build", "--root", str(repo / "nowhere")],
                            capture_output=True, text=True, timeout=600)
    assert failed.returncode != 0 and "freed at teardown" in failed.stdout     # only a finished build
