"""Benchmark: cloudward's identity engine on a large generated account.

The account comes from ``bench/iam_account.py`` (by default 5,000 roles, 2,000 users, 10,000 customer
managed policies, about 100 groups and 2,000 resources that run as roles; generated once per size and
seed, then reused from ``bench/out/``). Measured in one run:

* ``cloudward iam privesc --gaad G --resources R --format json -o OUT`` and ``cloudward paths --gaad G
  --resources R --format json -o OUT``, each in its own process: wall time and peak resident memory (the
  process's VmHWM, polled from /proc while it runs, as ``bench/scan_lab.py`` does). A command that fails
  or times out is reported as such in the table, with the end of its stderr;
* in this process: loading the model (``AccountModel.from_gaad``) and building an ``Evaluator``, then
  ``--queries`` random ``can`` questions (random principals; actions taken from their own policies, and
  sensitive actions such as ``iam:PassRole`` or ``sts:AssumeRole`` on fitting resources), and
  ``--who-can-queries`` ``who_can`` questions: latency percentiles;
* a cross-check of the privesc output with what the generator planted (``planted.json``): planted
  escalations found, traps and administrators wrongly listed, principals listed that were not planted.

Targets (issue 5): privesc and paths under 30 s and 2 GB each; one ``can`` under 50 ms after load.

Usage: ``python bench/iam.py [--roles 5000] [--users 2000] [--policies 10000] [--seed 7] [--queries 200]``
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from scan_lab import _high_water_kb, _stop_session

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
GENERATOR = Path(__file__).resolve().parent / "iam_account.py"
CLOUDWARD = Path(sys.executable).parent / "cloudward"
TARGET_SECONDS = 30.0
TARGET_MB = 2048.0
TARGET_CAN_MS = 50.0
SENSITIVE = (
    ("iam:PassRole", "roles"),
    ("sts:AssumeRole", "roles"),
    ("iam:AttachRolePolicy", "roles"),
    ("iam:UpdateAssumeRolePolicy", "roles"),
    ("iam:CreatePolicyVersion", "policies"),
    ("iam:CreateAccessKey", "users"),
    ("iam:UpdateLoginProfile", "users"),
    ("iam:PutUserPolicy", "users"),
    ("lambda:UpdateFunctionCode", "functions"),
    ("ssm:SendCommand", "instances"),
    ("s3:GetObject", "objects"),
    ("kms:Decrypt", "keys"),
    ("secretsmanager:GetSecretValue", "secrets"),
    ("dynamodb:Scan", "tables"),
    ("ec2:RunInstances", "any"),
)
_VARIABLE = re.compile(r"\$\{[^}]*\}")


@dataclass
class Measured:
    """One measured command."""

    name: str
    command: list[str]
    wall_s: float
    peak_mb: float
    exit_code: int | None
    """None when it was stopped at the timeout."""
    error: str = ""
    """The end of its stderr when it failed."""

    @property
    def ok(self) -> bool:
        """Whether the command completed with exit code 0."""
        return self.exit_code == 0


@dataclass
class Latency:
    """Latencies of repeated in-process calls, in milliseconds."""

    samples: list[float] = field(default_factory=list)
    failures: int = 0
    first_error: str = ""

    def percentile(self, share: float) -> float:
        """The nearest-rank percentile (``share`` in 0..1) of the samples; NaN without samples."""
        if not self.samples:
            return math.nan
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]

    def summary(self) -> dict[str, Any]:
        """p50, p95, max, count and failures, rounded."""
        return {
            "count": len(self.samples),
            "failures": self.failures,
            "first_error": self.first_error,
            "first_ms": round(self.samples[0], 2) if self.samples else None,
            "p50_ms": round(self.percentile(0.5), 2),
            "p95_ms": round(self.percentile(0.95), 2),
            "max_ms": round(max(self.samples), 2) if self.samples else None,
        }


def account_files(roles: int, users: int, policies: int, seed: int, regenerate: bool) -> Path:
    """The generated account's directory (``gaad.json``, ``resources.json``, ``planted.json``), made once."""
    path = OUT / f"iam-account-{roles}r-{users}u-{policies}p-s{seed}"
    wanted = ("gaad.json", "resources.json", "planted.json")
    if regenerate or not all((path / name).exists() for name in wanted):
        print(f"generating {roles} roles, {users} users, {policies} policies (seed {seed}) into {path} ...", flush=True)
        started = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                str(GENERATOR),
                str(path),
                *("--roles", str(roles), "--users", str(users), "--policies", str(policies), "--seed", str(seed)),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"  generated in {time.monotonic() - started:.1f} s", flush=True)
    return path


