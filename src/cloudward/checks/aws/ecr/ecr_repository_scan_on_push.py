"""ECR repositories scan every pushed image for vulnerabilities."""

from __future__ import annotations

import re
from typing import Any

from cloudward.checks.model import (
    CheckMeta,
    CheckResult,
    Layer,
    Remediation,
    ServiceModel,
    Severity,
    Threat,
)
from cloudward.inventory import Inventory, Resource, UnknownAttributeError

# Scan frequencies that scan an image when it is pushed, per registry scan type.
ON_PUSH = {"BASIC": frozenset({"SCAN_ON_PUSH"}), "ENHANCED": frozenset({"SCAN_ON_PUSH", "CONTINUOUS_SCAN"})}

meta = CheckMeta(
    id="ecr_repository_scan_on_push",
    title="ECR repository scans images on push",
    service="ecr",
    resource_type="AWS::ECR::Repository",
    severity=Severity.MEDIUM,
    layer=Layer.POSTURE,
    threat=Threat.SUPPLY_CHAIN,
    service_model=ServiceModel.PAAS,
    description=(
        "Passes when every image pushed to the repository is scanned for vulnerabilities. The region's registry "
        "scanning configuration decides first. With ENHANCED scanning (Amazon Inspector) a rule with scan "
        "frequency SCAN_ON_PUSH or CONTINUOUS_SCAN must match the repository; the repository's own "
        "imageScanningConfiguration.scanOnPush is ignored, as AWS disables scanning for repositories no rule "
        "matches. With BASIC scanning and at least one registry rule, a SCAN_ON_PUSH rule must match (AWS "
        "sets repositories no rule matches to manual scanning). With BASIC scanning and no registry rules, "
        "the repository's imageScanningConfiguration.scanOnPush must be true. A rule matches through any of "
        "its repository filters: a filter without * matches every repository name that contains it, a filter "
        "with * matches the whole name with * standing for any run of characters (as ECR documents). "
        "MANUAL rules never count."
    ),
    risk=(
        "Images with known vulnerable packages reach production unnoticed: nothing reports the CVEs in a base "
        "image or dependency before the image runs, and attackers exploit exactly those."
    ),
    remediation=Remediation(
        summary="Scan images on push: a registry scanning rule matching the repository, or scanOnPush on it.",
        console=(
            "Open the Amazon ECR console, then Private registry > Settings > Scanning.",
            "Choose Basic or Enhanced scanning and add a scan-on-push (or continuous) filter matching the "
            "repository, e.g. *, then save.",
        ),
        cli=(
            "aws ecr put-registry-scanning-configuration --scan-type BASIC --rules "
            '\'[{"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"*","filterType":"WILDCARD"}]}]\''
        ),
        terraform=(
            'resource "aws_ecr_registry_scanning_configuration" "this" {\n'
            '  scan_type = "BASIC"\n'
            "  rule {\n"
            '    scan_frequency = "SCAN_ON_PUSH"\n'
            "    repository_filter {\n"
            '      filter      = "*"\n'
            '      filter_type = "WILDCARD"\n'
            "    }\n"
            "  }\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-filters.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html",
    ),
    requires=("RegistryScanningConfiguration",),
)


def filter_matches(pattern: str, name: str) -> bool:
    """ECR's repository filter rule: without ``*`` a substring match, with ``*`` a whole-name wildcard match."""
    if "*" not in pattern:
        return pattern in name
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), name, re.DOTALL) is not None


def _matching_rule(rules: list[Any], frequencies: frozenset[str], name: str) -> str | None:
    """The first rule of a wanted frequency with a filter matching the repository, as ``SCAN_ON_PUSH filter 'x'``."""
    for rule in rules:
        if not isinstance(rule, dict):
            raise UnknownAttributeError("RegistryScanningConfiguration", f"a rule is {type(rule).__name__}")
        if rule.get("scanFrequency") not in frequencies:
            continue
        for repository_filter in rule.get("repositoryFilters") or []:
            pattern = str((repository_filter or {}).get("filter", ""))
            if pattern and filter_matches(pattern, name):
                return f"{rule['scanFrequency']} filter {pattern!r}"
    return None


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming the registry scan type and why no scan-on-push setting covers the repository."""
    registry = resource.supplement("RegistryScanningConfiguration")
    if not isinstance(registry, dict):
        raise UnknownAttributeError("RegistryScanningConfiguration", "the registry scanning configuration is absent")
    scan_type = str(registry.get("scanType") or "BASIC")
    rules = registry.get("rules") or []
    name = resource.name
    if scan_type not in ON_PUSH:
        raise UnknownAttributeError("RegistryScanningConfiguration", f"unknown scanType {scan_type!r}")
    matched = _matching_rule(rules, ON_PUSH[scan_type], name)
    if matched:
        return CheckResult.passed(f"registry {scan_type} scanning rule {matched} matches the repository")
    if scan_type == "ENHANCED":
        return CheckResult.failed(
            f"registry uses ENHANCED scanning and no SCAN_ON_PUSH or CONTINUOUS_SCAN rule matches {name!r} "
            "(scanning is disabled for it)"
        )
    if rules:
        return CheckResult.failed(
            f"registry BASIC scanning rules exist but no SCAN_ON_PUSH rule matches {name!r} (manual scanning only)"
        )
    scanning = resource.require("imageScanningConfiguration")
    if not isinstance(scanning, dict) or "scanOnPush" not in scanning:
        raise UnknownAttributeError("imageScanningConfiguration", "scanOnPush is absent")
    if scanning["scanOnPush"] is True:
        return CheckResult.passed("imageScanningConfiguration.scanOnPush=true (BASIC scanning, no registry rules)")
    return CheckResult.failed(
        f"imageScanningConfiguration.scanOnPush={str(scanning['scanOnPush']).lower()} and the registry has no "
        "scan-on-push rule"
    )
