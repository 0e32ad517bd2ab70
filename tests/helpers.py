"""Helpers shared by the tests: copies of the repository, CSV edits, running the CLI."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPO_PARTS = ("datapackage.json", "data", "seeds", "schemas", "gazetteer", "curation", "releases")


def copy_repo(dest: Path, parts=REPO_PARTS) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for part in parts:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        elif src.exists():
            shutil.copy2(src, dest / part)
    return dest


def refresh_hashes(pkg: Path) -> None:
    """Recompute bytes and sha256 of every resource (so a test reaches the rule it targets)."""
    desc = json.loads((pkg / "datapackage.json").read_text())
    for res in desc["resources"]:
        data = (pkg / res["path"]).read_bytes()
        res["bytes"], res["hash"] = len(data), "sha256:" + hashlib.sha256(data).hexdigest()
    (pkg / "datapackage.json").write_text(json.dumps(desc, indent=2, ensure_ascii=False) + "\n")


def edit_csv(pkg: Path, table: str, fn) -> None:
    """Apply *fn* to the table's rows (list of dicts, header kept in order), then refresh hashes."""
    import csv
    path = pkg / "data" / f"{table}.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header, rows = list(reader.fieldnames), list(reader)
    header, rows = fn(header, rows) or (header, rows)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    refresh_hashes(pkg)


def cli(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the installed command line as a user would."""
    return subprocess.run([sys.executable, "-m", "newsclaims", *args], cwd=cwd or ROOT, capture_output=True,
                          text=True, timeout=timeout)