def measure(name: str, command: list[str], timeout: float) -> Measured:
    """Run a command in its own session; its wall time, its own peak RSS (VmHWM) and, on failure, its stderr."""
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a full pipe would stall the command
        started = time.monotonic()
        try:
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True)
        except OSError as exc:
            return Measured(name, command, 0.0, 0.0, -1, f"cannot start: {exc}")
        peak_kb, timed_out = 0, False
        while True:
            peak_kb = max(peak_kb, _high_water_kb(process.pid))  # before wait4 reaps it
            pid, status, _ = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                process.kill()
                pid, status, _ = os.wait4(process.pid, 0)
                timed_out = True
                break
            time.sleep(0.02)
        wall = time.monotonic() - started
        _stop_session(process.pid, name)
        process.returncode = os.waitstatus_to_exitcode(status)
        measured = Measured(name, command, round(wall, 2), round(peak_kb / 1024, 1), process.returncode)
        if timed_out:
            measured.exit_code = None
            measured.error = f"stopped after the {timeout:.0f} s timeout"
        elif process.returncode != 0:
            errors.seek(0)
            measured.error = errors.read().decode(errors="replace").strip()[-1500:]
    return measured


# ---------------------------------------------------------------- in-process queries


class QueryMaker:
    """Random (principal, action, resource) questions drawn from the account's own documents."""

    def __init__(self, gaad: dict[str, Any], resources: dict[str, Any], rng: random.Random) -> None:
        """Index the account: each principal's documents, and pools of resource ARNs by kind."""
        self.rng = rng
        self.defaults: dict[str, Any] = {}
        for policy in gaad["Policies"]:
            for version in policy["PolicyVersionList"]:
                if version["IsDefaultVersion"]:
                    self.defaults[policy["Arn"]] = version["Document"]
        groups = {group["GroupName"]: group for group in gaad["GroupDetailList"]}
        self.documents: dict[str, list[Any]] = {}
        self.names: dict[str, str] = {}
        for item in [*gaad["RoleDetailList"], *gaad["UserDetailList"]]:
            holders = [item, *(groups[name] for name in item.get("GroupList", []) if name in groups)]
            found: list[Any] = []
            for holder in holders:
                found.extend(self.defaults.get(a["PolicyArn"]) for a in holder["AttachedManagedPolicies"])
                for key in ("RolePolicyList", "UserPolicyList", "GroupPolicyList"):
                    found.extend(policy["PolicyDocument"] for policy in holder.get(key, []))
            self.documents[item["Arn"]] = [document for document in found if isinstance(document, dict)]
            self.names[item["Arn"]] = item.get("RoleName") or item.get("UserName", "")
        self.principals = sorted(self.documents)
        self.pools: dict[str, list[str]] = {
            "roles": sorted(role["Arn"] for role in gaad["RoleDetailList"]),
            "users": sorted(user["Arn"] for user in gaad["UserDetailList"]),
            "policies": sorted(p["Arn"] for p in gaad["Policies"] if not p["Arn"].startswith("arn:aws:iam::aws:")),
            "functions": [r["arn"] for r in resources["resources"] if r["type"] == "AWS::Lambda::Function"],
            "instances": [r["arn"] for r in resources["resources"] if r["type"] == "AWS::EC2::Instance"],
            "objects": [],
            "keys": [],
            "secrets": [],
            "tables": [],
            "any": ["*"],
        }
        self._collect_concrete_arns()

    def _collect_concrete_arns(self) -> None:
        seen: set[str] = set()
        for documents in self.documents.values():
            for document in documents:
                for statement in _statements(document):
                    for resource in _as_list(statement.get("Resource")):
                        if not isinstance(resource, str) or resource in seen:
                            continue
                        seen.add(resource)
                        if any(mark in resource for mark in ("*", "?", "${")):
                            continue
                        if resource.startswith("arn:aws:s3:::") and "/" not in resource:
                            self.pools["objects"].append(f"{resource}/exports/2026/10/report.json")
                        elif ":kms:" in resource and ":key/" in resource:
                            self.pools["keys"].append(resource)
                        elif ":secretsmanager:" in resource:
                            self.pools["secrets"].append(resource)
                        elif ":dynamodb:" in resource and "/index/" not in resource:
                            self.pools["tables"].append(resource)
        for pool in self.pools.values():
            pool.sort()

    def _pick(self, pool: str) -> str:
        values = self.pools.get(pool) or ["*"]
        return self.rng.choice(values)

    def sensitive(self) -> tuple[str, str]:
        """A sensitive action and a resource it applies to."""
        action, pool = self.rng.choice(SENSITIVE)
        return action, self._pick(pool)

    def own(self, principal: str, expand: Callable[[str], list[str]]) -> tuple[str, str] | None:
        """An action and resource taken from one of the principal's own Allow statements (made concrete)."""
        candidates = [
            statement
            for document in self.documents.get(principal, [])
            for statement in _statements(document)
            if statement.get("Effect") == "Allow" and "Action" in statement and "Resource" in statement
        ]
        if not candidates:
            return None
        statement = self.rng.choice(candidates)
        pattern = self.rng.choice(_as_list(statement["Action"]))
        if not isinstance(pattern, str):
            return None
        action = pattern
        if "*" in pattern or "?" in pattern:
            matches = expand(pattern)
            if not matches:
                return None
            action = self.rng.choice(matches)
        resource = self.rng.choice(_as_list(statement["Resource"]))
        if not isinstance(resource, str):
            return None
        if resource == "*":
            return action, "*"
        resource = _VARIABLE.sub(self.names.get(principal, "someone"), resource)
        return action, resource.replace("*", "bench-object").replace("?", "a")

    def questions(self, count: int, expand: Callable[[str], list[str]]) -> Iterator[tuple[str, str, str]]:
        """``count`` (principal, action, resource) questions: half from own policies, half sensitive."""
        made = 0
        while made < count:
            principal = self.rng.choice(self.principals)
            asked = self.own(principal, expand) if self.rng.random() < 0.5 else self.sensitive()
            if asked is None:
                continue
            made += 1
            yield principal, asked[0], asked[1]


