"""A reader's install, as a new user gets it: the wheel built from this checkout, installed with
its dependencies into a fresh virtual environment, run from a folder that is no checkout. It
loads a release from a mirror that `python -m http.server` serves on 127.0.0.1 from the `dist/`
that `newsclaims release` wrote."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from helpers import ROOT
from newsclaims import load
from newsclaims.publish.release import release
from test_release import DAY, fresh_repo

VERSION = "7.0.0"       # a version the package's own index does not know: found through the mirror's


def _site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


@pytest.fixture(scope="module")
def reader(tmp_path_factory) -> Path:
    """A virtual environment with the wheel installed as `pip install newsclaims` would."""
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"        # a copy, so building leaves nothing in the checkout
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    for f in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / f, src / f)
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work), str(src)],
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    wheel = next(work.glob("newsclaims-*.whl"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    r = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", str(wheel)],
                       capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, r.stderr[-3000:]
    return venv


@pytest.fixture(scope="module")
def mirror(tmp_path_factory):
    """`python -m http.server` over the dist/ of a fresh release: (url, release directory)."""
    repo = fresh_repo(tmp_path_factory.mktemp("mirror") / "repo")
    release(repo, version=VERSION, day=DAY)
    dist = repo / "dist"
    assert (dist / "index.json").read_bytes() == (repo / "releases" / "index.json").read_bytes()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory",
                               str(dist)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "index.json", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        yield url, dist / f"newsclaims-{VERSION}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _python(venv: Path, code: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, cwd=cwd,
                          timeout=600, env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)})


def test_the_reader_install_is_light_and_says_what_building_needs(reader: Path, tmp_path: Path):
    size = sum(p.stat().st_size for p in _site_packages(reader).rglob("*") if p.is_file())
    print(f"\nreader install: {size / 1e6:.0f} MB in site-packages")
    for heavy in ("spacy", "pandera", "frictionless", "matplotlib"):
        r = _python(reader, f"import {heavy}", tmp_path)
        assert r.returncode != 0, f"{heavy} is installed by the reader's install"
    r = subprocess.run([str(reader / "bin" / "newsclaims"), "build", "--root", str(tmp_path)], capture_output=True,
                       text=True, cwd=tmp_path, timeout=300)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert 'pip install "newsclaims[build]"' in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_load_latest_from_a_served_dist_equals_loading_the_release_from_disk(reader: Path, mirror, tmp_path: Path):
    url, released = mirror
    out = tmp_path / "frames"
    code = f"""
import pathlib, newsclaims
out = pathlib.Path({str(out)!r}); out.mkdir()
for spec in ("latest", {VERSION!r}):
    ds = newsclaims.load(spec, base_url={url!r}, cache_dir={str(tmp_path / 'cache')!r})
    assert ds.version == {VERSION!r}, ds.version
    for name, frame in ds.frames.items():
        frame.to_pickle(out / f"{{spec}}-{{name}}.pkl")
print(newsclaims.__file__)
"""
    r = _python(reader, code, tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert str(reader) in r.stdout, "the package was not imported from the virtual environment"
    local = load(released)
    assert local.tables and local.version == VERSION
    for spec in ("latest", VERSION):
        for name in local.tables:
            pd.testing.assert_frame_equal(pd.read_pickle(out / f"{spec}-{name}.pkl"), local.frames[name])
    # the command line of the reader's install fetches the whole release
    r = subprocess.run([str(reader / "bin" / "newsclaims"), "fetch", "latest", str(tmp_path / "whole"),
                        "--base-url", url], capture_output=True, text=True, cwd=tmp_path, timeout=600,
                       env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "whole" / "data" / "claims.parquet").read_bytes() == (released / "data" / "claims.parquet").read_bytes()


def test_a_mirror_cannot_swap_the_files_of_a_version_the_package_knows(reader: Path, mirror, tmp_path: Path):
    url, released = mirror
    known = json.loads((ROOT / "src" / "newsclaims" / "reader" / "releases.json").read_text())["releases"][0]["version"]
    fake = tmp_path / "fake"
    shutil.copytree(released, fake / f"newsclaims-{known}")
    entry = json.loads((released.parent / "index.json").read_text())["releases"][0]
    (fake / "index.json").write_text(json.dumps({"name": "newsclaims", "releases": [{**entry, "version": known}]}))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory",
                               str(fake)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        code = f"""
import newsclaims
newsclaims.load({known!r}, base_url="http://127.0.0.1:{port}/", cache_dir={str(tmp_path / 'cache')!r})
"""
        r = _python(reader, code, tmp_path)
    finally:
        server.terminate()
        server.wait(timeout=10)
    # refused by the size or the sha256 the package knows, whichever the server's bytes break first
    assert r.returncode != 0 and ("sha256 mismatch" in r.stderr or "does not serve the published file" in r.stderr), \
        r.stderr[-2000:]


def test_the_package_ships_the_repository_release_index():
    assert (ROOT / "src" / "newsclaims" / "reader" / "releases.json").read_bytes() == \
        (ROOT / "releases" / "index.json").read_bytes()
