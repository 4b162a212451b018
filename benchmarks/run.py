"""Measure company-research end to end and write benchmarks/RESULTS.md.

    python benchmarks/run.py                       # the full run (a few minutes)
    python benchmarks/run.py --baseline REV        # also measure the code of commit REV
    python benchmarks/run.py --companies 4 --delay 0 --output /tmp/r.md   # a smoke run

Everything the numbers depend on runs in child processes: the site server (benchmarks/server.py,
generated sites with a per-response delay) and every measured program (the `research` command
line, or benchmarks/worker.py for the library). A variant is a source tree put first on
PYTHONPATH, so the code of another commit (`git archive REV src`) is measured by the same
harness, against the same server, in the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from sitegen import build_company, domain_of  # noqa: E402

PER_HOST_LIMIT = 4  # Settings.per_host_concurrency, the politeness the floors assume
CPU_REPEAT = 3  # runs of measure 4, each side; the one with the least CPU time counts
REFRESH_REPEAT = 3  # first crawls of the watchlist (measure 2); the fastest counts


@dataclass(frozen=True)
class Variant:
    """The code measured: a label and a source tree (None: the installed package)."""

    label: str
    src: Path | None = None

    def env(self) -> dict[str, str]:
        env = {**os.environ, "RESEARCH_RESOLVED_ONLY": "1", "NO_COLOR": "1"}
        env.pop("RESEARCH_RESOLVE", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # see compile_bytecode()
        if self.src is not None:
            env["PYTHONPATH"] = os.pathsep.join(
                [str(self.src), *filter(None, [os.environ.get("PYTHONPATH")])]
            )
        return env


@dataclass
class Params:
    companies: int = 100
    concurrency: int = 16
    delay: float = 0.1
    repeat: int = 5
    cpu_companies: int = 40
    work: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="bench-")))


# -- the server ----------------------------------------------------------------------------
@contextlib.contextmanager
def bench_server(delay: float) -> Iterator[str]:
    """Start benchmarks/server.py in a child process; yield its base URL."""
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "server.py"), str(delay)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        base = proc.stdout.readline().strip()
        if not base.startswith("http://"):
            raise RuntimeError("benchmark server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def control(base: str, command: str) -> object:
    with urllib.request.urlopen(f"{base}/_bench/{command}", timeout=600) as resp:
        return json.loads(resp.read())


def stats(base: str) -> dict:
    return control(base, "stats")  # type: ignore[return-value]


def served(base: str) -> list[tuple[str, str, int, int, float, float]]:
    """(host, path, status, bytes, arrived, answered) per request, times from time.time()."""
    return [tuple(x) for x in control(base, "log")]  # type: ignore[union-attr]


# -- floors --------------------------------------------------------------------------------
def company_floor(domain: str, paths: list[str], delay: float) -> dict:
    """Sequential and dependency floors of one crawl, from the paths it requested.

    rounds: the deepest discovery round among the requested paths (robots.txt is round 1, the
    home page and the sitemap round 2, what they link to round 3...): no crawler can have those
    answers sooner. Everything else can overlap, PER_HOST_LIMIT at a time.
    """
    number = int(domain.rsplit("-", 1)[1].split(".")[0])
    depths = build_company(number).depths()
    rounds = max((depths.get(p, 1) for p in paths), default=1)
    requests = len(paths)
    return {
        "requests": requests,
        "rounds": rounds,
        "sequential": requests * delay,
        "dependency": delay * (rounds + max(0, requests - rounds) / PER_HOST_LIMIT),
    }


# -- measurements --------------------------------------------------------------------------
def _cli(variant: Variant, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "company_research", *args],
        capture_output=True,
        text=True,
        env=variant.env(),
        check=False,
        timeout=600,
    )
    return time.perf_counter() - started, proc


def one_company(base: str, variant: Variant, params: Params) -> dict:
    """`research DOMAIN` into an empty store, start-up included; the best and the median of the repeats."""
    domain = domain_of(0)
    runs = []
    for i in range(params.repeat):
        db = params.work / f"one-{variant.label}-{i}.db"
        control(base, "reset")
        wall, proc = _cli(
            variant, domain, "--db", str(db), "--resolve", f"{domain}={base}/{domain}",
            "--format", "json",
        )  # fmt: skip
        if proc.returncode != 0:
            raise RuntimeError(f"research {domain} failed: {proc.stderr.strip()}")
        paths = [p for (h, p, *_rest) in served(base) if h == domain]
        runs.append((wall, paths, stats(base)["max_in_flight_per_host"]))
    # The best of the repeats: the machine is shared, and other work only ever adds time.
    wall, paths, in_flight = min(runs, key=lambda r: r[0])
    floor = company_floor(domain, paths, params.delay)
    return {
        "wall": wall,
        "median": statistics.median(r[0] for r in runs),
        "walls": [r[0] for r in runs],
        "max_in_flight": in_flight,
        **floor,
        "vs_dependency": wall / floor["dependency"] if floor["dependency"] else None,
    }


def _worker(variant: Variant, *args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, str(HERE / "worker.py"), *args],
        capture_output=True,
        text=True,
        env=variant.env(),
        check=False,
        timeout=3600,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"worker {args[0]} failed: {proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def refresh(
    base: str, variant: Variant, params: Params, companies: int, db: Path, *extra: str
) -> dict:
    """Research `companies` companies at once (first crawl, or a refresh if db has them);
    `extra`: worker.py's PROCESSES and `warm`."""
    control(base, "reset")
    out = _worker(
        variant, "refresh", base, str(db), str(companies), str(params.concurrency), *extra
    )
    server = stats(base)
    log = served(base)
    floors = [
        company_floor(
            domain_of(i), [p for (h, p, *_rest) in log if h == domain_of(i)], params.delay
        )
        for i in range(companies)
    ]
    dependency = max(
        max((f["dependency"] for f in floors), default=0.0),
        sum(f["dependency"] for f in floors) / params.concurrency,
    )
    sequential = server["requests"] * params.delay
    return {
        **out,
        "requests": server["requests"],
        "bytes": server["bytes"],
        "not_modified": server["statuses"].get("304", 0),
        "max_in_flight_per_host": server["max_in_flight_per_host"],
        "max_in_flight_total": server["max_in_flight_total"],
        "sequential": sequential,
        "dependency": dependency,
        "speedup": sequential / out["wall"] if out["wall"] and sequential else None,
    }