def _statements(document: Any) -> list[dict[str, Any]]:
    found = document.get("Statement") if isinstance(document, dict) else None
    items = found if isinstance(found, list) else [found] if isinstance(found, dict) else []
    return [item for item in items if isinstance(item, dict)]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _rss_mb() -> float:
    match = re.search(r"VmRSS:\s+(\d+)", Path("/proc/self/status").read_text())
    return int(match.group(1)) / 1024 if match else math.nan


def in_process(account_dir: Path, queries: int, who_can_queries: int, seed: int) -> dict[str, Any]:
    """Load the model once, then time ``can`` and ``who_can`` questions. Failures are reported, not raised."""
    try:
        from cloudward.iam.catalogue import default_catalogue
        from cloudward.iam.evaluate import Evaluator
        from cloudward.iam.model import AccountModel
    except ImportError as exc:
        return {"error": f"the evaluator cannot be imported: {exc}"}
    gaad = json.loads((account_dir / "gaad.json").read_text())
    resources = json.loads((account_dir / "resources.json").read_text())
    rss_before = _rss_mb()
    result: dict[str, Any] = {}
    try:
        started = time.perf_counter()
        model = AccountModel.from_gaad(gaad, resources=resources)
        loaded = time.perf_counter()
        evaluator = Evaluator(model)
        built = time.perf_counter()
    except Exception as exc:  # the evaluator is under construction: report, don't crash
        return {"error": f"loading the model failed: {type(exc).__name__}: {exc}"}
    result.update(
        load_s=round(loaded - started, 2),
        evaluator_s=round(built - loaded, 3),
        model_errors=len(model.errors),
        model_rss_growth_mb=round(_rss_mb() - rss_before, 1),
    )
    catalogue = default_catalogue()
    maker = QueryMaker(gaad, resources, random.Random(seed))
    can = Latency()
    allowed = 0
    for principal, action, resource in maker.questions(queries, lambda p: sorted(catalogue.expand(p))):
        started = time.perf_counter()
        try:
            verdict = evaluator.can(principal, action, resource)
        except Exception as exc:  # counted and shown in the table
            can.failures += 1
            can.first_error = can.first_error or f"{type(exc).__name__}: {exc} ({principal} {action} {resource})"
            continue
        can.samples.append((time.perf_counter() - started) * 1000)
        allowed += bool(verdict.allowed)
    result["can"] = {**can.summary(), "allowed": allowed}
    who = Latency()
    sizes: list[int] = []
    for _ in range(who_can_queries):
        action, resource = maker.sensitive()
        started = time.perf_counter()
        try:
            found = evaluator.who_can(action, resource)
        except Exception as exc:  # counted and shown in the table
            who.failures += 1
            who.first_error = who.first_error or f"{type(exc).__name__}: {exc} ({action} {resource})"
            continue
        who.samples.append((time.perf_counter() - started) * 1000)
        sizes.append(len(found))
    result["who_can"] = {**who.summary(), "mean_principals": round(sum(sizes) / len(sizes), 1) if sizes else None}
    return result


