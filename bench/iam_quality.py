"""Benchmark: privilege-escalation quality of cloudward, Cloudsplaining and Parliament on the labelled corpus.

The corpus (``tests/fixtures/iam/privesc/``, one account per pathfinding.cloud path: vulnerable
principals and traps) is given to each tool as the same GetAccountAuthorizationDetails document:

* cloudward: ``cloudward iam privesc --gaad FILE [--resources FILE] --format json`` in a subprocess
  (``.venv/bin/cloudward``); a principal is flagged when it is in the output, and its path ids are
  the ``methods`` of each reported path.
* Cloudsplaining (Python API, the analysis ``cloudsplaining scan`` runs, with its default exclusions
  file): it reports privilege escalation per policy (``PrivilegeEscalation.findings`` of an inline or
  managed policy). A principal is flagged when any policy attached to it (directly, inline, or through
  one of its groups) has such a finding. Run twice: as ``scan`` does by default, which only considers
  statements without resource constraints or conditions, and as ``scan -aR`` (``--flag-all-risky-actions``),
  which considers them all. Its finding types map to path ids through its own
  ``PRIVILEGE_ESCALATION_PATHFINDING_PATHS`` table.
* Parliament (``parliament.analyze_policy_string`` with the community auditors): a principal is
  flagged when any of its policies (the same set as above) has a ``PRIVILEGE_ESCALATION`` finding. Its
  finding types are the original Rhino method names, a subset of Cloudsplaining's, mapped the same way.

Measured per tool: recall over the principals labelled ``escalates``; false positives over those
labelled ``safe``; for tools that name methods, the share of detected escalating principals reported
with the labelled ids (one path, or for the peers one policy set, using every labelled id); and per
path id (scenario) the misses and false positives. A tool that fails on a scenario is reported as a
failure for it (its principals count as not detected), never as a crash of the run.

Usage: ``.venv/bin/python bench/iam_quality.py [--workers N]`` (prints markdown).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "iam" / "privesc"
CLOUDWARD = ROOT / ".venv" / "bin" / "cloudward"
CLOUDWARD_TIMEOUT = 300

MethodSets = list[frozenset[str]]
"""Per flagged principal: the path ids of each reported path (empty sets when the tool names none)."""


@dataclass(frozen=True)
class Scenario:
    """One labelled account of the corpus."""

    pid: str
    gaad: dict[str, Any]
    resources: list[dict[str, Any]] | None
    escalates: dict[str, list[str]]
    safe: list[str]


@dataclass
class ToolResult:
    """What one tool reported on every scenario."""

    name: str
    flagged: dict[str, dict[str, MethodSets]] = field(default_factory=dict)
    """Scenario id -> flagged principal ARN -> path id sets."""
    errors: dict[str, str] = field(default_factory=dict)
    """Scenario id -> why the tool failed on it."""
    names_methods: bool = True
    seconds: float = 0.0


def load_corpus(directory: Path = CORPUS) -> list[Scenario]:
    """Every scenario of the corpus, by path id."""
    scenarios = []
    for path in sorted(directory.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        labels = document["labels"]
        scenarios.append(
            Scenario(path.stem, document["gaad"], document.get("resources"), labels["escalates"], labels["safe"])
        )
    return scenarios


# ---- cloudward ---------------------------------------------------------------------------------------------


def cloudward_scenario(scenario: Scenario) -> dict[str, MethodSets]:
    """Run ``cloudward iam privesc`` on one scenario; raise RuntimeError with the reason when it fails."""
    with tempfile.TemporaryDirectory(prefix="iam-quality-") as tmp:
        gaad = Path(tmp) / "gaad.json"
        gaad.write_text(json.dumps(scenario.gaad), encoding="utf-8")
        command = [str(CLOUDWARD), "iam", "privesc", "--gaad", str(gaad), "--format", "json"]
        if scenario.resources is not None:
            resources = Path(tmp) / "resources.json"
            resources.write_text(json.dumps({"resources": scenario.resources}), encoding="utf-8")
            command += ["--resources", str(resources)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=CLOUDWARD_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise RuntimeError(f"{type(exc).__name__}: {exc}") from exc
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()] or ["(no output)"]
        raise RuntimeError(f"exit {done.returncode}: {lines[-1].strip()}")
    try:
        items: Any = json.loads(done.stdout)
        return {
            str(item["principal"]): [frozenset(str(pid) for pid in path["methods"]) for path in item["paths"]]
            for item in items
        }
    except (ValueError, KeyError, TypeError) as exc:
        raise RuntimeError(f"unreadable output ({type(exc).__name__}: {exc}): {done.stdout[:120]!r}") from exc


def run_cloudward(scenarios: list[Scenario], workers: int) -> ToolResult:
    """cloudward on every scenario, ``workers`` subprocesses at a time."""
    result = ToolResult("cloudward")
    started = time.perf_counter()

    def one(scenario: Scenario) -> tuple[str, dict[str, MethodSets] | str]:
        try:
            return scenario.pid, cloudward_scenario(scenario)
        except RuntimeError as exc:
            return scenario.pid, str(exc)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for pid, outcome in pool.map(one, scenarios):
            if isinstance(outcome, str):
                result.errors[pid] = outcome
            else:
                result.flagged[pid] = outcome
    result.seconds = time.perf_counter() - started
    return result


# ---- the peers: which policies each principal has ------------------------------------------------------------


def principal_policies(gaad: Mapping[str, Any]) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Per user and role ARN, its policies (inline, managed, and its groups') as (label, document).

    Managed policies contribute their default version. Permissions boundaries are not included: they
    grant nothing.
    """
    defaults: dict[str, dict[str, Any]] = {}
    for policy in gaad.get("Policies", []):
        for version in policy.get("PolicyVersionList", []):
            if version.get("IsDefaultVersion"):
                defaults[policy["Arn"]] = _document(version["Document"])

    def own(entry: Mapping[str, Any], inline_key: str) -> list[tuple[str, dict[str, Any]]]:
        found = [
            (f"inline {item['PolicyName']}", _document(item["PolicyDocument"])) for item in entry.get(inline_key, [])
        ]
        found += [
            (item["PolicyArn"], defaults[item["PolicyArn"]])
            for item in entry.get("AttachedManagedPolicies", [])
            if item["PolicyArn"] in defaults
        ]
        return found

    groups = {group["GroupName"]: own(group, "GroupPolicyList") for group in gaad.get("GroupDetailList", [])}
    out: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for user in gaad.get("UserDetailList", []):
        out[user["Arn"]] = own(user, "UserPolicyList") + [
            policy for name in user.get("GroupList", []) for policy in groups.get(name, [])
        ]
    for role in gaad.get("RoleDetailList", []):
        out[role["Arn"]] = own(role, "RolePolicyList")
    return out


