"""The CIS monitoring controls' shared logic: trail -> CloudWatch Logs group -> metric filter -> alarm.

Each control (one check module) declares the CloudTrail events its metric filter must count and one
routine event it must not count; :func:`evaluate_control` follows every logging multi-region trail to
its log group, evaluates each metric filter's pattern against those events
(:mod:`._filter_pattern`), and looks for an alarm with an action on a covering filter's metric.
:func:`control_meta` writes the check's metadata, shared semantics included, from the declaration.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cloudward.checks.aws.cloudwatch._filter_pattern import PatternError, parse
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

TRAIL = "AWS::CloudTrail::Trail"
METRIC_FILTER = "AWS::Logs::MetricFilter"
ALARM = "AWS::CloudWatch::Alarm"
REQUIRES = (f"{TRAIL}.TrailStatus", METRIC_FILTER, ALARM)
NAMESPACE = "CISBenchmark"
_SAMPLE_ACCOUNT = "111122223333"
_LISTED = 4  # names listed in a reason before "+N more"


@dataclass(frozen=True, slots=True)
class SampleEvent:
    """A representative CloudTrail record, and the short label a reason uses for it."""

    label: str
    record: Mapping[str, Any]


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(dict(merged[key]), value)
        else:
            merged[key] = value
    return merged


IAM_USER: Mapping[str, Any] = {
    "type": "IAMUser",
    "principalId": "AIDAEXAMPLEEXAMPLE",
    "arn": f"arn:aws:iam::{_SAMPLE_ACCOUNT}:user/analyst",
    "accountId": _SAMPLE_ACCOUNT,
    "userName": "analyst",
}
ROOT: Mapping[str, Any] = {
    "type": "Root",
    "principalId": _SAMPLE_ACCOUNT,
    "arn": f"arn:aws:iam::{_SAMPLE_ACCOUNT}:root",
    "accountId": _SAMPLE_ACCOUNT,
}


def api_event(
    source: str,
    name: str,
    label: str | None = None,
    *,
    identity: Mapping[str, Any] = IAM_USER,
    **fields: Any,
) -> SampleEvent:
    """A CloudTrail management event (by an IAM user unless ``identity`` says otherwise).

    ``fields`` override or extend the record; nested mappings are merged.
    """
    record: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": dict(identity),
        "eventTime": "2026-01-01T00:00:00Z",
        "eventSource": source,
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "198.51.100.7",
        "userAgent": "aws-cli/2.15.0",
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "readOnly": name.startswith(("Describe", "Get", "List", "Head")),
        "recipientAccountId": _SAMPLE_ACCOUNT,
    }
    return SampleEvent(label or name, _merge(record, fields))


def console_login(label: str, *, mfa_used: bool, success: bool, identity: Mapping[str, Any] = IAM_USER) -> SampleEvent:
    """A console sign-in record as CloudTrail writes it (a failure carries errorMessage)."""
    fields: dict[str, Any] = {
        "eventType": "AwsConsoleSignIn",
        "additionalEventData": {
            "LoginTo": "https://console.aws.amazon.com/console/home",
            "MobileVersion": "No",
            "MFAUsed": "Yes" if mfa_used else "No",
        },
        "responseElements": {"ConsoleLogin": "Success" if success else "Failure"},
    }
    if not success:
        fields["errorMessage"] = "Failed authentication"
    return api_event("signin.amazonaws.com", "ConsoleLogin", label, identity=identity, **fields)


def named_events(source: str, names: Iterable[str]) -> tuple[SampleEvent, ...]:
    """One successful call per event name, from one event source."""
    return tuple(api_event(source, name) for name in names)


def any_event_pattern(names: Iterable[str], source: str | None = None) -> str:
    """The filter pattern that counts any of these event names (from one event source, when given)."""
    alternatives = " || ".join(f'($.eventName = "{name}")' for name in names)
    if source is None:
        return f"{{ {alternatives} }}"
    return f'{{ ($.eventSource = "{source}") && ({alternatives}) }}'


@dataclass(frozen=True, slots=True)
class Control:
    """One CIS monitoring control.

    Attributes:
        check_id: the check's id.
        cis: the CIS AWS Foundations v5.0 recommendation number (``4.1``).
        title: the check's title.
        subject: what is monitored, as a phrase ("unauthorized API calls").
        metric: the metric (and filter and alarm) name the remediation suggests.
        pattern: the filter pattern the remediation suggests (CIS's, quoted and parenthesized).
        matches: events the filter must count, every one of them.
        ignores: routine events it must not count (a catch-all filter does not qualify).
        risk: what an attacker gets away with when nobody is alerted.
        threat: the kind of breach the alert catches.
        note: semantics particular to this control, appended to the description.
    """

    check_id: str
    cis: str
    title: str
    subject: str
    metric: str
    pattern: str
    matches: tuple[SampleEvent, ...]
    ignores: tuple[SampleEvent, ...]
    risk: str
    threat: Threat = Threat.MISCONFIGURATION
    severity: Severity = Severity.MEDIUM
    note: str = ""


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:_LISTED])
    return shown + (f" (+{len(names) - _LISTED} more)" if len(names) > _LISTED else "")


def _labels(events: Iterable[SampleEvent]) -> str:
    return ", ".join(event.label for event in events)


def control_meta(control: Control) -> CheckMeta:
    """The check's metadata: the control's own text plus the semantics every monitoring check shares."""
    description = (
        f"CIS AWS Foundations v5.0 {control.cis}, evaluated once per account. Passes when a trail with "
        "IsMultiRegionTrail=true whose GetTrailStatus reports IsLogging=true delivers to a CloudWatch Logs "
        "group (CloudWatchLogsLogGroupArn), that group has a metric filter whose pattern counts every one "
        f"of these representative CloudTrail events: {_labels(control.matches)}; and does not count "
        f"{_labels(control.ignores)} (a catch-all filter that also counts routine calls is not the "
        "control), and a metric alarm in the log group's region watches the filter's metric (same "
        "namespace, metric name and dimension names, directly or inside a metric-math query) with "
        "ActionsEnabled=true and at least one AlarmActions ARN. An alarm counts when it has an action "
        "ARN: SNS topic subscriptions (which CIS also asks for) and the alarm's threshold are not "
        "evaluated. Patterns are evaluated against the events, not compared as text, so spacing, quoting "
        "and term order do not matter, and a broader pattern that still leaves routine calls out "
        "qualifies. Trail event selectors are not evaluated (CIS also asks for IncludeManagementEvents="
        "true and ReadWriteType=All). When nothing qualifies and a trail, its status, the metric filters, "
        "the alarms or a filter pattern could not be read or evaluated (regular-expression and "
        "space-delimited patterns are not evaluated), the result is ERROR, not FAIL."
    )
    if control.note:
        description += " " + control.note
    hcl_pattern = json.dumps(control.pattern)
    return CheckMeta(
        id=control.check_id,
        title=control.title,
        service="cloudwatch",
        resource_type="AWS::::Account",
        severity=control.severity,
        layer=Layer.DETECTION,
        threat=control.threat,
        service_model=ServiceModel.PAAS,
        description=description,
        risk=control.risk,
        remediation=Remediation(
            summary=(
                f"Count {control.subject} with a metric filter on the multi-region trail's CloudWatch Logs "
                "group, and alarm on the metric to an SNS topic that someone reads."
            ),
            console=(
                "If the multi-region trail does not deliver to CloudWatch Logs: CloudTrail console > Trails > "
                "the trail > CloudWatch Logs > Edit, enable it with a new or existing log group and role.",
                "CloudWatch console > Log groups > the trail's log group > Metric filters > Create metric "
                f"filter; paste the pattern {control.pattern} and name the metric {control.metric} in "
                f"namespace {NAMESPACE} with metric value 1.",
                "Select the new filter > Create alarm: statistic Sum, period 5 minutes, threshold >= 1, "
                "and notify an SNS topic with at least one confirmed subscription.",
            ),
            cli=(
                f"aws logs put-metric-filter --log-group-name TRAIL_LOG_GROUP --filter-name {control.metric} "
                f"--filter-pattern '{control.pattern}' --metric-transformations "
                f"metricName={control.metric},metricNamespace={NAMESPACE},metricValue=1 && "
                f"aws cloudwatch put-metric-alarm --alarm-name {control.metric} --metric-name {control.metric} "
                f"--namespace {NAMESPACE} --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 "
                "--comparison-operator GreaterThanOrEqualToThreshold --treat-missing-data notBreaching "
                "--alarm-actions SNS_TOPIC_ARN"
            ),
            terraform=(
                f'resource "aws_cloudwatch_log_metric_filter" "{control.metric}" {{\n'
                f'  name           = "{control.metric}"\n'
                "  log_group_name = aws_cloudwatch_log_group.cloudtrail.name\n"
                f"  pattern        = {hcl_pattern}\n"
                "  metric_transformation {\n"
                f'    name      = "{control.metric}"\n'
                f'    namespace = "{NAMESPACE}"\n'
                '    value     = "1"\n'
                "  }\n"
                "}\n\n"
                f'resource "aws_cloudwatch_metric_alarm" "{control.metric}" {{\n'
                f'  alarm_name          = "{control.metric}"\n'
                f"  metric_name         = aws_cloudwatch_log_metric_filter.{control.metric}"
                ".metric_transformation[0].name\n"
                f'  namespace           = "{NAMESPACE}"\n'
                '  statistic           = "Sum"\n'
                "  period              = 300\n"
                "  evaluation_periods  = 1\n"
                "  threshold           = 1\n"
                '  comparison_operator = "GreaterThanOrEqualToThreshold"\n'
                '  treat_missing_data  = "notBreaching"\n'
                "  alarm_actions       = [aws_sns_topic.security_alerts.arn]\n"
                "}"
            ),
        ),
        references=(
            "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html",
            "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html",
            "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html",
            "https://www.cisecurity.org/benchmark/amazon_web_services",
        ),
        requires=REQUIRES,
        tags=("cis",),
    )


# --- evaluation ----------------------------------------------------------------------------------


@dataclass
class _Findings:
    """What the search found: a qualifying chain, reasons others fail, and what could not be read."""

    passed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


_LISTED_IN_REASON = 5


def _joined(lines: list[str]) -> str:
    """The first few lines joined for a reason, with a count of the rest: reasons stay readable at scale."""
    shown = "; ".join(lines[:_LISTED_IN_REASON])
    rest = len(lines) - _LISTED_IN_REASON
    return f"{shown}; and {rest} more" if rest > 0 else shown


def _trail_label(trail: Resource) -> str:
    configuration = trail.configuration or {}
    return f"{configuration.get('Name') or trail.name} ({trail.region})"


def _trail_problem(trail: Resource) -> str | None:
    """Why the trail cannot serve the control, or None. Reads TrailStatus only when needed."""
    configuration = trail.configuration or {}
    if not configuration.get("IsMultiRegionTrail"):
        return "IsMultiRegionTrail=false"
    if not configuration.get("CloudWatchLogsLogGroupArn"):
        return "no CloudWatchLogsLogGroupArn (not delivering to CloudWatch Logs)"
    status = trail.supplement("TrailStatus") or {}
    if status.get("IsLogging") is not True:
        return "IsLogging=false"
    return None


def _watched(alarm: Mapping[str, Any]) -> list[tuple[str, str, frozenset[str]]]:
    """(namespace, metric name, dimension names) of every metric the alarm watches."""
    metrics: list[Mapping[str, Any]] = []
    if alarm.get("MetricName"):
        metrics.append(alarm)
    for query in alarm.get("Metrics") or []:
        metric = (query.get("MetricStat") or {}).get("Metric") or {}
        if metric.get("MetricName"):
            metrics.append(metric)
    return [
        (
            str(metric.get("Namespace") or ""),
            str(metric["MetricName"]),
            frozenset(str(d.get("Name")) for d in metric.get("Dimensions") or []),
        )
        for metric in metrics
    ]


AlarmIndex = dict[tuple[str, str], list[tuple[Resource, list[tuple[str, str, frozenset[str]]]]]]
"""(namespace, metric name) -> the alarms watching that metric, with everything each alarm watches."""

_ALARM_INDEXES: dict[tuple[int, str], tuple[Inventory, AlarmIndex]] = {}


def _alarm_index(inventory: Inventory, region: str) -> AlarmIndex:
    """The region's alarms by watched metric, built once per inventory and region (not per trail or filter).

    Raises:
        UnknownAttributeError: the region's alarms could not be listed.
    """
    key = (id(inventory), region)
    cached = _ALARM_INDEXES.get(key)
    if cached is not None and cached[0] is inventory:
        return cached[1]
    index: AlarmIndex = {}
    for alarm in inventory.of_type(ALARM, region):
        watched = _watched(alarm.configuration or {})
        for namespace, metric, _ in watched:
            entries = index.setdefault((namespace, metric), [])
            if not entries or entries[-1][0] is not alarm:
                entries.append((alarm, watched))
    if len(_ALARM_INDEXES) >= 8:
        _ALARM_INDEXES.clear()
    _ALARM_INDEXES[key] = (inventory, index)
    return index


def _alarm_action_problem(alarm: Mapping[str, Any]) -> str | None:
    """Why the alarm notifies nobody (ActionsEnabled=false, no AlarmActions), or None."""
    if alarm.get("ActionsEnabled") is False:
        return "ActionsEnabled=false"
    if not alarm.get("AlarmActions"):
        return "no AlarmActions"
    return None


def _alarm_for(transformation: Mapping[str, Any], alarms: AlarmIndex) -> tuple[str | None, list[str]]:
    """An alarm with an action on the transformation's metric (as a description), and why others fail."""
    namespace = str(transformation.get("metricNamespace") or "")
    name = str(transformation.get("metricName") or "")
    dimensions = frozenset(str(key) for key in (transformation.get("dimensions") or {}))
    problems: list[str] = []
    for alarm, watched in alarms.get((namespace, name), []):
        configuration = alarm.configuration or {}
        alarm_name = configuration.get("AlarmName") or alarm.name
        if not any(ns == namespace and metric == name and dims == dimensions for ns, metric, dims in watched):
            problems.append(f"alarm {alarm_name}: its dimensions differ from the filter's")
            continue
        problem = _alarm_action_problem(configuration)
        if problem:
            problems.append(f"alarm {alarm_name}: {problem}")
            continue
        actions = ", ".join(str(action) for action in configuration["AlarmActions"])
        return f"alarm {alarm_name} -> {actions}", problems
    return None, problems


def _metric_alarm(metric_filter: Resource, alarms: AlarmIndex) -> tuple[str | None, list[str]]:
    """The first alarm with an action on one of the filter's metrics (described), or None and why not."""
    configuration = metric_filter.configuration or {}
    problems: list[str] = []
    for transformation in configuration.get("metricTransformations") or []:
        metric = f"{transformation.get('metricNamespace')}/{transformation.get('metricName')}"
        alarm, alarm_problems = _alarm_for(transformation, alarms)
        if alarm:
            return f"filter {metric_filter.name} (metric {metric}) -> {alarm}", problems
        problems.append(f"metric {metric}: " + (_joined(alarm_problems) or "no alarm"))
    return None, problems


def _coverage(control: Control, pattern_text: str) -> tuple[list[str], list[str]]:
    """The control's events the pattern misses, and the routine events it also counts."""
    missed, noisy = _cached_coverage(control, pattern_text)
    return list(missed), list(noisy)


_COVERAGE_CACHE: dict[tuple[int, str], tuple[Control, tuple[str, ...], tuple[str, ...]]] = {}
_COVERAGE_CACHE_LIMIT = 10_000


def _cached_coverage(control: Control, pattern_text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Parsed and run once per (control, pattern): many trails and accounts share the same filters.

    Keyed by the control's identity (controls are module constants holding unhashable sample events);
    the control is kept in the entry so its id cannot be reused while cached.
    """
    key = (id(control), pattern_text)
    cached = _COVERAGE_CACHE.get(key)
    if cached is not None and cached[0] is control:
        return cached[1], cached[2]
    pattern = parse(pattern_text)
    missed = tuple(event.label for event in control.matches if not pattern.matches(event.record))
    noisy = tuple(event.label for event in control.ignores if pattern.matches(event.record))
    if len(_COVERAGE_CACHE) >= _COVERAGE_CACHE_LIMIT:
        _COVERAGE_CACHE.clear()
    _COVERAGE_CACHE[key] = (control, missed, noisy)
    return missed, noisy


def _classify(
    control: Control, filters: list[Resource]
) -> tuple[list[Resource], list[tuple[Resource, str]], list[str]]:
    """Filters that count the control's events, filters whose pattern was not evaluated, and notes on the rest."""
    covering: list[Resource] = []
    unevaluated: list[tuple[Resource, str]] = []
    notes: list[str] = []
    unrelated = 0
    for metric_filter in filters:
        try:
            missed, noisy = _coverage(control, str((metric_filter.configuration or {}).get("filterPattern") or ""))
        except PatternError as exc:
            unevaluated.append((metric_filter, str(exc)))
            continue
        if len(missed) == len(control.matches):
            unrelated += 1  # counts none of the control's events: another control's filter
        elif missed or noisy:
            gaps = [f"misses {_listed(missed)}"] if missed else []
            gaps += [f"also counts {_listed(noisy)}"] if noisy else []
            notes.append(f"filter {metric_filter.name} {' and '.join(gaps)}")
        else:
            covering.append(metric_filter)
    if unrelated:
        notes.append(f"{unrelated} other filter(s) count none of these events")
    return covering, unevaluated, notes


Classification = tuple[list[Resource], list[tuple[Resource, str]], list[str]]
_GROUP_CLASSIFICATIONS: dict[tuple[int, int, str, str], tuple[Inventory, Classification | None]] = {}


def _group_classification(control: Control, inventory: Inventory, region: str, group: str) -> Classification | None:
    """The log group's filters classified for the control (None: no filters), once per inventory and group.

    Many trails may deliver to one log group; classifying it once keeps large inventories linear.

    Raises:
        UnknownAttributeError: the region's metric filters could not be listed.
    """
    key = (id(inventory), id(control), region, group)
    cached = _GROUP_CLASSIFICATIONS.get(key)
    if cached is not None and cached[0] is inventory:
        return cached[1]
    by_group = _filters_by_group(inventory, region)
    filters = by_group.get(group, [])
    result = _classify(control, filters) if filters else None
    if len(_GROUP_CLASSIFICATIONS) >= 1024:
        _GROUP_CLASSIFICATIONS.clear()
    _GROUP_CLASSIFICATIONS[key] = (inventory, result)
    return result


_FILTERS_BY_GROUP: dict[tuple[int, str], tuple[Inventory, dict[str, list[Resource]]]] = {}


def _filters_by_group(inventory: Inventory, region: str) -> dict[str, list[Resource]]:
    """The region's metric filters by log group name, built once per inventory and region."""
    key = (id(inventory), region)
    cached = _FILTERS_BY_GROUP.get(key)
    if cached is not None and cached[0] is inventory:
        return cached[1]
    grouped: dict[str, list[Resource]] = {}
    for metric_filter in inventory.of_type(METRIC_FILTER, region):
        grouped.setdefault(str((metric_filter.configuration or {}).get("logGroupName")), []).append(metric_filter)
    if len(_FILTERS_BY_GROUP) >= 8:
        _FILTERS_BY_GROUP.clear()
    _FILTERS_BY_GROUP[key] = (inventory, grouped)
    return grouped


def _log_group(
    control: Control, trail: Resource, inventory: Inventory, findings: _Findings, outcomes: dict[str, _Findings]
) -> None:
    """Add what the trail's log group gives the control to findings, each line prefixed by the trail.

    Many trails can deliver to one log group: its outcome is worked out once per evaluation (in outcomes).
    """
    label = _trail_label(trail)
    arn = str((trail.configuration or {})["CloudWatchLogsLogGroupArn"])
    parts = arn.split(":")
    if len(parts) < 7 or parts[5] != "log-group":
        findings.problems.append(f"{label}: CloudWatchLogsLogGroupArn {arn} is not a log group ARN")
        return
    region, account, group = parts[3], parts[4], parts[6]
    outcome = outcomes.get(f"{account}:{region}:{group}")
    if outcome is None:
        outcome = _group_outcome(control, inventory, account, region, group)
        outcomes[f"{account}:{region}:{group}"] = outcome
    prefix = f"{label} -> log group {group}: "
    findings.passed.extend(prefix + line for line in outcome.passed)
    findings.problems.extend(prefix + line for line in outcome.problems)
    findings.unknown.extend(prefix + line for line in outcome.unknown)


def _group_outcome(control: Control, inventory: Inventory, account: str, region: str, group: str) -> _Findings:
    """Whether a metric filter on the log group, with an alarm that notifies, counts the control's events."""
    outcome = _Findings()
    if account != inventory.account_id:
        outcome.unknown.append(f"in account {account}, outside this inventory")
        return outcome
    if region not in inventory.regions:
        outcome.unknown.append(f"in {region}, which was not scanned")
        return outcome
    try:
        classified = _group_classification(control, inventory, region, group)
    except UnknownAttributeError as exc:
        outcome.unknown.append(f"metric filters: {exc.reason}")
        return outcome
    if classified is None:
        outcome.problems.append("the log group has no metric filters")
        return outcome
    covering, unevaluated, notes = classified[0], classified[1], list(classified[2])
    if not covering and not unevaluated:  # no alarm can change the outcome: the alarms are not needed
        outcome.problems.append(f"no metric filter counts {control.subject}: {_joined(notes)}")
        return outcome
    try:
        alarms = _alarm_index(inventory, region)
    except UnknownAttributeError as exc:
        outcome.unknown.append(f"alarms: {exc.reason}")
        return outcome
    for metric_filter in covering:
        chain, problems = _metric_alarm(metric_filter, alarms)
        if chain:
            outcome.passed.append(chain)
            return outcome
        notes.insert(0, f"filter {metric_filter.name} counts them but {_joined(problems) or 'has no metric'}")
    for metric_filter, error in unevaluated:
        # a pattern that cannot be evaluated matters only when an alarm would notify on its metric
        if _metric_alarm(metric_filter, alarms)[0]:
            outcome.unknown.append(
                f"filter {metric_filter.name} is alarmed, but its pattern was not evaluated: {error}"
            )
        else:
            notes.append(f"filter {metric_filter.name} (pattern not evaluated: {error}) has no alarm with an action")
    if notes:
        lead = "" if covering else f"no metric filter counts {control.subject}: "
        outcome.problems.append(lead + _joined(notes))
    return outcome


def evaluate_control(control: Control, resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the trail, filter and alarm; FAIL naming each trail's gap; ERROR when input is missing."""
    findings = _Findings()
    outcomes: dict[str, _Findings] = {}
    seen: set[str] = set()
    for region in inventory.regions:
        try:
            trails = inventory.of_type(TRAIL, region)
        except UnknownAttributeError as exc:
            findings.unknown.append(f"trails in {region}: {exc.reason}")
            continue
        for trail in trails:
            if trail.arn in seen:
                continue
            seen.add(trail.arn)
            try:
                problem = _trail_problem(trail)
            except UnknownAttributeError as exc:
                findings.unknown.append(f"{_trail_label(trail)}: {exc}")
                continue
            if problem:
                findings.problems.append(f"{_trail_label(trail)}: {problem}")
                continue
            _log_group(control, trail, inventory, findings, outcomes)
            if findings.passed:
                return CheckResult.passed(f"{control.subject} alarmed: {findings.passed[0]}")
    if findings.unknown:
        read = f" ({_joined(findings.problems)})" if findings.problems else ""
        raise UnknownAttributeError(
            f"monitoring of {control.subject}",
            f"nothing qualifies among what was read{read}; could not read {_joined(findings.unknown)}",
        )
    gaps = _joined(findings.problems) if findings.problems else "no trails in any region"
    return CheckResult.failed(f"{control.subject} not alarmed: {gaps}")