# ---------------------------------------------------------------- privesc cross-check


def cross_check(privesc_output: Path, account_dir: Path) -> dict[str, Any]:
    """Compare the privesc JSON with what the generator planted."""
    try:
        listed_raw = json.loads(privesc_output.read_text())
        listed = {str(entry["principal"]) for entry in listed_raw}
        conditional = sum(1 for entry in listed_raw if all(path.get("conditional") for path in entry["paths"]))
    except (OSError, ValueError, TypeError, KeyError) as exc:
        return {"error": f"cannot read the privesc output: {exc}"}
    plan = json.loads((account_dir / "planted.json").read_text())
    escalating = {item["principal"] for item in plan["planted"] if item["escalates"]}
    traps = {item["principal"] for item in plan["planted"] if not item["escalates"]}
    admins = set(plan["admins"])
    missed = sorted(escalating - listed)
    kinds = {item["principal"]: item["kind"] for item in plan["planted"]}
    return {
        "listed": len(listed),
        "conditional_only": conditional,
        "planted_escalating": len(escalating),
        "planted_found": len(escalating & listed),
        "missed": [f"{arn} ({kinds[arn]})" for arn in missed],
        "traps_listed": [f"{arn} ({kinds[arn]})" for arn in sorted(traps & listed)],
        "admins_listed": sorted(admins & listed),
        "not_planted_listed": len(listed - escalating - traps - admins),
        "not_planted_examples": sorted(listed - escalating - traps - admins)[:10],
    }


# ---------------------------------------------------------------- report


def _verdict(value: float | None, target: float) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    return "yes" if value < target else "**NO**"


def _command_rows(run: Measured) -> list[tuple[str, str, str, str]]:
    if not run.ok:
        reason = "timed out" if run.exit_code is None else f"exit {run.exit_code}"
        last = run.error.strip().splitlines()[-1] if run.error.strip() else ""
        failed = f"FAILED ({reason}{': ' + last[:150] if last else ''})"
        return [
            (f"`{run.name}` wall", failed, f"< {TARGET_SECONDS:.0f} s", "**NO**"),
            (f"`{run.name}` peak memory", f"{run.peak_mb:.0f} MB (until it failed)", f"< {TARGET_MB:.0f} MB", "n/a"),
        ]
    return [
        (
            f"`{run.name}` wall",
            f"{run.wall_s:.2f} s",
            f"< {TARGET_SECONDS:.0f} s",
            _verdict(run.wall_s, TARGET_SECONDS),
        ),
        (
            f"`{run.name}` peak memory",
            f"{run.peak_mb:.0f} MB",
            f"< {TARGET_MB:.0f} MB",
            _verdict(run.peak_mb, TARGET_MB),
        ),
    ]


def _latency_rows(label: str, data: dict[str, Any], target: float | None) -> list[tuple[str, str, str, str]]:
    if not data.get("count"):
        error = data.get("first_error") or "no successful query"
        return [(f"`{label}`", f"FAILED ({data.get('failures', 0)} failures: {error[:150]})", "", "**NO**")]
    rows = []
    for key in ("p50_ms", "p95_ms", "max_ms"):
        if key not in data or data[key] is None:
            continue
        limit = f"< {target:.0f} ms" if target else ""
        met = _verdict(data[key], target) if target else ""
        rows.append((f"`{label}` {key[:-3]} ({data['count']} queries)", f"{data[key]:.2f} ms", limit, met))
    if data.get("failures"):
        rows.append((f"`{label}` failures", f"{data['failures']}: {data['first_error'][:150]}", "0", "**NO**"))
    return rows