def _document(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        from urllib.parse import unquote

        value = json.loads(unquote(value))
    if not isinstance(value, dict):
        raise ValueError(f"a policy document is {type(value).__name__}")
    return value


def pathfinding_ids() -> dict[str, str]:
    """Cloudsplaining's own table from its method names to pathfinding.cloud ids (methods with none left out)."""
    from cloudsplaining.shared import constants

    table: Mapping[str, Any] = constants.PRIVILEGE_ESCALATION_PATHFINDING_PATHS
    return {name: str(url).rstrip("/").rsplit("/", 1)[1] for name, url in table.items() if url}


def _types(findings: Iterable[Any]) -> set[str]:
    return {str(item.get("type")) if isinstance(item, Mapping) else str(item) for item in findings}


# ---- Cloudsplaining ----------------------------------------------------------------------------------------


def cloudsplaining_scenario(scenario: Scenario, *, flag_all: bool, ids: Mapping[str, str]) -> dict[str, MethodSets]:
    """Principals of one scenario with a privilege-escalation finding on one of their policies."""
    import yaml
    from cloudsplaining.scan.authorization_details import AuthorizationDetails
    from cloudsplaining.shared.constants import EXCLUSIONS_FILE
    from cloudsplaining.shared.exclusions import Exclusions

    exclusions = Exclusions(yaml.safe_load(Path(EXCLUSIONS_FILE).read_text(encoding="utf-8")))
    details: Any = AuthorizationDetails(
        scenario.gaad,
        exclusions=exclusions,
        flag_conditional_statements=flag_all,
        flag_resource_arn_statements=flag_all,
    )
    results: dict[str, Any] = details.results
    policy_tables = [
        results.get(key, {}) for key in ("inline_policies", "customer_managed_policies", "aws_managed_policies")
    ]

    def escalation_types(pointers: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for policy_id in pointers:
            for table in policy_tables:
                if policy_id in table:
                    found |= _types(table[policy_id].get("PrivilegeEscalation", {}).get("findings", []))
        return found

    flagged: dict[str, MethodSets] = {}
    for kind in ("users", "roles"):
        for entry in results.get(kind, {}).values():
            pointers = [*entry.get("inline_policies", {}), *entry.get("customer_managed_policies", {}),
                        *entry.get("aws_managed_policies", {})]  # fmt: skip
            for group in entry.get("groups", {}).values():
                pointers += [*group.get("inline_policies", {}), *group.get("customer_managed_policies", {}),
                             *group.get("aws_managed_policies", {})]  # fmt: skip
            types = escalation_types(pointers)
            if types:
                flagged[str(entry["arn"])] = [frozenset(ids[name] for name in types if name in ids)]
    return flagged


def run_peer(
    name: str, scenarios: list[Scenario], analyse: Callable[[Scenario], dict[str, MethodSets]], names_methods: bool
) -> ToolResult:
    """A peer (in this process) on every scenario; an exception on a scenario is recorded as its failure."""
    result = ToolResult(name, names_methods=names_methods)
    started = time.perf_counter()
    for scenario in scenarios:
        try:
            result.flagged[scenario.pid] = analyse(scenario)
        except Exception as exc:  # any failure of a third-party tool on one input is reported, not raised
            result.errors[scenario.pid] = f"{type(exc).__name__}: {exc}"
    result.seconds = time.perf_counter() - started
    return result


# ---- Parliament ---------------------------------------------------------------------------------------------


def parliament_scenario(
    scenario: Scenario, ids: Mapping[str, str], verdicts: dict[str, set[str]]
) -> dict[str, MethodSets]:
    """Labelled principals of one scenario with a policy that Parliament finds PRIVILEGE_ESCALATION in.

    ``verdicts`` caches the finding types per policy text across scenarios: Parliament expands every
    action of a statement, so ``"Action": "*"`` (AdministratorAccess) takes seconds each time. Only
    labelled principals are analysed; the others are the administrators, which count in no figure.
    """
    parliament = importlib.import_module("parliament")  # untyped: its API is Any here

    labelled = {*scenario.escalates, *scenario.safe}
    flagged: dict[str, MethodSets] = {}
    for arn, policies in principal_policies(scenario.gaad).items():
        if arn not in labelled:
            continue
        types: set[str] = set()
        for _, document in policies:
            text = json.dumps(document, sort_keys=True)
            if text not in verdicts:
                analysed: Any = parliament.analyze_policy_string(text, include_community_auditors=True)
                verdicts[text] = {
                    str(finding.location.get("type")) if isinstance(finding.location, dict) else ""
                    for finding in analysed.findings
                    if finding.issue == "PRIVILEGE_ESCALATION"
                }
            types |= verdicts[text]
        if types:
            flagged[arn] = [frozenset(ids[name] for name in types if name in ids)]
    return flagged


# ---- scoring and the report ---------------------------------------------------------------------------------


@dataclass
class Score:
    """One tool's figures over the corpus (or one scenario)."""

    escalating: int = 0
    detected: int = 0
    right_ids: int = 0
    safe: int = 0
    false_positives: int = 0


def score(tool: ToolResult, scenario: Scenario) -> Score:
    """Compare a tool's output on one scenario with the labels."""
    flagged = tool.flagged.get(scenario.pid, {})
    out = Score(escalating=len(scenario.escalates), safe=len(scenario.safe))
    for principal, labelled in scenario.escalates.items():
        if principal in flagged:
            out.detected += 1
            out.right_ids += any(set(labelled) <= path for path in flagged[principal])
    out.false_positives = sum(principal in flagged for principal in scenario.safe)
    return out


def total(tool: ToolResult, scenarios: list[Scenario]) -> Score:
    """A tool's figures summed over the corpus."""
    out = Score()
    for scenario in scenarios:
        one = score(tool, scenario)
        out.escalating += one.escalating
        out.detected += one.detected
        out.right_ids += one.right_ids
        out.safe += one.safe
        out.false_positives += one.false_positives
    return out


def pct(part: int, whole: int) -> str:
    """``12/40 (30.0%)``."""
    return f"{part}/{whole} ({100 * part / whole:.1f}%)" if whole else "0/0"


def report(scenarios: list[Scenario], tools: list[ToolResult]) -> str:
    """The markdown report."""
    escalating = sum(len(scenario.escalates) for scenario in scenarios)
    safe = sum(len(scenario.safe) for scenario in scenarios)
    lines = [
        "# Privilege escalation: labelled corpus",
        "",
        f"{len(scenarios)} scenarios (pathfinding.cloud paths), {escalating} escalating principals, "
        f"{safe} safe principals (traps and bystanders).",
        "",
        "| tool | recall (escalating found) | false positives (safe flagged) | right path ids (of found) "
        "| failed scenarios | time |",
        "|---|---|---|---|---|---|",
    ]
    for tool in tools:
        figures = total(tool, scenarios)
        ids = pct(figures.right_ids, figures.detected) if tool.names_methods else "n/a"
        lines.append(
            f"| {tool.name} | {pct(figures.detected, figures.escalating)} "
            f"| {pct(figures.false_positives, figures.safe)} | {ids} | {len(tool.errors)} | {tool.seconds:.1f} s |"
        )
    for tool in tools:
        if tool.errors:
            lines += ["", f"**{tool.name} failed on {len(tool.errors)} scenario(s)**:"]
            reasons: dict[str, list[str]] = {}
            for pid, reason in sorted(tool.errors.items()):
                reasons.setdefault(reason, []).append(pid)
            lines += [f"- {reason} ({', '.join(pids)})" for reason, pids in reasons.items()]
    lines += [
        "",
        "## Per path id: missed escalating principals / false positives",
        "",
        "| path id | escalating | safe | " + " | ".join(tool.name for tool in tools) + " |",
        "|---|---|---|" + "---|" * len(tools),
    ]
    for scenario in scenarios:
        cells = []
        for tool in tools:
            if scenario.pid in tool.errors:
                cells.append("failed")
                continue
            one = score(tool, scenario)
            cells.append(f"{one.escalating - one.detected} / {one.false_positives}")
        lines.append(f"| {scenario.pid} | {len(scenario.escalates)} | {len(scenario.safe)} | {' | '.join(cells)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the three tools on the corpus and print the markdown report."""
    parser = argparse.ArgumentParser(
        description="Privilege-escalation quality: cloudward vs Cloudsplaining vs Parliament."
    )
    parser.add_argument("--workers", type=int, default=min(8, os.cpu_count() or 2), help="cloudward subprocesses")
    args = parser.parse_args(argv)
    scenarios = load_corpus()
    if not scenarios:
        print(f"no scenario under {CORPUS}", file=sys.stderr)
        return 2
    ids = pathfinding_ids()
    verdicts: dict[str, set[str]] = {}
    tools = [
        run_cloudward(scenarios, args.workers),
        run_peer("cloudsplaining", scenarios,
                 lambda scenario: cloudsplaining_scenario(scenario, flag_all=False, ids=ids), True),
        run_peer("cloudsplaining -aR", scenarios,
                 lambda scenario: cloudsplaining_scenario(scenario, flag_all=True, ids=ids), True),
        run_peer("parliament", scenarios, lambda scenario: parliament_scenario(scenario, ids, verdicts), True),
    ]  # fmt: skip
    print(report(scenarios, tools))
    return 0


if __name__ == "__main__":
    sys.exit(main())