def cpu(base: str, variant: Variant, params: Params) -> dict:
    """Pages per CPU-second of the whole pipeline in one process with no delay, and of bare
    trafilatura.extract; imports done before the clock starts on both sides. Each pipeline
    run is followed at once by a bare run over the pages it fetched: the ratio is the median
    of those back-to-back pairs, so that the machine's speed drifting (it is shared) between
    one measurement and the next does not move it."""
    pairs = []
    for i in range(CPU_REPEAT):
        control(base, "delay?seconds=0")
        try:
            db = params.work / f"cpu-{variant.label}-{i}.db"
            run = refresh(base, variant, params, params.cpu_companies, db, "1", "warm")
            log = served(base)
        finally:
            control(base, f"delay?seconds={params.delay}")
        pages_file = _fetched_pages(log, params.work / f"pages-{variant.label}-{i}.json")
        bare = _worker(variant, "bare", str(pages_file))
        pairs.append((run, bare))
    ratios = sorted(
        (bare["pages"] / bare.get("cpu", bare["wall"])) / (bare["pages"] / run["cpu"])
        for run, bare in pairs
    )
    run = min((r for r, _b in pairs), key=lambda r: r["cpu"])
    bare = min((b for _r, b in pairs), key=lambda b: b.get("cpu", b["wall"]))
    pages = bare["pages"]
    return {
        "pages": pages,
        "pipeline_wall": run["wall"],
        "pipeline_processes": run.get("processes", 1),
        "pipeline_cpu": run["cpu"],
        "pipeline_rate": pages / run["cpu"],
        "bare_wall": bare["wall"],
        "bare_rate": pages / bare.get("cpu", bare["wall"]),
        "ratio": 1 / statistics.median(ratios),
        "ratios": [1 / r for r in ratios],
    }


def _fetched_pages(log: list, out: Path) -> Path:
    """The HTML pages a run fetched (from the server's log), as a JSON file for `bare`."""
    pages = []
    sites = {}
    for host, path, status, *_rest in log:
        if status != 200 or path.endswith((".xml", ".txt")):
            continue
        if host not in sites:
            sites[host] = build_company(int(host.rsplit("-", 1)[1].split(".")[0]))
        pages.append(
            {"url": f"https://{host}{path}", "html": sites[host].pages[path].body.decode()}
        )
    out.write_text(json.dumps(pages), encoding="utf-8")
    return out