def report(account: dict[str, Any], runs: list[Measured], inproc: dict[str, Any], check: dict[str, Any] | None) -> str:
    """The markdown table of results against the targets, with the notes under it."""
    rows: list[tuple[str, str, str, str]] = []
    for run in runs:
        rows.extend(_command_rows(run))
    if "error" in inproc:
        rows.append(("in-process evaluator", f"FAILED ({inproc['error'][:200]})", "", "**NO**"))
    else:
        rows.append(("model load (in-process)", f"{inproc['load_s']:.2f} s", "", ""))
        rows.extend(_latency_rows("can", inproc["can"], TARGET_CAN_MS))
        rows.extend(_latency_rows("who_can", {**inproc["who_can"], "p95_ms": None}, None))
    lines = [
        f"IAM engine on a generated account: {account['roles']} roles, {account['users']} users, "
        f"{account['policies']} customer policies, {account['groups']} groups, {account['resources']} resources",
        "",
        "| measurement | result | target | met |",
        "|---|---|---|---|",
    ]
    lines.extend(f"| {name} | {value} | {target} | {met} |" for name, value, target, met in rows)
    if "error" not in inproc:
        can = inproc["can"]
        lines.append("")
        lines.append(
            f"can: first query {can['first_ms']} ms, {can['allowed']} of {can['count']} allowed; "
            f"who_can: {inproc['who_can']['mean_principals']} principals per answer on average; "
            f"model: {inproc['model_errors']} load errors, RSS +{inproc['model_rss_growth_mb']} MB"
        )
    if check is not None:
        lines.append("")
        if "error" in check:
            lines.append(f"privesc cross-check: {check['error']}")
        else:
            lines.append(
                f"privesc cross-check: {check['listed']} principals listed ({check['conditional_only']} only "
                f"under conditions); planted escalations found "
                f"{check['planted_found']}/{check['planted_escalating']}; traps listed {len(check['traps_listed'])}; "
                f"administrators listed {len(check['admins_listed'])}; listed but not planted "
                f"{check['not_planted_listed']}"
            )
            for key in ("missed", "traps_listed", "admins_listed", "not_planted_examples"):
                if check[key]:
                    lines.append(f"  {key}: " + ", ".join(check[key][:10]))
    for run in runs:
        if not run.ok and run.error:
            lines.extend(["", f"{run.name} stderr (end):", *(f"    {line}" for line in run.error.splitlines()[-12:])])
    return "\n".join(lines)


def main() -> None:
    """Generate (or reuse) the account, measure, print the table and write ``bench/out/iam.json``."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--roles", type=int, default=5000)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--policies", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--queries", type=int, default=200, help="random `can` questions")
    parser.add_argument("--who-can-queries", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a command is stopped")
    parser.add_argument("--regenerate", action="store_true", help="generate the account even if cached")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    account_dir = account_files(args.roles, args.users, args.policies, args.seed, args.regenerate)
    gaad, resources = account_dir / "gaad.json", account_dir / "resources.json"
    sizes = json.loads(gaad.read_text())
    account = {
        "roles": len(sizes["RoleDetailList"]),
        "users": len(sizes["UserDetailList"]),
        "groups": len(sizes["GroupDetailList"]),
        "policies": sum(1 for p in sizes["Policies"] if not p["Arn"].startswith("arn:aws:iam::aws:")),
        "resources": len(json.loads(resources.read_text())["resources"]),
    }
    del sizes
    runs: list[Measured] = []
    check: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory(prefix="cloudward-iam-bench-") as tmp:
        for name, words in (("iam privesc", ["iam", "privesc"]), ("paths", ["paths"])):
            output = Path(tmp) / f"{words[-1]}.json"
            command = [str(CLOUDWARD), *words, "--gaad", str(gaad), "--resources", str(resources)]
            command += ["--format", "json", "-o", str(output)]
            print(f"measuring: cloudward {' '.join(words)} ...", flush=True)
            run = measure(name, command, args.timeout)
            print(f"  {asdict(run) | {'command': ' '.join(run.command)}}", flush=True)
            runs.append(run)
            if name == "iam privesc" and run.ok:
                check = cross_check(output, account_dir)
    print(f"in-process: loading the model, {args.queries} can and {args.who_can_queries} who_can queries ...")
    inproc = in_process(account_dir, args.queries, args.who_can_queries, args.seed)
    print()
    print(report(account, runs, inproc, check))
    record = {
        "account": account,
        "commands": [asdict(run) for run in runs],
        "in_process": inproc,
        "privesc_cross_check": check,
    }
    (OUT / "iam.json").write_text(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
