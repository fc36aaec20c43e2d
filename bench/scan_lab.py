"""Benchmark: cloudward vs Prowler on the same emulated account, and offline evaluation speed.

For each ``--scale N`` (extra buckets, security groups, users and functions in the seeded lab) this
starts moto in server mode on 127.0.0.1 in its own process, seeds it, then measures in the same run:

* ``cloudward scan`` (a subprocess) twice: restricted to Prowler's services (the ``cloudward`` row, the
  one compared with Prowler) and over every service it knows (``cloudward-all``): wall time and peak RSS;
* the API calls cloudward makes for each scan, and how many were repeats (none expected);
* Prowler (its own virtual environment, ``bench/.venv-prowler``; created on first use), restricted to
  the same services: ``-s s3 iam ec2 vpc cloudtrail config kms rds awslambda``.

Then it builds a synthetic snapshot of ``--resources`` resources (the lab's resources replicated under
new ARNs) and times loading it and evaluating every check over it.

Usage: ``python bench/scan_lab.py [--scales 0,200] [--no-prowler] [--resources 100000]``
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from cloudward.api import check_inventory, collect_inventory, select_checks
from cloudward.inventory import Inventory
from cloudward.inventory.snapshot import read_snapshot, write_snapshot
from cloudward.lab import LAB_CREDENTIALS
from cloudward.lab.seed import LAB_REGIONS, seed_lab
from cloudward.providers.aws.clients import Boto3Clients

ROOT = Path(__file__).resolve().parent.parent
PROWLER_VENV = ROOT / "bench" / ".venv-prowler"
PROWLER_SERVICES = ["s3", "iam", "ec2", "vpc", "cloudtrail", "config", "kms", "rds", "awslambda"]
# the same services under cloudward's names
COMPARED_SERVICES = ["s3", "iam", "ec2", "vpc", "cloudtrail", "config", "kms", "rds", "lambda"]
OUT = ROOT / "bench" / "out"


@dataclass
class Run:
    """One measured process."""

    tool: str
    scale: int
    wall_s: float
    peak_rss_mb: float
    exit_code: int
    api_calls: int | None = None
    repeated_calls: int | None = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start_moto() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # the lab attaches AdministratorAccess: moto must know AWS managed policies
        env={**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"},
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
            return process, endpoint
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("moto server did not start")


def _session_leftovers(session: int) -> list[str]:
    """Processes still alive in a session (a measured tool's helpers that outlived it)."""
    left = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session:  # field 6 of /proc/PID/stat: the session id
            left.append(stat.parent.name)
    return left


def _stop_session(session: int, tool: str) -> None:
    """Stop what a measured tool left running, so it cannot weigh on the next measurement."""
    leftovers = _session_leftovers(session)
    if leftovers:
        print(f"  {tool} left {len(leftovers)} process(es) running; stopping them", file=sys.stderr)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(session, signal.SIGKILL)


def _high_water_kb(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"VmHWM:\s+(\d+)", status)
    return int(match.group(1)) if match else 0


def _measure(tool: str, scale: int, command: list[str], env: dict[str, str], timeout: float) -> Run:
    """Run a command, returning its wall time and its own peak RSS.

    The peak is the process's VmHWM, polled while it runs. Not ru_maxrss: Linux carries the address space
    the child had between fork and exec (a copy of this benchmark process, hundreds of MB once it has
    seeded and collected a lab itself) into the child's ru_maxrss, which inflated earlier figures.
    """
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a full pipe would stall the tool
        started = time.monotonic()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True)
        deadline = started + timeout
        peak_kb = 0
        while True:
            peak_kb = max(peak_kb, _high_water_kb(process.pid))  # before wait4 reaps it
            pid, status, _ = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                pid, status, _ = os.wait4(process.pid, 0)
                break
            time.sleep(0.02)
        wall = time.monotonic() - started
        _stop_session(process.pid, tool)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in (0, 1, 3):
            errors.seek(0)
            tail = errors.read().decode(errors="replace")[-2000:]
            print(f"  {tool} exited {process.returncode}: {tail}", file=sys.stderr)
    return Run(tool, scale, round(wall, 2), round(peak_kb / 1024, 1), process.returncode)


def _aws_env(endpoint: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID=LAB_CREDENTIALS.access_key_id,
        AWS_SECRET_ACCESS_KEY=LAB_CREDENTIALS.secret_access_key,
        AWS_DEFAULT_REGION="us-east-1",
    )
    return env


def _count_calls(endpoint: str, services: list[str]) -> tuple[int, int]:
    """The API calls one cloudward collection makes, and how many repeat an earlier identical call."""
    clients = Boto3Clients(endpoint_url=endpoint, credentials=LAB_CREDENTIALS)
    calls: Counter[tuple[str, str, str, str]] = Counter()
    clients.add_call_hook(
        lambda service, region, operation, params: calls.update(
            [(service, region, operation, json.dumps(params, sort_keys=True, default=str))]
        )
    )
    collect_inventory(select_checks(services=services), clients, list(LAB_REGIONS))
    return sum(calls.values()), sum(count - 1 for count in calls.values())


def _ensure_prowler() -> Path | None:
    prowler = PROWLER_VENV / "bin" / "prowler"
    if prowler.exists():
        return prowler
    print("installing Prowler into bench/.venv-prowler ...", file=sys.stderr)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(PROWLER_VENV)], check=True)
        subprocess.run([str(PROWLER_VENV / "bin" / "pip"), "install", "-q", "prowler"], check=True)
    except subprocess.CalledProcessError as exc:
        print(f"cannot install Prowler: {exc}", file=sys.stderr)
        return None
    return prowler if prowler.exists() else None