def startup(base: str, variant: Variant, params: Params) -> dict:
    """`research --help` and `research brief` from a warm store; the best and the median of the repeats."""
    domain = domain_of(0)
    db = params.work / f"one-{variant.label}-0.db"
    helps = [_cli(variant, "--help")[0] for _ in range(params.repeat)]
    briefs = []
    for _ in range(params.repeat):
        wall, proc = _cli(variant, "brief", domain, "--db", str(db), "--format", "md")
        if proc.returncode != 0:
            raise RuntimeError(f"research brief failed: {proc.stderr.strip()}")
        briefs.append(wall)
    return {
        "help": min(helps),
        "help_median": statistics.median(helps),
        "brief": min(briefs),
        "brief_median": statistics.median(briefs),
    }


def compile_bytecode(variant: Variant) -> None:
    """Compile the measured code to bytecode first, as `pip install` does: a source tree run
    with PYTHONDONTWRITEBYTECODE (set on some machines) would compile every module of the
    package on every start, about 0.1 s that no installed copy pays."""
    if variant.src is not None:
        tree = variant.src
    else:
        spec = importlib.util.find_spec("company_research")
        tree = Path(next(iter(spec.submodule_search_locations)))  # type: ignore[union-attr]
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(tree)],
        env=variant.env(),
        check=True,
        capture_output=True,
    )


