"""Releases in a git clone of this repository, as a maintainer works: no network, no dist/.

The previous release is rebuilt by the commit that recorded it; `release` refuses uncommitted
work, then commits and tags what it wrote."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT

GIT = shutil.which("git")
IDENTITY = {"GIT_AUTHOR_NAME": "Test Maintainer", "GIT_AUTHOR_EMAIL": "maintainer@example.org",
            "GIT_COMMITTER_NAME": "Test Maintainer", "GIT_COMMITTER_EMAIL": "maintainer@example.org"}


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=900,
                          env={**os.environ, **IDENTITY, "NEWSCLAIMS_BASE_URL": "http://127.0.0.1:9/"})


def _newsclaims(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return _run(sys.executable, "-m", "newsclaims", *args, cwd=cwd)


@pytest.fixture()
def clone(tmp_path: Path) -> Path:
    if GIT is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and this repository's history (a git checkout)")
    if _run(GIT, "rev-parse", "--is-shallow-repository", cwd=ROOT).stdout.strip() == "true":
        pytest.skip("needs the full history: this checkout is shallow (git fetch --unshallow)")
    _run(GIT, "clone", "-q", str(ROOT), str(tmp_path / "clone"), cwd=tmp_path)
    return tmp_path / "clone"


def test_verify_release_of_every_published_release_passes_at_head(clone: Path):
    """1.0.0 was cut by a toolkit that has changed a lot since; each release is rebuilt by its own
    commit (the base URL points nowhere, so nothing can be downloaded)."""
    assert not (clone / "dist").exists()
    for entry in json.loads((clone / "releases" / "index.json").read_text())["releases"]:
        version = entry["version"]
        r = _newsclaims("verify-release", version, "--root", str(clone), cwd=clone)
        assert r.returncode == 0, f"{version}: {r.stderr}"
        assert "every file matches" in r.stdout
        rebuilt = clone / "dist" / f"newsclaims-{version}"
        assert {f["path"] for f in entry["files"]} <= {p.relative_to(rebuilt).as_posix()
                                                       for p in rebuilt.rglob("*") if p.is_file()}
    r = _newsclaims("diff", "1.0.0", ".", "--root", str(clone), cwd=clone)
    assert r.returncode == 0 and "change level:" in r.stdout, r.stderr


def test_release_refuses_uncommitted_work_then_commits_and_tags(clone: Path):
    card = clone / "DATASET.md"
    card.write_text(card.read_text() + "\nAn edit nobody committed.\n")
    r = _newsclaims("release", "--bump", "auto", "--date", "2026-11-23", "--root", str(clone), cwd=clone)
    assert r.returncode != 0 and "uncommitted" in r.stderr and "DATASET.md" in r.stderr, r.stderr
    assert not (clone / "dist").exists()
    _run(GIT, "checkout", "--", "DATASET.md", cwd=clone)
    # main may hold changes not yet released (they set their own level): release them first, so
    # that the release below holds the keyword alone
    caught_up = _newsclaims("release", "--bump", "auto", "--date", "2026-11-23", "--note", "Catching up.",
                            "--root", str(clone), cwd=clone)
    assert caught_up.returncode == 0 or "nothing changed since" in caught_up.stderr, caught_up.stderr
    previous = json.loads((clone / "releases" / "index.json").read_text())["releases"][-1]["version"]
    # something to release: a keyword more (metadata, a PATCH), built and committed
    meta = clone / "schemas" / "package.yaml"
    meta.write_text(meta.read_text().replace("keywords: [", "keywords: [disinformation, ", 1))
    assert _newsclaims("build", "--root", str(clone), cwd=clone).returncode == 0
    _run(GIT, "commit", "-q", "-am", "A keyword more", cwd=clone)
    # with no dist/ and no network, the previous release comes from its commit
    r = _newsclaims("release", "--bump", "auto", "--date", "2026-11-23", "--note", "A test release.",
                    "--root", str(clone), cwd=clone)
    assert r.returncode == 0, r.stderr
    version = json.loads((clone / "releases" / "index.json").read_text())["releases"][-1]["version"]
    assert f"released {version} (patch since {previous})" in r.stdout, r.stdout
    assert _run(GIT, "status", "--porcelain", cwd=clone).stdout == ""
    assert _run(GIT, "log", "-1", "--format=%s", cwd=clone).stdout.strip() == f"Release {version}"
    tagged = _run(GIT, "rev-parse", f"v{version}^{{commit}}", cwd=clone).stdout.strip()
    assert tagged == _run(GIT, "rev-parse", "HEAD", cwd=clone).stdout.strip()
    cff = (clone / "CITATION.cff").read_text()
    assert f"\nversion: {version}\n" in cff and "\ndate-released: 2026-11-23\n" in cff
    # the package's copy of the index is the index
    assert (clone / "src" / "newsclaims" / "reader" / "releases.json").read_bytes() == \
        (clone / "releases" / "index.json").read_bytes()
