"""Interrupted and concurrent runs: SIGKILL at random moments, and two runs at once.

After every kill the repository must hold either the complete old state or the complete new one,
and ``newsclaims validate`` (which first finishes or undoes what the killed run left) must pass.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock

from typer.testing import CliRunner

from helpers import cli
from newsclaims.cli import app
from test_release import fresh_repo

KILLS = 20
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
    """SIGKILL the command at KILLS random moments; after each, check old-or-new and validate."""
    shutil.copytree(pristine, repo, symlinks=True)
    duration = timed_run(*args)               # one whole run on this machine sets the range of delays
    rng = random.Random(20251116)
    outcomes = []
    while sum(code == -signal.SIGKILL for _, code, _ in outcomes) < KILLS:
        assert len(outcomes) < 3 * KILLS, f"{label}: runs keep finishing before the kill: {outcomes}"
        shutil.rmtree(repo)
        shutil.copytree(pristine, repo, symlinks=True)
        delay = rng.uniform(0.3, 1.1) * duration
        proc = start(*args)
        time.sleep(delay)
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


def test_build_killed_at_random_moments_leaves_old_or_new(tmp_path: Path):
    pristine = fresh_repo(tmp_path / "pristine")
    review = next((pristine / "curation" / "reviews").glob("000_*.yaml"))
    review.write_text(review.read_text(encoding="utf-8").replace(REJECT, REJECTED), encoding="utf-8")
    parts = ("data", "datapackage.json")
    old = snapshot(pristine, parts)
    done = tmp_path / "done"
    shutil.copytree(pristine, done)
    assert cli("build", "--root", str(done)).returncode == 0
    new = snapshot(done, parts)
    assert new != old
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
    repo = fresh_repo(tmp_path / "repo")
    review = next((repo / "curation" / "reviews").glob("000_*.yaml"))
    review.write_text(review.read_text(encoding="utf-8").replace(REJECT, REJECTED), encoding="utf-8")
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
