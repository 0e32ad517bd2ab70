"""The trained pipeline under the extraction rules: pinned, checked against the committed
manifest before use, and recorded as the extraction's provenance."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT
from newsclaims.pipeline.extract import model
from test_faults import TREE, snapshot


def run_build(repo: Path, spec: str) -> subprocess.CompletedProcess:
    env = {**os.environ, model.ENV: spec}
    return subprocess.run([sys.executable, "-m", "newsclaims", "build", "--root", str(repo)], capture_output=True,
                          text=True, timeout=600, env=env)


@pytest.fixture(scope="module")
def model_copy(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("model") / "en_core_web_sm-3.8.0"
    shutil.copytree(model.model_dir(model.PACKAGE), copy)
    return copy


def test_the_pinned_model_loads_verified_with_only_the_components_used():
    nlp = model.trained()
    assert nlp.pipe_names == ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"]
    assert model.provenance()["name"] == "en_core_web_sm" and model.provenance()["version"] == "3.8.0"
    doc = nlp("Hospital chief Leyla Sancar said 63 of the injured were still in hospital.")
    assert [e.label_ for e in doc.ents if e.text == "Leyla Sancar"] == ["PERSON"]


def test_the_package_records_the_pipeline_it_was_extracted_with():
    desc = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert desc["newsclaims"]["extraction"]["pipeline"] == model.provenance()


def test_a_swapped_model_file_stops_the_build_and_replaces_nothing(repo: Path, model_copy: Path, tmp_path: Path):
    swapped = tmp_path / "swapped"
    shutil.copytree(model_copy, swapped)
    weights = swapped / "ner" / "model"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    before = snapshot(repo, TREE)
    result = run_build(repo, str(swapped))
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "ner/model" in errors[0] and "not the pinned en_core_web_sm 3.8.0" in errors[0], result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(repo, TREE) == before


def test_another_install_of_the_same_model_is_accepted(repo: Path, model_copy: Path):
    result = run_build(repo, str(model_copy))
    assert result.returncode == 0, result.stderr


def test_a_model_that_is_not_installed_is_named(repo: Path):
    result = run_build(repo, "en_core_web_nonexistent")
    assert result.returncode == 2
    assert "en_core_web_nonexistent" in result.stderr and "is not installed" in result.stderr and "Traceback" not in result.stderr
