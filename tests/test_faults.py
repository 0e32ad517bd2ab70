"""Interrupted and concurrent runs: SIGKILL at random moments, and two runs at once.

After every kill the repository must hold either the complete old state or the complete new one,
and ``newsclaims validate`` (which first finishes or undoes what the killed run left) must pass.
"""

from __future__ import annotations

import hashlib
import os
import random
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock

from typer.testing import CliRunner

from helpers import ROOT, cli
from newsclaims.cli.app import app
from test_release import fresh_repo

# Kills per command; 8 keep the whole suite near 10 minutes on 2 cores (these two tests are its
# longest). Set NEWSCLAIMS_TEST_KILLS for a longer soak (the delays are seeded, so any count is
# reproducible).
KILLS = int(os.environ.get("NEWSCLAIMS_TEST_KILLS", "8"))
runner = CliRunner()
REJECT = """  - match: {quote: "We are counting on the resumption of POW exchanges"}
    action: confirm"""
REJECTED = """  - match: {quote: "We are counting on the resumption of POW exchanges"}
    action: reject
    reason: A test changes the curation so that a build has something new to write."""


def snapshot(repo: Path, parts: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for part in parts:
        base = repo / part
        paths = sorted(base.rglob("*")) if base.is_dir() else [base] if base.exists() else []
        for p in paths:
            if p.is_file() and not p.is_symlink():
                found[p.relative_to(repo).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
            elif p.is_dir() and p != base and not any(p.iterdir()):
                found[p.relative_to(repo).as_posix() + "/"] = "empty dir"
    return found


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newsclaims", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def timed_run(*args: str) -> float:
    begin = time.monotonic()
    proc = start(*args)
    assert proc.wait(timeout=600) == 0
    return time.monotonic() - begin


def kill_at_random_moments(repo: Path, pristine: Path, args: list[str], old: dict, new: dict, parts, label: str):
    """SIGKILL the command at KILLS random moments; after each, check old-or-new and validate.

    The delays are stratified over 0.3-1.0 of a whole run, one per stratum, so the late moments
    around the commit point are always tried. A run that finishes before its kill shortens the
    whole-run time the strata scale to; when no run got past its commit (later runs can be slower
    than the timed one), later moments are tried until one does.
    """
    shutil.copytree(pristine, repo, symlinks=True)
    duration = timed_run(*args)               # one whole run on this machine sets the range of delays
    rng = random.Random(20251116)
    outcomes = []
    while (kills := sum(code == -signal.SIGKILL for _, code, _ in outcomes)) < KILLS or \
            ("new" not in {s for _, _, s in outcomes} and len(outcomes) < 2 * KILLS):
        assert len(outcomes) < 3 * KILLS, f"{label}: runs keep finishing before the kill: {outcomes}"
        shutil.rmtree(repo)
        shutil.copytree(pristine, repo, symlinks=True)
        if kills < KILLS:
            delay = (0.3 + 0.7 * (kills + rng.random()) / KILLS) * duration
        else:
            delay = rng.uniform(0.9, 1.3) * duration
        proc, begin = start(*args), time.monotonic()
        try:
            code = proc.wait(timeout=delay)
            # It finished before the kill: runs are faster than the timed one (a warm disk cache),
            # so later delays scale to this run, or the late strata would never land a kill.
            duration = min(duration, time.monotonic() - begin)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            code = proc.wait()
        check = runner.invoke(app, ["validate", str(repo), "--no-rows"])   # recovers first, as a user's would
        now = snapshot(repo, parts)
        state = "old" if now == old else "new" if now == new else "mixed"
        outcomes.append((round(delay, 2), code, state))
        assert state != "mixed", f"{label} killed after {delay:.2f}s left a mixed state: " \
                                 f"{sorted(set(now.items()) ^ set(old.items()))[:6]}"
        assert check.exit_code == 0, f"{label} killed after {delay:.2f}s: validate failed\n{check.output}"
        leftovers = [p for p in [*repo.glob(".newsclaims-*"), *repo.glob("dist/.*"), *repo.glob("releases/.*"),
                                 *repo.glob(".*.tmp")] if p.name != ".newsclaims-cache"]   # the cache is no state
        assert not leftovers, f"{label} killed after {delay:.2f}s: {leftovers} left behind after recovery"
    print(f"{label}: a whole run takes {duration:.2f}s; (delay, exit, state): {outcomes}")
    assert {s for _, _, s in outcomes} == {"old", "new"}, f"{label}: never saw one of the states: {outcomes}"


def change_curation(repo: Path) -> Path:
    """Reject one claim, so that the next build has something new to write."""
    review = next((repo / "curation" / "reviews").glob("000_*.yaml"))
    review.write_text(review.read_text(encoding="utf-8").replace(REJECT, REJECTED), encoding="utf-8")
    return repo


def build_states(tmp_path: Path, parts: tuple[str, ...]) -> tuple[Path, dict, dict]:
    """A repository (with docs/) whose next build changes *parts*, and their old and new snapshots."""
    pristine = fresh_repo(tmp_path / "pristine")
    shutil.copytree(ROOT / "docs", pristine / "docs")      # docs are part of what a build commits
    change_curation(pristine)
    old = snapshot(pristine, parts)
    done = tmp_path / "done"
    shutil.copytree(pristine, done)
    assert cli("build", "--root", str(done)).returncode == 0
    new = snapshot(done, parts)
    assert new != old
    return pristine, old, new


def test_build_killed_at_random_moments_leaves_old_or_new(tmp_path: Path):
    parts = ("data", "datapackage.json", "docs")
    pristine, old, new = build_states(tmp_path, parts)
    repo = tmp_path / "repo"
    kill_at_random_moments(repo, pristine, ["build", "--root", str(repo)], old, new, parts, "build")


def test_release_killed_at_random_moments_leaves_old_or_new(tmp_path: Path):
    pristine = fresh_repo(tmp_path / "pristine")
    parts = ("data", "datapackage.json", "dist", "releases", "CHANGELOG.md")
    old = snapshot(pristine, parts)
    args = ["release", "--version", "1.0.0", "--date", "2026-11-22", "--root"]
    done = tmp_path / "done"
    shutil.copytree(pristine, done)
    assert cli(*args, str(done)).returncode == 0
    new = snapshot(done, parts)
    assert any(k.startswith("dist/newsclaims-1.0.0/") for k in new) and new != old
    repo = tmp_path / "repo"
    kill_at_random_moments(repo, pristine, [*args, str(repo)], old, new, parts, "release")


@pytest.mark.parametrize("command", [["build"], ["release", "--version", "1.0.0"]])
def test_a_second_run_fails_clearly_while_the_first_holds_the_lock(tmp_path: Path, command):
    repo = fresh_repo(tmp_path / "repo")
    before = snapshot(repo, ("data", "datapackage.json", "dist", "releases"))
    with FileLock(str(repo / ".newsclaims.lock")):
        second = cli(*command, "--root", str(repo))
    assert second.returncode == 2 and "Traceback" not in second.stderr
    assert "another build or release is running" in second.stderr and ".newsclaims.lock" in second.stderr
    assert snapshot(repo, ("data", "datapackage.json", "dist", "releases")) == before
    assert cli(*command, "--root", str(repo)).returncode == 0, "the lock was not free after the first run ended"


def test_two_builds_started_together_never_interleave(tmp_path: Path):
    repo = change_curation(fresh_repo(tmp_path / "repo"))
    procs = [subprocess.Popen([sys.executable, "-m", "newsclaims", "build", "--root", str(repo)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes[0] == 0, results
    if codes[1] != 0:       # the second lost the race for the lock: it says so and changes nothing
        assert any("another build or release is running" in e for _, e in results), results
    assert cli("validate", str(repo), cwd=repo).returncode == 0


def test_the_lock_is_released_when_a_run_fails(tmp_path: Path):
    repo = fresh_repo(tmp_path / "repo")
    (repo / "curation" / "events.yaml").write_text("- {id: broken\n", encoding="utf-8")
    assert cli("build", "--root", str(repo)).returncode != 0
    lock = FileLock(str(repo / ".newsclaims.lock"))
    lock.acquire(timeout=0)     # raises Timeout if the failed run still held it
    lock.release()


# --- issue 13: nothing lost ---------------------------------------------------------------------

TREE = ("data", "datapackage.json", "docs", "seeds", "curation", "dist", "releases")


def _repo_with_docs(path: Path) -> Path:
    repo = fresh_repo(path)
    shutil.copytree(ROOT / "docs", repo / "docs")
    return repo


def _one_error_line(result) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("journal", [b"", b"src_tor", b'{"kind": "newsclaims-swap", "stage": "..", "paths": ["data"]}',
                                     b'{"kind": "newsclaims-swap", "stage": ".newsclaims-stage-x", "paths": ["seeds"]}'],
                         ids=["empty", "torn", "stage-outside", "foreign-path"])
def test_a_journal_that_cannot_be_trusted_moves_nothing(tmp_path: Path, journal: bytes):
    repo = _repo_with_docs(tmp_path / "repo")
    (repo / ".newsclaims-stage-x").mkdir()
    (repo / ".newsclaims-stage-x" / ".newsclaims-staging").write_text("")
    before = snapshot(repo, TREE)
    (repo / ".newsclaims-swap").write_bytes(journal)
    for _ in range(2):                                   # the second run used to delete data/
        result = cli("validate", str(repo), "--no-rows")
        assert result.returncode == 2
        line = _one_error_line(result)
        assert ".newsclaims-swap" in line and "nothing was moved" in line, line
        assert snapshot(repo, TREE) == before


def test_a_release_journal_that_cannot_be_trusted_moves_nothing(tmp_path: Path):
    repo = _repo_with_docs(tmp_path / "repo")
    (repo / "dist").mkdir()
    (repo / "dist" / "elsewhere").mkdir()
    (repo / "dist" / "elsewhere" / "keep.txt").write_text("mine")
    (repo / "dist" / ".newsclaims-release-journal.json").write_text(
        '{"kind": "newsclaims-release", "version": "1.0.0", "stage": "dist/elsewhere", "index": "{}", "changelog": ""}')
    before = snapshot(repo, TREE)
    result = cli("validate", str(repo), "--no-rows")
    assert result.returncode == 2 and "nothing was moved" in _one_error_line(result)
    assert snapshot(repo, TREE) == before


def test_recovery_never_deletes_folders_it_did_not_make(tmp_path: Path):
    repo = _repo_with_docs(tmp_path / "repo")
    (repo / "releases" / "index.json").unlink(missing_ok=True)          # every release unindexed
    for name in ("newsclaims-notes", "newsclaims-9.9.9", ".newsclaims-release-mine"):
        (repo / "dist" / name).mkdir(parents=True)
        (repo / "dist" / name / "keep.txt").write_text("a user's file")
    (repo / ".newsclaims-stage-mine").mkdir()
    (repo / ".newsclaims-stage-mine" / "keep.txt").write_text("a user's file")
    before = snapshot(repo, (*TREE, ".newsclaims-stage-mine"))
    assert cli("validate", str(repo), "--no-rows").returncode == 0
    assert snapshot(repo, (*TREE, ".newsclaims-stage-mine")) == before


def test_add_seed_waits_for_the_lock_and_fails_clearly(tmp_path: Path):
    repo = fresh_repo(tmp_path / "repo")
    article = tmp_path / "a.txt"
    article.write_text("Officials said 12 drones were shot down over the region on Sunday.\n")
    before = snapshot(repo, TREE)
    with FileLock(str(repo / ".newsclaims.lock")):
        result = subprocess.run([sys.executable, "-m", "newsclaims", "add-seed", str(article), "--root", str(repo)],
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "another build or release is running" in _one_error_line(result)
    assert snapshot(repo, TREE) == before


def test_two_add_seeds_at_once_lose_no_row(tmp_path: Path):
    repo = fresh_repo(tmp_path / "repo")
    files = []
    for i in range(3):
        f = tmp_path / f"a{i}.txt"
        f.write_text(f"Officials said {10 + i} drones were shot down over region number {i} on Sunday.\n")
        files.append(f)
    procs = [subprocess.Popen([sys.executable, "-m", "newsclaims", "add-seed", str(f), "--root", str(repo)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in files]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    catalog = (repo / "seeds" / "catalog.csv").read_text(encoding="utf-8")
    for f, (code, stderr) in zip(files, results):
        digest = hashlib.sha256(f.read_bytes()).hexdigest()
        if code == 0:
            assert digest in catalog, f"{f.name} was reported added but its row is missing"
        else:
            assert "another build or release is running" in stderr, stderr
    assert sum(code == 0 for code, _ in results) >= 1
    assert cli("build", "--root", str(repo)).returncode == 0


def test_add_seed_takes_over_the_seed_a_killed_add_seed_left(tmp_path: Path):
    repo = fresh_repo(tmp_path / "repo")
    article = tmp_path / "a.txt"
    article.write_bytes(b"Officials said 12 drones were shot down over the region on Sunday.\n")
    digest = hashlib.sha256(article.read_bytes()).hexdigest()
    orphan = repo / "seeds" / f"005_{digest[:16]}.txt"      # copied, then killed before the catalog row
    orphan.write_bytes(article.read_bytes())
    result = cli("add-seed", str(article), "--root", str(repo))
    assert result.returncode == 0, result.stderr
    assert f"seeds/005_{digest[:16]}.txt" in (repo / "seeds" / "catalog.csv").read_text(encoding="utf-8")
    assert sorted(p.name for p in (repo / "seeds").glob(f"*_{digest[:16]}.txt")) == [orphan.name]


def _chattr(flag: str, *paths: Path) -> bool:
    try:
        return subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True).returncode == 0
    except FileNotFoundError:
        return False


def test_reading_commands_work_in_a_read_only_checkout(tmp_path: Path):
    repo = _repo_with_docs(tmp_path / "repo")
    shutil.rmtree(repo / ".newsclaims-cache", ignore_errors=True)
    if not _chattr("+i", repo):
        pytest.skip("chattr +i (an immutable folder, read-only even for root) is not supported on this file system")
    try:
        out = tmp_path / "report.html"
        for args in (["validate", str(repo)], ["review", "--root", str(repo)],
                     ["report", str(repo), "-o", str(out)], ["diff", ".", ".", "--root", str(repo)]):
            result = cli(*args)
            assert result.returncode == 0, f"{args}: {result.stderr}"
        assert not (repo / ".newsclaims.lock").exists()
    finally:
        _chattr("-i", repo)


def test_a_read_only_data_folder_leaves_everything_as_it_was(tmp_path: Path):
    repo = change_curation(_repo_with_docs(tmp_path / "repo"))
    before = snapshot(repo, TREE)
    if not _chattr("+i", repo / "data"):
        pytest.skip("chattr +i (an immutable folder, read-only even for root) is not supported on this file system")
    try:
        result = cli("build", "--root", str(repo))
    finally:
        _chattr("-i", repo / "data")
    assert result.returncode != 0
    line = _one_error_line(result)
    assert "data" in line and "nothing was replaced" in line, line
    assert snapshot(repo, TREE) == before
    leftovers = [p.name for p in repo.glob(".newsclaims-*") if p.name not in (".newsclaims-cache", ".newsclaims.lock")]
    assert not leftovers, leftovers


def test_ctrl_c_during_a_build_reports_what_actually_happened(tmp_path: Path):
    parts = ("data", "datapackage.json", "docs")
    pristine, old, new = build_states(tmp_path, parts)
    repo = tmp_path / "repo"
    shutil.copytree(pristine, repo)
    duration = timed_run("build", "--root", str(repo))
    rng = random.Random(13)
    seen = []
    for _ in range(8):
        shutil.rmtree(repo)
        shutil.copytree(pristine, repo)
        begin = time.monotonic()
        # Ctrl-C as a terminal gives it, whatever this runner does with SIGINT (a worker process or
        # a job started in the background may ignore it, and a child inherits that)
        proc = subprocess.Popen([sys.executable, "-c", "import runpy, signal; signal.signal(signal.SIGINT, "
                                 "signal.default_int_handler); runpy.run_module('newsclaims', run_name='__main__')",
                                 "build", "--root", str(repo)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            proc.wait(timeout=rng.uniform(0.5, 1.05) * duration)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGINT)
        else:
            # done before its Ctrl-C: the timed run was slower (a busy machine), so aim earlier
            duration = min(duration, time.monotonic() - begin)
        _, stderr = proc.communicate(timeout=600)
        now = snapshot(repo, parts)
        state = "old" if now == old else "new" if now == new else "mixed"
        seen.append((proc.returncode, state))
        assert state != "mixed", stderr
        if "nothing was replaced" in stderr or "before anything" in stderr or "are unchanged" in stderr:
            assert state == "old", f"said nothing was replaced, but the tree is {state}: {stderr}"
        elif proc.returncode == 130:
            assert "committed" in stderr and state == "new", f"said {stderr!r}, tree is {state}"
    print("(exit, state) after Ctrl-C:", seen)
    assert any(code == 130 for code, _ in seen), seen


def test_ctrl_c_inside_a_finalizer_still_stops_the_command(monkeypatch):
    """A Ctrl-C that lands while an object's ``__del__`` runs is not dropped (Python's own
    handler raises it there, where it is printed as "Exception ignored" and lost): the command's
    handler asks again once the finalizer has returned, and the finalizer runs to its end."""
    from newsclaims.cli import interrupt
    unraisable, finished = [], []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)

    class Finalized:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(2000):          # the handler runs somewhere in here
                sum(range(10))
            finished.append(True)

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        with pytest.raises(KeyboardInterrupt):
            Finalized()
            time.sleep(5)                  # the Ctrl-C asked again ends this at once
        assert finished == [True] and unraisable == []
    finally:
        signal.signal(signal.SIGINT, previous)


def test_ctrl_c_while_helper_processes_run_says_one_thing_and_leaves_none(tmp_path: Path):
    """A large build runs helpers: the report's proposals beside it, and explorer workers. A
    Ctrl-C (to the whole process group, as a terminal sends it) is the build's to answer: the
    helpers print nothing, no process or staging folder is left, and the tree is old or new.
    The thresholds are lowered to the seeds so that the helpers run here."""
    parts = ("data", "datapackage.json", "docs")
    pristine, old, new = build_states(tmp_path, parts)
    repo = tmp_path / "repo"
    code = ("import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
            "import newsclaims.pipeline.build as b, newsclaims.publish.explore as e; b.BESIDE_FROM = 0; e.PARALLEL_FROM = 0; "
            "runpy.run_module('newsclaims', run_name='__main__')")
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: a build runs no helper processes")

    def run(delay: float | None):
        shutil.rmtree(repo, ignore_errors=True)
        shutil.copytree(pristine, repo)
        begin = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-c", code, "build", "--root", str(repo)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        if delay is not None:
            try:
                proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=600)
        return proc, stderr, time.monotonic() - begin

    proc, stderr, duration = run(None)
    assert proc.returncode == 0, stderr
    interrupted = 0
    for fraction in (0.4, 0.55, 0.7, 0.85, 0.95):
        proc, stderr, _ = run(fraction * duration)
        assert "Traceback" not in stderr and "Process Spawn" not in stderr, stderr
        assert proc.returncode in (0, 130), stderr
        interrupted += proc.returncode == 130
        assert snapshot(repo, parts) in (old, new)
        assert not [p.name for p in repo.glob(".newsclaims-*") if p.name not in (".newsclaims-cache", ".newsclaims.lock")]
        time.sleep(0.5)
        left = subprocess.run(["ps", "-o", "pid=,stat=,args=", "-s", str(proc.pid)], capture_output=True, text=True).stdout
        running = [line for line in left.splitlines() if line.split()[1][0] != "Z"]    # a zombie has ended
        assert not running, f"a helper outlived it: {running}"
    assert interrupted >= 2


def test_a_damaged_extraction_cache_entry_is_recomputed(tmp_path: Path):
    repo = fresh_repo(tmp_path / "repo")
    assert cli("build", "--root", str(repo)).returncode == 0
    built = snapshot(repo, ("data", "datapackage.json"))
    import sqlite3
    packed = repo / ".newsclaims-cache" / "extract.sqlite"
    with sqlite3.connect(packed) as db:
        assert db.execute("SELECT count(*) FROM entries").fetchone()[0] == 2
        db.execute("UPDATE entries SET entry = ?", (b'{"source_id": "src_x", "claims": [{}], "excluded": [], "new_actors": {}}',))
    db.close()
    os.utime(repo / "seeds" / "catalog.csv")        # an input changed: the build runs, and reads the cache
    result = cli("build", "--root", str(repo))
    assert "nothing changed" not in result.stdout
    assert result.returncode == 0, result.stderr
    assert snapshot(repo, ("data", "datapackage.json")) == built
    # a cache file that is no database at all (torn, overwritten) is replaced, and the build is the same
    packed.write_bytes(b"not a database" * 100)
    os.utime(repo / "seeds" / "catalog.csv")
    result = cli("build", "--root", str(repo))
    assert result.returncode == 0, result.stderr
    assert snapshot(repo, ("data", "datapackage.json")) == built
    with sqlite3.connect(packed) as db:
        assert db.execute("SELECT count(*) FROM entries").fetchone()[0] == 2
    db.close()


def test_written_files_get_ordinary_permissions(tmp_path: Path):
    repo = change_curation(_repo_with_docs(tmp_path / "repo"))
    old_mask = os.umask(0o022)
    try:
        assert cli("build", "--root", str(repo)).returncode == 0
        assert cli("report", str(repo), "-o", str(tmp_path / "r.html")).returncode == 0
    finally:
        os.umask(old_mask)
    for path in (repo / "docs" / "report.html", repo / "docs" / "codebook.md", tmp_path / "r.html"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, f"{path}: {oct(path.stat().st_mode)}"


def test_a_full_disk_names_the_file_and_replaces_nothing(tmp_path: Path):
    repo = fresh_repo(tmp_path / "repo")
    out = tmp_path / "out.html"
    out.write_text("the previous report")

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, 16 * 1024))
    result = subprocess.run([sys.executable, "-m", "newsclaims", "report", str(repo), "-o", str(out)],
                            capture_output=True, text=True, timeout=300, preexec_fn=limit)
    assert result.returncode != 0
    line = _one_error_line(result)
    assert str(out) in line and "nothing was replaced" in line, line
    assert out.read_text() == "the previous report"
    assert not list(tmp_path.glob(".out.html.*"))


def _raise_interrupt(*args, **kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize("where", ["after the commit, before build returns", "while the summary prints"])
def test_ctrl_c_after_the_commit_is_reported_as_committed(tmp_path: Path, monkeypatch, where: str):
    # The random-timing test above once hit this window: the package was in, but the message said
    # nothing (or "before anything was written"). Here the interrupt lands there every time.
    import sys as _sys
    parts = ("data", "datapackage.json", "docs")
    pristine, old, new = build_states(tmp_path, parts)
    if where.startswith("after"):
        monkeypatch.setattr("newsclaims.pipeline.build.BuildResult", _raise_interrupt)
    else:
        monkeypatch.setattr(_sys.modules["newsclaims.cli.app"].out, "print", _raise_interrupt)
    result = runner.invoke(app, ["build", "--root", str(pristine)])
    assert result.exit_code == 130, result.output
    assert snapshot(pristine, parts) == new
    assert "interrupted after the new package was committed" in result.output, result.output


def test_ctrl_c_before_the_commit_is_reported_as_nothing_replaced(tmp_path: Path, monkeypatch):
    parts = ("data", "datapackage.json", "docs")
    pristine, old, new = build_states(tmp_path, parts)
    monkeypatch.setattr("newsclaims.pipeline.build.commit", _raise_interrupt)
    result = runner.invoke(app, ["build", "--root", str(pristine)])
    assert result.exit_code == 130, result.output
    assert snapshot(pristine, parts) == old
    assert "interrupted before anything was replaced" in result.output, result.output
