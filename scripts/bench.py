"""The newsclaims benchmark: prints one JSON report of what it measured on this machine.

    python scripts/bench.py                 # the full run (about an hour on 2 cores; see the README)
    python scripts/bench.py --small         # a smoke run: tiny sizes, checks that every step works

Measures extraction throughput (one process and all cores), full `newsclaims build` wall time
and peak RSS at two corpus sizes and their ratio, `--jobs 2` against `--jobs 1` and the dask
engine against local processes, an incremental rebuild after one article
changed, `validate` on claims tables of two sizes beside reading the same CSVs with pyarrow (the
floor) and `frictionless validate` of the same package (the peer), cached `newsclaims.load` of a
published release and of local releases of 5,000, 50,000 and 1,000,000 claim rows beside
`pd.read_parquet` of the same files, and whether two release builds are byte-identical. Targets (see the README) are printed beside the figures, never asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "src"))

import synthetic_corpus  # noqa: E402

TARGETS = {"build_large_peak_rss_mb": 2048, "build_ratio": 11.0, "not_extraction_share": 0.15, "jobs_speedup": 1.8, "dask_over_local": 1.2,
           "unchanged_wall_s": 0.5, "incremental_wall_s": 1.0, "validate_over_read": 2.0, "validate_vs_frictionless": 20.0,
           "load_vs_read_parquet": 1.2, "rules_over_pipeline": 0.30}
SIZES = {"full": {"devset_rounds": 7, "throughput": 500, "build": (1000, 10000), "validate": (100_000, 1_000_000),
                  "load": (5_000, 50_000, 1_000_000)},
         "small": {"devset_rounds": 1, "throughput": 20, "build": (10, 40), "validate": (500, 2000), "load": (500, 2000)}}


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# The command's own peak, as it exits. Not wait4's ru_maxrss: Linux counts in it the memory the
# child shared with this (large) process before exec, so a 0.2 s command reported this one's peak.
_PEAK = """import atexit, resource, runpy, sys
def _peak(path=sys.argv.pop(1)):
    with open('/proc/self/status') as status:
        own = next(int(line.split()[1]) for line in status if line.startswith('VmHWM:'))
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(path, 'w') as out:
        out.write(str(max(own, children)))