def bench_scale(scale: int, with_prowler: bool, workdir: Path, prowler_timeout: float) -> list[Run]:
    """Seed a fresh emulated account at this scale and measure both tools against it."""
    moto, endpoint = _start_moto()
    try:
        seed_lab(endpoint, scale=scale, age_keys=False)  # keys can only be aged in-process
        env = _aws_env(endpoint)
        runs: list[Run] = []
        for tool, services in (("cloudward", COMPARED_SERVICES), ("cloudward-all", [])):
            run = _measure(
                tool,
                scale,
                [
                    str(Path(sys.executable).parent / "cloudward"),
                    "scan",
                    "--endpoint-url",
                    endpoint,
                    "--regions",
                    ",".join(LAB_REGIONS),
                    *(["--services", ",".join(services)] if services else []),
                    "--output-dir",
                    str(workdir / f"{tool}-{scale}"),
                ],
                env,
                timeout=600,
            )
            run.api_calls, run.repeated_calls = _count_calls(endpoint, services)
            print(f"measured: {asdict(run)}", flush=True)  # kept even if a later step fails
            runs.append(run)
        prowler = _ensure_prowler() if with_prowler else None
        if prowler is not None:
            prowler_run = _measure(
                "prowler",
                scale,
                [
                    str(prowler),
                    "aws",
                    "--no-banner",
                    "-s",
                    *PROWLER_SERVICES,
                    "-f",
                    *LAB_REGIONS,
                    "-o",
                    str(workdir / f"prowler-{scale}"),
                ],
                env,
                timeout=prowler_timeout,
            )
            print(f"measured: {asdict(prowler_run)}", flush=True)
            runs.append(prowler_run)
        return runs
    finally:
        moto.terminate()
        moto.wait(timeout=10)


def _synthetic(inventory: Inventory, target: int) -> Inventory:
    """Replicate real collected resources under new ARNs until there are ``target`` of them."""
    base = [resource for resource in inventory if resource.type not in ("AWS::::Account",)]
    resources = list(inventory)
    copy = 0
    while len(resources) < target:
        copy += 1
        resources.extend(
            replace(resource, arn=f"{resource.arn}-copy{copy}", name=f"{resource.name}-copy{copy}")
            for resource in base[: target - len(resources)]
        )
    return Inventory(inventory.account_id, inventory.collected_at, inventory.regions, resources, inventory.errors)


def bench_snapshot(target: int, workdir: Path) -> dict[str, Any]:
    """Time loading and checking a synthetic snapshot of ``target`` resources."""
    moto, endpoint = _start_moto()
    try:
        seed_lab(endpoint, scale=50, age_keys=False)
        checks = select_checks()
        clients = Boto3Clients(endpoint_url=endpoint, credentials=LAB_CREDENTIALS)
        inventory, needs = collect_inventory(checks, clients, list(LAB_REGIONS))
    finally:
        moto.terminate()
        moto.wait(timeout=10)
    path = write_snapshot(_synthetic(inventory, target), workdir / "synthetic-snapshot", needs)
    started = time.perf_counter()
    loaded, _ = read_snapshot(path)
    loaded_at = time.perf_counter()
    findings = check_inventory(checks, loaded)
    done = time.perf_counter()
    return {
        "resources": len(loaded),
        "checks": len(checks),
        "findings": len(findings),
        "load_s": round(loaded_at - started, 2),
        "evaluate_s": round(done - loaded_at, 2),
        "total_s": round(done - started, 2),
        "resources_per_s": round(len(loaded) / (done - started)),
    }


def main() -> None:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="0,200")
    parser.add_argument("--no-prowler", action="store_true")
    parser.add_argument("--prowler-timeout", type=float, default=1200)
    parser.add_argument("--resources", type=int, default=100_000)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cloudward-bench-") as tmp:
        workdir = Path(tmp)
        runs: list[Run] = []
        for scale in (int(s) for s in args.scales.split(",")):
            runs.extend(bench_scale(scale, not args.no_prowler, workdir, args.prowler_timeout))
        snapshot = bench_snapshot(args.resources, workdir)
    print("\nScan of the emulated lab account (same moto server, same services, same run)")
    print(f"{'tool':<13} {'scale':>5} {'wall s':>8} {'peak MB':>8} {'exit':>4} {'API calls':>9} {'repeated':>8}")
    for run in runs:
        calls = "" if run.api_calls is None else str(run.api_calls)
        repeated = "" if run.repeated_calls is None else str(run.repeated_calls)
        print(
            f"{run.tool:<13} {run.scale:>5} {run.wall_s:>8} {run.peak_rss_mb:>8} {run.exit_code:>4} "
            f"{calls:>9} {repeated:>8}"
        )
    for scale in sorted({run.scale for run in runs}):
        pair = {run.tool: run for run in runs if run.scale == scale}
        if "prowler" in pair:
            ours, theirs = pair["cloudward"], pair["prowler"]
            print(
                f"scale {scale}: cloudward is {theirs.wall_s / ours.wall_s:.1f}x faster and uses "
                f"{ours.peak_rss_mb / theirs.peak_rss_mb:.2f}x of Prowler's peak memory (same services)"
            )
    print("\nOffline evaluation of a synthetic snapshot")
    for key, value in snapshot.items():
        print(f"  {key:<16} {value}")
    (OUT / "scan_lab.json").write_text(json.dumps({"runs": [asdict(r) for r in runs], "snapshot": snapshot}, indent=2))


if __name__ == "__main__":
    main()
