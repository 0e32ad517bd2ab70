"""Releases: byte-identical rebuilds, checked semantic versions, immutability, diff, workflows."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from helpers import ROOT, cli, copy_repo
from newsclaims.pipeline.build import build
from newsclaims.datapackage.diff import diff
from newsclaims.datapackage.errors import NewsclaimsError
from newsclaims.datapackage.tableio import content_hash
from newsclaims.publish.release import read_index, release
from newsclaims.datapackage.validate import validate

DAY = date(2026, 11, 22)


def fresh_repo(path: Path) -> Path:
    """A repository copy with no releases yet."""
    repo = copy_repo(path)
    shutil.rmtree(repo / "releases", ignore_errors=True)
    for f in ("README.md", "CHANGELOG.md", "LICENSE", "CITATION.cff", "DATASET.md"):
        shutil.copy2(ROOT / f, repo / f)
    return repo


def tree(path: Path) -> dict[str, str]:
    return {p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    repo = fresh_repo(tmp_path_factory.mktemp("rel") / "repo")
    release(repo, version="1.0.0", day=DAY)
    return repo


def test_release_directory_contents_and_validation(released):
    d = released / "dist" / "newsclaims-1.0.0"
    names = set(tree(d))
    for table in ("claims", "sources", "events"):
        assert {f"data/{table}.csv", f"data/{table}.parquet"} <= names
    assert {"datapackage.json", "SHA256SUMS", "README.md", "CHANGELOG.md", "newsclaims-1.0.0.zip"} <= names
    assert validate(d).valid
    r = subprocess.run([sys.executable, "-m", "frictionless", "validate", str(d / "datapackage.json")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-2000:]
    desc = json.loads((d / "datapackage.json").read_text())
    assert desc["version"] == "1.0.0" and desc["created"] == "2026-11-22T00:00:00Z"
    for line in (d / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((d / name).read_bytes()).hexdigest() == digest


def test_index_records_files_and_content_hashes(released):
    (entry,) = read_index(released)["releases"]
    d = released / "dist" / "newsclaims-1.0.0"
    for f in entry["files"]:
        assert (d / f["path"]).stat().st_size == f["bytes"]
        assert hashlib.sha256((d / f["path"]).read_bytes()).hexdigest() == f["sha256"]
    assert entry["tables"]["claims"]["rows"] > 0 and len(entry["tables"]["claims"]["content_sha256"]) == 64


def test_parquet_has_the_explicit_arrow_schema(released):
    import pyarrow.parquet as pq
    from newsclaims.datapackage.schema import load_package
    table = pq.read_table(released / "dist" / "newsclaims-1.0.0" / "data" / "claims.parquet")
    expected = load_package(ROOT / "schemas")["claims"].arrow_schema()
    assert [(f.name, f.type) for f in table.schema] == [(f.name, f.type) for f in expected]
    meta = pq.ParquetFile(released / "dist" / "newsclaims-1.0.0" / "data" / "claims.parquet").metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"


def test_two_releases_of_the_same_inputs_are_byte_identical(released, tmp_path):
    other = fresh_repo(tmp_path / "other")
    release(other, version="1.0.0", day=DAY)
    assert tree(other / "dist" / "newsclaims-1.0.0") == tree(released / "dist" / "newsclaims-1.0.0")


def test_content_hash_ignores_row_order_but_not_values():
    import pandas as pd
    from newsclaims.datapackage.schema import Table
    t = Table("t", "T", "", [{"name": "id", "type": "string"}, {"name": "n", "type": "integer"}], ["id"])
    a = pd.DataFrame({"id": ["a", "b"], "n": [1, 2]})
    assert content_hash(a, t) == content_hash(a.iloc[::-1], t) != content_hash(a.assign(n=[1, 3]), t)


def test_re_releasing_a_version_fails_without_touching_it(released):
    before = tree(released / "dist" / "newsclaims-1.0.0")
    index = (released / "releases" / "index.json").read_bytes()
    r = cli("release", "--version", "1.0.0", "--root", str(released))
    assert r.returncode == 2 and "already released" in r.stderr
    assert tree(released / "dist" / "newsclaims-1.0.0") == before
    assert (released / "releases" / "index.json").read_bytes() == index


def _rebuild(repo):
    build(repo)


def test_semver_sequence_patch_minor_major(tmp_path):
    repo = fresh_repo(tmp_path / "repo")
    release(repo, version="1.0.0", day=DAY)
    # a corrected value -> PATCH (Odesa's coordinates in the gazetteer)
    places = repo / "gazetteer" / "places.yaml"
    places.write_text(places.read_text().replace("latitude: 46.48, longitude: 30.72", "latitude: 46.4825, longitude: 30.7233"))
    _rebuild(repo)
    # the working tree says it is the version in development, after the latest release
    assert json.loads((repo / "datapackage.json").read_text())["version"] == "1.1.0-dev"
    with pytest.raises(NewsclaimsError, match="is not greater"):
        release(repo, version="0.9.0", day=DAY)
    assert release(repo, bump_auto=True, day=DAY).version == "1.0.1"
    # an added row -> MINOR; a PATCH number is refused
    refs = repo / "curation" / "references.yaml"
    refs.write_text(refs.read_text() + '- id: ref_extra\n  url: https://example.org/report\n  publisher: Example\n'
                                        '  published: "2025-11-20"\n')
    _rebuild(repo)
    with pytest.raises(NewsclaimsError, match="need a minor"):
        release(repo, version="1.0.2", day=DAY)
    # a larger step than the changes need: only with --force and a note saying why
    with pytest.raises(NewsclaimsError, match="need only a minor"):
        release(repo, bump_level="major", day=DAY)
    with pytest.raises(NewsclaimsError, match="need only a minor"):
        release(repo, version="2.0.0", force=True, day=DAY)
    assert release(repo, bump_level="major", force=True, notes=["The reference list is now curated."],
                   day=DAY).version == "2.0.0"
    # a removed column -> MAJOR
    schema = repo / "schemas" / "claim_corrections.yaml"
    text = schema.read_text()
    start = text.index("  - name: curation_file")
    end = text.index("primaryKey")
    schema.write_text(text[:start] + text[end:])
    _drop_column_build(repo)
    r = cli("release", "--bump", "minor", "--root", str(repo))
    assert r.returncode == 2 and "need a major" in r.stderr and "field_removed" in r.stderr
    assert release(repo, bump_auto=True, day=DAY).version == "3.0.0"
    levels = [e["level"] for e in read_index(repo)["releases"]]
    assert levels == ["initial", "patch", "minor", "major"]
    assert "## 3.0.0" in (repo / "CHANGELOG.md").read_text()
    # what the release says about itself is its own version and date
    d = repo / "dist" / "newsclaims-3.0.0"
    cff = (d / "CITATION.cff").read_text()
    assert "\nversion: 3.0.0\n" in cff and f"\ndate-released: {DAY.isoformat()}\n" in cff
    assert (d / "DATASET.md").read_text().startswith("# newsclaims 3.0.0 — dataset card\n\nVersion 3.0.0, released")
    assert json.loads((d / "datapackage.json").read_text())["version"] == "3.0.0"


def _drop_column_build(repo):
    """Rebuild after a schema change: the build writes only the schema's columns."""
    build(repo)