def measure(base: str, variant: Variant, params: Params, log: object = print) -> dict:
    """Every measurement of one variant, against a server already running."""
    say = log if callable(log) else print
    compile_bytecode(variant)
    results: dict = {"label": variant.label}
    say(f"[{variant.label}] one company")
    results["one"] = one_company(base, variant, params)
    say(f"[{variant.label}] refresh of {params.companies} companies")
    firsts = []
    for i in range(REFRESH_REPEAT):  # the fastest first crawl counts (a shared machine)
        db = params.work / f"refresh-{variant.label}-{i}.db"
        firsts.append((refresh(base, variant, params, params.companies, db), db))
    results["refresh"], db = min(firsts, key=lambda r: r[0]["wall"])
    results["refresh"]["walls"] = [r["wall"] for r, _db in firsts]
    say(f"[{variant.label}] unchanged refresh")
    results["unchanged"] = refresh(base, variant, params, params.companies, db)
    small = max(1, params.companies // 4)
    say(f"[{variant.label}] memory with {small} companies")
    results["small"] = refresh(
        base, variant, params, small, params.work / f"small-{variant.label}.db"
    )
    say(f"[{variant.label}] cpu")
    results["cpu"] = cpu(base, variant, params)
    say(f"[{variant.label}] start-up")
    results["startup"] = startup(base, variant, params)
    return results


# -- the machine and the report ------------------------------------------------------------
def machine() -> dict:
    cpu_name = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_name = line.split(":", 1)[1].strip()
                break
    versions = {}
    for dist in ("company-research", "httpx", "trafilatura", "lxml", "sqlite-utils", "typer"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[dist] = metadata.version(dist)
    return {
        "cpu": cpu_name or "unknown",
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
        "load": os.getloadavg(),
    }


def _mem(run: dict) -> str:
    workers = run.get("workers_peak_rss_mb") or 0
    text = f"{run['peak_rss_mb']:.0f} MB"
    return f"{text} ({workers:.0f} MB)" if workers else text


def _s(x: float) -> str:
    return f"{x:.2f} s"


def _pass(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _ratio(value: float | None, target: float, *, below: bool, unit: str = "") -> str:
    if not value:
        return "n/a (no delay)"
    ok = value <= target if below else value >= target
    return f"{value:.2f}{unit} ({_pass(ok)})"


def render(results: list[dict], params: Params, env: dict, command: str) -> str:
    """The results as Markdown: one column per variant, targets beside the figures."""
    labels = [r["label"] for r in results]
    head = "| measure | target | " + " | ".join(labels) + " |"
    rule = "|---|---|" + "---|" * len(labels)
    rows: list[tuple[str, str, list[str]]] = []

    def row(name: str, target: str, fmt: object) -> None:
        rows.append((name, target, [fmt(r) for r in results]))  # type: ignore[operator]

    n, small = params.companies, max(1, params.companies // 4)
    row(
        "1. one company: time to brief (start-up included)",
        "",
        lambda r: f"{_s(r['one']['wall'])} (median {_s(r['one']['median'])})",
    )
    row(
        "   requests / discovery rounds",
        "",
        lambda r: f"{r['one']['requests']} / {r['one']['rounds']}",
    )
    row("   sequential floor (requests x delay)", "", lambda r: _s(r["one"]["sequential"]))
    row("   dependency floor", "", lambda r: _s(r["one"]["dependency"]))
    row(
        "   time / dependency floor",
        "<= 1.5",
        lambda r: _ratio(r["one"]["vs_dependency"], 1.5, below=True),
    )
    row(
        f"2. refresh of {n} companies: wall time (CPU time, all processes)",
        "",
        lambda r: (
            f"{_s(r['refresh']['wall'])} ({_s(r['refresh']['cpu'])}); runs: "
            + ", ".join(_s(w) for w in r["refresh"].get("walls", [r["refresh"]["wall"]]))
        ),
    )
    row(
        "   requests / pages parsed / failed",
        "",
        lambda r: (
            f"{r['refresh']['requests']} / {r['refresh']['pages']} / {r['refresh']['failed']}"
        ),
    )
    row(
        "   sequential floor / dependency floor",
        "",
        lambda r: f"{_s(r['refresh']['sequential'])} / {_s(r['refresh']['dependency'])}",
    )
    row(
        "   speed-up over sequential",
        ">= 20x",
        lambda r: _ratio(r["refresh"]["speedup"], 20, below=False, unit="x"),
    )
    row(
        "   max in flight per host (total)",
        "<= 4",
        lambda r: (
            f"{r['refresh']['max_in_flight_per_host']} ({r['refresh']['max_in_flight_total']})"
        ),
    )
    row(
        f"   peak memory, {n} vs {small} companies (largest worker process, at most)",
        "flat",
        lambda r: f"{_mem(r['refresh'])} vs {_mem(r['small'])}",
    )
    row(
        "   processes that refreshed companies",
        "",
        lambda r: str(r["refresh"].get("processes", 1)),
    )
    row("   measured through", "", lambda r: f"`{r['refresh'].get('via', '?')}`")
    row(
        f"3. unchanged refresh of {n}: wall time (CPU time, all processes)",
        "",
        lambda r: f"{_s(r['unchanged']['wall'])} ({_s(r['unchanged']['cpu'])})",
    )
    row(
        "   requests / answered 304",
        "",
        lambda r: f"{r['unchanged']['requests']} / {r['unchanged']['not_modified']}",
    )
    row(
        "   body bytes vs first crawl",
        "< 5%",
        lambda r: (
            f"{r['unchanged']['bytes']:,} vs {r['refresh']['bytes']:,} = {100 * r['unchanged']['bytes'] / max(1, r['refresh']['bytes']):.1f}% ({_pass(r['unchanged']['bytes'] < 0.05 * r['refresh']['bytes'])})"
        ),
    )
    row(
        f"4. CPU, no delay, one process: pipeline ({params.cpu_companies} companies)",
        "",
        lambda r: (
            f"{r['cpu']['pipeline_rate']:.1f} pages per CPU-second ({r['cpu']['pages']} pages, {_s(r['cpu']['pipeline_cpu'])} CPU, {_s(r['cpu']['pipeline_wall'])} wall)"
        ),
    )
    row(
        "   bare trafilatura.extract, same pages",
        "",
        lambda r: f"{r['cpu']['bare_rate']:.1f} pages per CPU-second",
    )
    row(
        "   pipeline / bare (median of back-to-back pairs)",
        ">= 0.5",
        lambda r: (
            f"{r['cpu']['ratio']:.2f} ({_pass(r['cpu']['ratio'] >= 0.5)}); pairs: "
            + ", ".join(f"{x:.2f}" for x in r["cpu"].get("ratios", []))
        ),
    )
    row(
        "5. start-up: `research --help`",
        "< 0.3 s",
        lambda r: f"{_s(r['startup']['help'])} ({_pass(r['startup']['help'] < 0.3)})",
    )
    row(
        "   `research brief` from a warm store",
        "",
        lambda r: f"{_s(r['startup']['brief'])} (median {_s(r['startup']['brief_median'])})",
    )
    table = "\n".join([head, rule, *(f"| {a} | {b} | " + " | ".join(c) + " |" for a, b, c in rows)])
    versions = ", ".join(f"{k} {v}" for k, v in env["versions"].items())
    load = ", ".join(f"{x:.2f}" for x in env["load"])
    load_after = ", ".join(f"{x:.2f}" for x in env.get("load_after", env["load"]))
    return f"""# Benchmark results

Produced by `{command}` on {env["date"]}, one run on one machine.

- Machine: {env["cpu"]}, {env["cores"]} cores, {env["platform"]}
- Python {env["python"]}; {versions}
- Load average (1, 5, 15 min) before: {load}; after: {load_after} (the machine is shared)
- Sites: generated companies (benchmarks/sitegen.py), 30-40 KB pages served gzipped by
  benchmarks/server.py with {params.delay * 1000:.0f} ms before every answer;
  {params.concurrency} companies crawled at once in the refresh, at most {PER_HOST_LIMIT}
  requests per host (Settings.per_host_concurrency).

{table}

How to read it:
- Sequential floor: every request of the run, one after another, each costing the delay.
- Dependency floor of one company: delay x (rounds + (requests - rounds) / {PER_HOST_LIMIT}),
  where rounds is the deepest discovery round among the URLs the crawl asked for (robots.txt,
  then the home page and the sitemap robots.txt names, then what those link to...). A refresh's
  dependency floor is the larger of its slowest company's floor and the sum of the companies'
  floors divided by the companies crawled at once.
- One company and start-up: the best of {params.repeat} runs (the machine is shared; other work
  only ever adds time), medians beside; the first refresh of the list: the fastest of
  {REFRESH_REPEAT} (each into a new store; all listed); the unchanged refresh and the memory
  runs are single, with the CPU time beside the wall time. Every measured program is a fresh
  process (imports included).
- CPU: every HTML page the pipeline fetched (fetch, parse, extract, store, brief), with no
  delay, in one process (`--processes 1`), per second of CPU time ({CPU_REPEAT} runs each
  side), against
  `trafilatura.extract` alone over the same HTML in one process; both import what they need
  before the clock starts (`bare` extracts one page first, the pipeline imports its modules).
  CPU time, not wall time, so that a second core does not count as speed per page. Each
  pipeline run is followed at once by a bare run over the pages it fetched; the ratio is the
  median of those pairs (the machine's speed drifts by a third between measurements a minute
  apart); the rates shown are the best of each.
- The refresh is `research refresh --all --concurrency {params.concurrency}` of a watchlist,
  called through its library function (`refresh.refresh()`, so the worker can report its peak
  memory), with its default number of processes (one per core, at most 4; the worker
  processes' CPU time is counted in); code older than that command is measured the way it refreshes: asyncio over
  `pipeline.research_company()` with one client, one Politeness, one store
  (benchmarks/worker.py).
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--delay", type=float, default=0.1, help="seconds before every answer")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cpu-companies", type=int, default=40)
    parser.add_argument(
        "--baseline", metavar="REV", help="also measure the code of this git revision"
    )
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    params = Params(
        companies=args.companies,
        concurrency=args.concurrency,
        delay=args.delay,
        repeat=args.repeat,
        cpu_companies=args.cpu_companies,
    )
    command = "python benchmarks/run.py" + (
        " " + " ".join(sys.argv[1:]) if argv is None and sys.argv[1:] else ""
    )
    results = run(params, baseline=args.baseline, command=command)
    args.output.write_text(results, encoding="utf-8")
    print(results)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def run(params: Params, *, baseline: str | None = None, command: str = "run") -> str:
    """Measure the current code (and a baseline revision); return RESULTS.md's text."""
    variants = []
    try:
        if baseline:
            variants.append(Variant(f"before ({baseline})", _export(baseline, params.work)))
        variants.append(Variant("after" if baseline else "current"))
        env = {**machine(), "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}
        results = []
        with bench_server(params.delay) as base:
            control(base, f"warm?companies={max(params.companies, params.cpu_companies)}")
            for variant in variants:
                results.append(
                    measure(base, variant, params, log=lambda m: print(m, file=sys.stderr))
                )
        env["load_after"] = os.getloadavg()
        return render(results, params, env, command)
    finally:
        shutil.rmtree(params.work, ignore_errors=True)


def _export(rev: str, work: Path) -> Path:
    """The src/ tree of a git revision, extracted under work (no worktree, no checkout)."""
    target = work / "baseline"
    target.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev, "src"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / "src"


if __name__ == "__main__":
    raise SystemExit(main())