atexit.register(_peak)
sys.argv[0] = 'newsclaims'
runpy.run_module('newsclaims', run_name='__main__', alter_sys=True)
"""


def run_measured(args: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB; the largest process of the command's tree: the command's
    own high-water mark and its helpers') of a command."""
    with tempfile.TemporaryDirectory() as scratch:
        peak = Path(scratch) / "peak"
        begin = time.monotonic()
        proc = subprocess.run([sys.executable, "-c", _PEAK, str(peak), *args], cwd=cwd,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.monotonic() - begin
        if proc.returncode != 0:
            raise SystemExit(f"newsclaims {' '.join(args)} failed in {cwd}:\n{proc.stderr.decode()}")
        return wall, int(peak.read_text()) / 1024


def throughput(work: Path, n: int) -> dict:
    from newsclaims.pipeline.extract.runner import default_jobs, extract_all
    from newsclaims.pipeline.gazetteer import load_gazetteer
    from newsclaims.pipeline.ingest import load_seeds
    repo = synthetic_corpus.write_repository(work / "throughput", n, seed=1, kind="news")
    g, seeds = load_gazetteer(repo), load_seeds(repo)
    extract_all(seeds[:2], g, jobs=1, cache=False)                  # build the pipeline once
    out = {"articles": n, "cores": default_jobs()}
    results = {}
    for label, jobs in (("one_process", 1), ("all_cores", default_jobs())):
        begin = time.perf_counter()
        results[label], _ = extract_all(seeds, g, jobs=jobs, cache=False)
        out[f"{label}_articles_per_s"] = round(n / (time.perf_counter() - begin), 1)
    out["identical_output"] = [x.claims for x in results["one_process"]] == [x.claims for x in results["all_cores"]]
    return out


def rules_over_pipeline(rounds: int) -> dict:
    """Extraction of the development set's articles (real news shapes, unlike the synthetic corpus)
    against the same texts through the bare trained pipeline (``nlp.pipe``, the same components):
    what the rules on top cost."""
    import hashlib
    import yaml
    from newsclaims.pipeline.extract.article import extract_article, extract_articles
    from newsclaims.pipeline.extract.model import trained
    from newsclaims.pipeline.extract.nlp import pipeline
    from newsclaims.pipeline.gazetteer import load_gazetteer
    from newsclaims.pipeline.ingest import Seed
    g = load_gazetteer(ROOT)
    seeds = []
    for path in sorted((ROOT / "tests" / "devset").glob("*.txt")):
        gold = yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8"))
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        seeds.append(Seed(f"src_{sha[:16]}", path.name, sha, data.decode("utf-8"), None, gold["published"], "day"))
    nlp = trained()
    pipeline(g)
    for seed in seeds[:3]:
        extract_article(seed, g)        # warm: loading, first calls
    list(nlp.pipe(s.text for s in seeds[:3]))
    texts = [s.text for s in seeds]
    rules, bare = [], []
    for _ in range(rounds):      # interleaved, so that drift in the machine's speed hits both alike
        begin = time.perf_counter()
        extract_articles(seeds, g)          # as the build's workers run it: one pipe per chunk
        rules.append(time.perf_counter() - begin)
        begin = time.perf_counter()
        for _ in nlp.pipe(texts):
            pass
        bare.append(time.perf_counter() - begin)
    ratios = sorted(r / b - 1 for r, b in zip(rules, bare))
    return {"articles": len(texts), "rounds": rounds,
            "extraction_articles_per_s": round(len(texts) / sorted(rules)[len(rules) // 2], 1),
            "bare_pipeline_articles_per_s": round(len(texts) / sorted(bare)[len(bare) // 2], 1),
            "pipeline_components": list(nlp.pipe_names),
            "rules_over_pipeline": round(ratios[len(ratios) // 2], 3)}


def change_one_article(repo: Path) -> None:
    """Replace the text of the last seed (a new version of a synthetic article; the real seeds
    come first and carry curation), and its catalog row."""
    from newsclaims.pipeline.ingest import read_catalog, sha256_hex, source_id_for
    row = read_catalog(repo).iloc[-1]
    old = repo / row["file"]
    data = old.read_bytes() + b"An update said the count was still being checked.\n"
    digest = sha256_hex(data)
    name = f"seeds/{Path(row['file']).stem.split('_')[0]}_{digest[:16]}.txt"
    old.unlink()
    (repo / name).write_bytes(data)
    catalog = repo / "seeds" / "catalog.csv"
    text = catalog.read_text(encoding="utf-8")
    for before, after in ((row["file"], name), (row["sha256"], digest), (row["source_id"], source_id_for(digest))):
        text = text.replace(before, after)
    catalog.write_text(text, encoding="utf-8")


def builds(work: Path, sizes: tuple[int, int], extraction_rate: float) -> dict:
    """Cold builds of the real-length corpus at two sizes (the share of each that is not
    extraction, from the extraction rate on all cores), ``--jobs 1`` against ``--jobs 2`` on the
    small one (and the dask engine's LocalCluster of two workers against local processes), a
    rebuild with nothing changed and one after one changed article on the large."""
    out = {}
    for n in sizes:
        repo = synthetic_corpus.write_repository(work / f"build-{n}", n, seed=2, kind="news")
        log(f"build of {n} articles")
        wall, rss = run_measured(["build"], repo)
        extraction = n / extraction_rate
        out[f"build_{n}"] = {"wall_s": round(wall, 2), "peak_rss_mb": round(rss, 1),
                             "extraction_s_estimated": round(extraction, 1),
                             "not_extraction_share": round(max(0.0, 1 - extraction / wall), 3)}
        log(f"build_{n}: {json.dumps(out[f'build_{n}'])}")
    small, large = sizes
    out["ratio_large_to_small"] = round(out[f"build_{large}"]["wall_s"] / out[f"build_{small}"]["wall_s"], 2)
    out["size_ratio"] = large / small
    repo = work / f"build-{small}"
    walls = {}
    for jobs in (1, 2):
        log(f"cold build of {small} articles, --jobs {jobs}")
        walls[jobs], _ = run_measured(["build", "--no-cache", "--jobs", str(jobs)], repo)
    log(f"cold build of {small} articles, --engine dask --jobs 2 (a LocalCluster)")
    walls["dask"], _ = run_measured(["build", "--no-cache", "--engine", "dask", "--jobs", "2"], repo)
    out["jobs"] = {"articles": small, "jobs_1_s": round(walls[1], 2), "jobs_2_s": round(walls[2], 2),
                   "speedup": round(walls[1] / walls[2], 2), "dask_jobs_2_s": round(walls["dask"], 2),
                   "dask_over_local": round(walls["dask"] / walls[2], 2)}
    repo = work / f"build-{large}"
    log("rebuild with nothing changed")
    wall, rss = run_measured(["build"], repo)
    out["unchanged"] = {"articles": large, "wall_s": round(wall, 2), "peak_rss_mb": round(rss, 1)}
    change_one_article(repo)
    log("incremental rebuild after one changed article")
    wall, rss = run_measured(["build"], repo)
    from newsclaims.pipeline.build import Options, build
    begin = time.perf_counter()
    changed = synthetic_corpus_change_and_build(repo, build, Options())
    out["incremental"] = {"articles": large, "wall_s_command": round(wall, 2), "peak_rss_mb": round(rss, 1),
                          "wall_s_in_process": round(time.perf_counter() - begin, 2),
                          "re_extracted_in_process": changed}
    return out


def synthetic_corpus_change_and_build(repo: Path, build, options) -> int:
    """One more changed article, rebuilt in this (warm) process; returns articles re-extracted."""
    change_one_article(repo)
    counts = []
    build(repo, progress=lambda m: counts.append(m), options=options)
    return int(next(m.split()[1] for m in counts if m.startswith("extracted")))


def claims_package(work: Path, source: Path, rows: int) -> Path:
    """A package whose claims table has *rows* rows: the built claims and every table that
    points at them (speakers, dates, events, relations, corrections), repeated with new claim
    and relation ids, so every rule runs at that size."""
    import pandas as pd
    from newsclaims.datapackage import csvio
    from newsclaims.datapackage.schema import load_package
    from newsclaims.datapackage.descriptor import descriptor_bytes
    pkg_dir = work / f"validate-{rows}"
    if pkg_dir.exists():
        shutil.rmtree(pkg_dir)
    shutil.copytree(source, pkg_dir, ignore=shutil.ignore_patterns(".newsclaims-cache", "curation", "docs", ".newsclaims*"))
    pkg = load_package(pkg_dir / "schemas")

    def read(name):
        return csvio.coerce(csvio.read_csv_text(pkg_dir / "data" / f"{name}.csv"), pkg.tables[name])[0]

    def renamed(ids: pd.Series, k: int, prefix: str) -> pd.Series:
        if not k:
            return ids
        return ids.map(lambda c: c if pd.isna(c) else f"{prefix}{hashlib.sha256(f'{c}{k}'.encode()).hexdigest()[:16]}")

    dependent = ["claim_speakers", "claim_dates", "claim_events", "claim_relations", "claim_corrections"]
    base = {name: read(name) for name in ["claims", *dependent]}
    copies: dict[str, list] = {name: [] for name in base}
    for k in range(-(-rows // len(base["claims"]))):
        for name, frame in base.items():
            part = frame.copy()
            for column in ("claim_id", "target_claim_id"):
                if column in part:
                    part[column] = renamed(part[column], k, "clm_")
            if "relation_id" in part:
                part["relation_id"] = renamed(part["relation_id"], k, "rel_")
            copies[name].append(part)
    claims = pd.concat(copies["claims"], ignore_index=True)
    events, sources = read("events"), read("sources")
    if rows < len(base["claims"]):
        # whole articles in the build's order, and the events they date (with the events those
        # are part of): what a package of that many claims holds
        size = claims.groupby("source_id", sort=False).size()
        claims = claims[claims["source_id"].isin(size.index[(size.cumsum() - size) < rows])]
        references = set(sources.loc[sources["kind"] == "reference", "source_id"])
        basis = events["date_basis_claim_id"]
        keep = basis.isin(set(claims["claim_id"])) | \
            (basis.isna() & events["date_basis_source_id"].isin(set(claims["source_id"]) | references))
        while True:
            gone = events["part_of_event_id"].notna() & ~events["part_of_event_id"].isin(set(events.loc[keep, "event_id"]))
            if not (keep & gone).any():
                break
            keep &= ~gone
        events = events[keep]
    else:
        # the claims that date events stay, whatever the cut
        dating = claims["claim_id"].isin(set(events["date_basis_claim_id"].dropna()))
        claims = claims[dating | (~dating).cumsum().le(rows - int(dating.sum()))]
    kept = set(claims["claim_id"])
    (pkg_dir / "data" / "claims.csv").write_bytes(csvio.to_csv_bytes(claims, pkg.tables["claims"]))
    (pkg_dir / "data" / "events.csv").write_bytes(csvio.to_csv_bytes(events, pkg.tables["events"]))
    actors = read("event_actors")
    (pkg_dir / "data" / "event_actors.csv").write_bytes(
        csvio.to_csv_bytes(actors[actors["event_id"].isin(set(events["event_id"]))], pkg.tables["event_actors"]))
    cited = set(claims["source_id"]) | set(events["date_basis_source_id"].dropna())
    for name in dependent:
        frame = pd.concat(copies[name], ignore_index=True)
        keep = frame["claim_id"].isin(kept)
        if "event_id" in frame:
            keep &= frame["event_id"].isin(set(events["event_id"]))
        if "target_claim_id" in frame:
            keep &= frame["target_claim_id"].isna() | frame["target_claim_id"].isin(kept)
        if "target_source_id" in frame:
            cited |= set(frame.loc[keep, "target_source_id"].dropna())
        (pkg_dir / "data" / f"{name}.csv").write_bytes(csvio.to_csv_bytes(frame[keep], pkg.tables[name]))
    # the sources its tables cite, as a package of that many articles lists them (in its sources
    # table, its descriptor and seeds/): not the whole build's
    spans = read("excluded_spans")
    (pkg_dir / "data" / "excluded_spans.csv").write_bytes(csvio.to_csv_bytes(spans[spans["source_id"].isin(cited)],
                                                                              pkg.tables["excluded_spans"]))
    dropped = sources[~sources["source_id"].isin(cited)]
    gone = set(dropped["file"].dropna())
    for file in sorted(gone):
        (pkg_dir / file).unlink()
    (pkg_dir / "data" / "sources.csv").write_bytes(csvio.to_csv_bytes(sources[sources["source_id"].isin(cited)],
                                                                       pkg.tables["sources"]))
    desc = json.loads((pkg_dir / "datapackage.json").read_text(encoding="utf-8"))
    desc["sources"] = [entry for entry in desc.get("sources", []) if entry.get("path") not in gone]
    for res in desc["resources"]:
        data = (pkg_dir / res["path"]).read_bytes()
        res["bytes"], res["hash"] = len(data), "sha256:" + hashlib.sha256(data).hexdigest()
    (pkg_dir / "datapackage.json").write_bytes(descriptor_bytes(desc))
    return pkg_dir


def read_floor(pkg_dir: Path) -> float:
    """Seconds to read every CSV of the package with pyarrow's typed CSV reader: the floor."""
    import pyarrow.csv as pacsv
    begin = time.perf_counter()
    for path in sorted((pkg_dir / "data").glob("*.csv")):
        pacsv.read_csv(path)
    return time.perf_counter() - begin


def validation(work: Path, source: Path, sizes: tuple[int, int]) -> dict:
    import frictionless
    from newsclaims.datapackage.validate import validate
    out = {}
    for rows in sizes:
        pkg_dir = claims_package(work, source, rows)
        log(f"validate {rows:,} claim rows")
        begin = time.perf_counter()
        report = validate(pkg_dir)
        ours = time.perf_counter() - begin
        assert report.valid, [f.message for f in report.errors[:3]]
        floor = min(read_floor(pkg_dir) for _ in range(3))
        log(f"frictionless validate of the same package ({rows:,} claim rows)")
        begin = time.perf_counter()
        f_report = frictionless.validate(str(pkg_dir / "datapackage.json"))
        theirs = time.perf_counter() - begin
        out[f"claims_{rows}"] = {"newsclaims_validate_s": round(ours, 2), "pyarrow_read_csv_s": round(floor, 2),
                                 "over_read": round(ours / floor, 1), "frictionless_validate_s": round(theirs, 2),
                                 "speedup": round(theirs / ours, 1), "frictionless_valid": f_report.valid}
    return out


def parquet_release(pkg_dir: Path) -> Path:
    """*pkg_dir* as a release folder holds it (typed Parquet beside each CSV, the release's
    descriptor), written with the release's own writer, to load it as a reader would."""
    from newsclaims.datapackage.descriptor import descriptor_bytes
    from newsclaims.datapackage.tableio import parquet_bytes
    from newsclaims.publish.release import _typed_tables
    desc = json.loads((pkg_dir / "datapackage.json").read_text(encoding="utf-8"))
    resources = []
    for name, (frame, table) in _typed_tables(pkg_dir, desc).items():
        res = next(r for r in desc["resources"] if r["name"] == name)
        data = parquet_bytes(frame, table)
        (pkg_dir / "data" / f"{name}.parquet").write_bytes(data)
        schema = json.loads(json.dumps(res["schema"]))
        for fk in schema.get("foreignKeys", []):
            fk["reference"]["resource"] = f"{fk['reference']['resource']}_parquet"
        resources += [res, {**{k: v for k, v in res.items() if k not in ("path", "format", "mediatype", "encoding", "bytes")},
                            "name": f"{name}_parquet", "path": f"data/{name}.parquet", "format": "parquet",
                            "mediatype": "application/vnd.apache.parquet",
                            "hash": "sha256:" + hashlib.sha256(data).hexdigest(), "schema": schema}]
    (pkg_dir / "datapackage.json").write_bytes(descriptor_bytes({**desc, "version": "1.0.0", "resources": resources}))
    return pkg_dir


def load_at_sizes(work: Path, source: Path, sizes: tuple[int, ...]) -> dict:
    """Cached ``newsclaims.load`` of a local release folder against ``pd.read_parquet`` of the
    same files (best of 5, both warm), at each number of claim rows."""
    import pandas as pd
    from newsclaims import load
    out = {}
    for rows in sizes:
        pkg = parquet_release(claims_package(work, source, rows))
        parquet = sorted((pkg / "data").glob("*.parquet"))
        log(f"load {rows:,} claim rows against read_parquet")
        best = {"newsclaims_load_s": float("inf"), "read_parquet_s": float("inf")}
        for _ in range(5):
            begin = time.perf_counter()
            load(pkg)
            best["newsclaims_load_s"] = min(best["newsclaims_load_s"], time.perf_counter() - begin)
            begin = time.perf_counter()
            {p.stem: pd.read_parquet(p) for p in parquet}
            best["read_parquet_s"] = min(best["read_parquet_s"], time.perf_counter() - begin)
        out[f"claims_{rows}"] = {**{k: round(v, 3) for k, v in best.items()},
                                 "ratio": round(best["newsclaims_load_s"] / best["read_parquet_s"], 2)}
        shutil.rmtree(pkg)
    return out


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    handler = partial(Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


def releases_and_load(work: Path, repo: Path) -> dict:
    import pandas as pd
    from newsclaims import load
    from newsclaims.publish.release import release
    trees = []
    for k in (1, 2):
        copy = work / f"release-{k}"
        shutil.copytree(repo, copy, ignore=shutil.ignore_patterns(".newsclaims-cache", "dist", "releases"))
        for name in ("README.md", "CHANGELOG.md", "LICENSE"):
            shutil.copy2(ROOT / name, copy / name)
        log(f"release build {k}")
        release(copy, version="1.0.0", day=date(2026, 1, 1), require_review=False)
        rel = copy / "dist" / "newsclaims-1.0.0"
        trees.append({p.relative_to(rel).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                      for p in sorted(rel.rglob("*")) if p.is_file()})
    out = {"release_files": len(trees[0]), "releases_byte_identical": trees[0] == trees[1]}
    httpd, url = serve(work / "release-1" / "dist")     # dist/ is a mirror as it stands
    cache = work / "cache"
    index = work / "release-1" / "releases" / "index.json"
    try:
        load("1.0.0", base_url=url, cache_dir=cache, index=index)        # download once: now cached
        best = {"newsclaims_load_s": float("inf"), "read_parquet_s": float("inf")}
        parquet = sorted((cache / "1.0.0" / "data").glob("*.parquet"))
        for _ in range(5):                                             # best of 5, both warm
            begin = time.perf_counter()
            load("1.0.0", base_url=url, cache_dir=cache, index=index)
            best["newsclaims_load_s"] = min(best["newsclaims_load_s"], time.perf_counter() - begin)
            begin = time.perf_counter()
            {p.stem: pd.read_parquet(p) for p in parquet}
            best["read_parquet_s"] = min(best["read_parquet_s"], time.perf_counter() - begin)
    finally:
        httpd.shutdown()
    out.update({k: round(v, 4) for k, v in best.items()})
    out["load_ratio"] = round(best["newsclaims_load_s"] / best["read_parquet_s"], 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="tiny sizes: a correctness smoke run")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one, removed)")
    args = parser.parse_args()
    sizes = SIZES["small" if args.small else "full"]
    work = args.work or Path(tempfile.mkdtemp(prefix="newsclaims-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        from newsclaims import __version__
        report = {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                              "cpus": os.cpu_count(), "newsclaims": __version__},
                  "mode": "small" if args.small else "full"}
        log("rules over the trained pipeline")
        report["rules_over_pipeline"] = rules_over_pipeline(sizes["devset_rounds"])
        log("extraction throughput")
        report["extraction"] = throughput(work, sizes["throughput"])
        log(f"extraction: {json.dumps(report['extraction'])}")
        report["build"] = builds(work, sizes["build"], report["extraction"]["all_cores_articles_per_s"])
        log(f"build: {json.dumps(report['build'])}")
        large = work / f"build-{sizes['build'][1]}"
        report["validate"] = validation(work, large, sizes["validate"])
        log(f"validate: {json.dumps(report['validate'])}")
        report["release_and_load"] = releases_and_load(work, work / f"build-{sizes['build'][0]}")
        report["load"] = load_at_sizes(work, large, sizes["load"])
        log(f"load: {json.dumps(report['load'])}")
        report["targets"] = TARGETS
        report["bench_seconds"] = round(time.monotonic() - started, 1)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