def test_diff_json_between_releases(tmp_path):
    repo = fresh_repo(tmp_path / "repo")
    release(repo, version="1.0.0", day=DAY)
    refs = repo / "curation" / "references.yaml"
    refs.write_text(refs.read_text() + '- id: ref_extra\n  url: https://example.org/r2\n  publisher: Example\n'
                                        '  published: "2025-11-20"\n')
    build(repo)
    r = cli("diff", "1.0.0", ".", "--format", "json", "--root", str(repo))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["level"] == "minor" and out["tables"]["sources"]["added"] == 1
    d = diff(repo / "dist" / "newsclaims-1.0.0", repo)
    assert [c.kind for c in d.changes] == ["rows_added"]


def test_release_refuses_when_review_is_not_empty(tmp_path):
    repo = fresh_repo(tmp_path / "repo")
    review = repo / "curation" / "reviews" / "004_1c9674817af25e15.yaml"
    text = review.read_text()
    start = text.index('  - match: {quote: "Umerov reiterated')
    end = text.index("  - match:", start + 5)
    review.write_text(text[:start] + text[end:])
    build(repo)
    r = cli("release", "--version", "1.0.0", "--root", str(repo))
    assert r.returncode == 1 and "worklist" in r.stderr
    assert not (repo / "dist" / "newsclaims-1.0.0").exists()


def test_workflows_pass_actionlint():
    actionlint = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert {w.name for w in workflows} == {"ci.yml", "release.yml"}
    r = subprocess.run([actionlint, "-shellcheck=", *map(str, workflows)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
