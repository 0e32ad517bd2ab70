"""Fixtures shared by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import copy_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A writable copy of the repository's package, seeds, schemas, gazetteer and curation."""
    return copy_repo(tmp_path / "repo")
