"""CloudWatch Logs filter patterns, evaluated against CloudTrail records (the CIS monitoring checks' core).

``parse(text)`` either returns a :class:`FilterPattern` or raises :class:`PatternError`, which the
monitoring checks report as "pattern not evaluated" (ERROR when that filter is alarmed). A pattern
"covers" a control when it counts every one of the control's sample events and none of its routine
ones (``_monitoring._coverage``). These tests pin the pattern semantics, the CIS v5.0 patterns as the
benchmark prints them, malformed input, and (with hypothesis) agreement with an independent evaluator.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import signal
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cloudward.checks.aws.cloudwatch as cloudwatch_checks
from cloudward.checks.aws.cloudwatch._filter_pattern import FilterPattern, PatternError, parse
from cloudward.checks.aws.cloudwatch._monitoring import (
    METRIC_FILTER,
    ROOT,
    Control,
    _classify,
    _coverage,
    api_event,
    console_login,
)
from cloudward.checks.aws.cloudwatch.cloudwatch_log_metric_filter_cloudtrail_changes import (
    CONTROL as CLOUDTRAIL_CHANGES,
)
from cloudward.checks.aws.cloudwatch.cloudwatch_log_metric_filter_console_auth_failures import (
    CONTROL as CONSOLE_AUTH_FAILURES,
)
from cloudward.checks.aws.cloudwatch.cloudwatch_log_metric_filter_console_signin_without_mfa import (
    CONTROL as SIGNIN_WITHOUT_MFA,
)
from cloudward.checks.aws.cloudwatch.cloudwatch_log_metric_filter_iam_policy_changes import (
    CONTROL as IAM_POLICY_CHANGES,
)
from cloudward.checks.aws.cloudwatch.cloudwatch_log_metric_filter_kms_key_disable_or_deletion import (
    CONTROL as KMS_KEY_DISABLE,
)
from cloudward.checks.aws.cloudwatch.cloudwatch_log_metric_filter_root_usage import CONTROL as ROOT_USAGE
from cloudward.checks.aws.cloudwatch.cloudwatch_log_metric_filter_route_table_changes import (
    CONTROL as ROUTE_TABLE_CHANGES,
)
from cloudward.checks.aws.cloudwatch.cloudwatch_log_metric_filter_unauthorized_api_calls import (
    CONTROL as UNAUTHORIZED_API_CALLS,
)
from cloudward.inventory import Resource


def _controls() -> tuple[Control, ...]:
    """Every CIS monitoring control declared by a check module of the cloudwatch package."""
    found: list[Control] = []
    for module_info in pkgutil.iter_modules(cloudwatch_checks.__path__):
        if module_info.name.startswith("cloudwatch_log_metric_filter_"):
            module = importlib.import_module(f"{cloudwatch_checks.__name__}.{module_info.name}")
            control = module.CONTROL
            assert isinstance(control, Control)
            found.append(control)
    return tuple(sorted(found, key=lambda control: control.check_id))


CONTROLS = _controls()
SAMPLES: tuple[Mapping[str, Any], ...] = tuple(
    event.record for control in CONTROLS for event in (*control.matches, *control.ignores)
)

# A record with the value kinds the CIS samples lack: numbers, null, booleans, arrays.
RICH_EVENT: Mapping[str, Any] = api_event(
    "ec2.amazonaws.com",
    "RunInstances",
    errorCode="Client.UnauthorizedOperation",
    errorMessage="You are not authorized to perform this operation.",
    requestParameters={"count": 3, "ratio": 0.5, "nothing": None, "flag": True, "off": False, "label": "7"},
    resources=[{"ARN": "arn:aws:ec2:us-east-1:111122223333:instance/i-1"}, {"ARN": "arn:aws:s3:::logs"}],
).record
SERVICE_EVENT: Mapping[str, Any] = api_event(
    "iam.amazonaws.com",
    "CreateAccessKey",
    identity={**ROOT, "invokedBy": "cloudformation.amazonaws.com"},
    eventType="AwsServiceEvent",
    requestParameters={"count": -2, "ratio": 10.25, "nothing": "x", "flag": False, "off": "false"},
    resources=[],
).record
EVENTS: tuple[Mapping[str, Any], ...] = (*SAMPLES, RICH_EVENT, SERVICE_EVENT)


def matches(pattern: str, event: Mapping[str, Any]) -> bool:
    """Whether the parsed pattern matches the event."""
    return parse(pattern).matches(event)


def covers(control: Control, pattern: str) -> bool:
    """The monitoring checks' own decision: counts every sample event and no routine one."""
    missed, noisy = _coverage(control, pattern)
    return not missed and not noisy


def metric_filter(name: str, pattern: str) -> Resource:
    """A metric filter resource on the trail's log group, as the inventory holds it."""
    return Resource(
        arn=f"arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail:metric-filter/{name}",
        type=METRIC_FILTER,
        account_id="111122223333",
        region="us-east-1",
        name=name,
        attrs={"configuration": {"filterName": name, "filterPattern": pattern, "logGroupName": "cloudtrail"}},
    )


# --- JSON patterns: = and != ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ('{ $.eventName = "RunInstances" }', True),
        ("{ $.eventName = RunInstances }", True),
        ("{$.eventName=RunInstances}", True),
        ('{ $.eventName = "runinstances" }', False),  # case-sensitive
        ('{ $.eventName = "Run" }', False),  # the whole value, not a substring
        ('{ $.eventName = "RunInstancesX" }', False),
        ('{ $.userIdentity.type = "IAMUser" }', True),
        ("{ $.userIdentity.userName = analyst }", True),
        ("{ $.userIdentity.userName = root }", False),
        ("{ $.resources[0].ARN = arn:aws:ec2:us-east-1:111122223333:instance/i-1 }", True),
        ('{ $.resources[1].ARN = "arn:aws:s3:::logs" }', True),
        ('{ $.resources[0].ARN = "arn:aws:s3:::logs" }', False),
        ('{ $.resources[2].ARN = "arn:aws:s3:::logs" }', False),  # index out of range
        ('{ $.userIdentity[0] = "IAMUser" }', False),  # indexing an object
        ('{ $.eventName.inner = "RunInstances" }', False),  # descending into a string
        ("{ $.errorMessage = You are not authorized to perform this operation. }", True),
        ('{ $.requestParameters.label = "7" }', True),
        ("{ $.requestParameters.label = 7 }", True),
    ],
)
def test_equality(pattern: str, expected: bool) -> None:
    assert matches(pattern, RICH_EVENT) is expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ('{ $.eventName != "RunInstances" }', False),
        ("{ $.eventName != DescribeInstances }", True),
        ('{ $.eventName != "runinstances" }', True),
        ("{ $.noSuchField != anything }", True),  # an absent selector makes != true ...
        ("{ $.noSuchField = anything }", False),  # ... and = false
        ('{ $.userIdentity.invokedBy != "cloudformation.amazonaws.com" }', True),
    ],
)
def test_inequality_and_absent_selectors(pattern: str, expected: bool) -> None:
    assert matches(pattern, RICH_EVENT) is expected


def test_absent_selector_sides_depend_on_the_event() -> None:
    pattern = '{ $.userIdentity.invokedBy != "cloudformation.amazonaws.com" }'
    assert matches(pattern, RICH_EVENT)
    assert not matches(pattern, SERVICE_EVENT)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("{ $.errorCode = *UnauthorizedOperation }", True),
        ('{ $.errorCode = "*UnauthorizedOperation" }', True),
        ('{ $.errorCode = "Client.*" }', True),
        ('{ $.errorCode = "*Unauthorized*" }', True),
        ('{ $.errorCode = "Client*Operation" }', True),
        ('{ $.errorCode = "AccessDenied*" }', False),
        ('{ $.errorCode = "*Denied" }', False),
        ('{ $.errorCode = "*Unauthorized" }', False),  # anchored at both ends
        ('{ $.errorCode = "Operation*" }', False),
        ('{ $.errorCode = "Server.*" }', False),
        ('{ $.errorCode = "**" }', True),
        ("{ $.errorCode = * }", True),
        ("{ $.requestParameters.count = * }", True),  # any value at all, not only strings
        ("{ $.userIdentity = * }", True),
        ("{ $.noSuchField = * }", False),  # but the field must be there
        ('{ $.sourceIPAddress = "198.51.100.*" }', True),
        ('{ $.sourceIPAddress = "198.51.*.7" }', True),
        ('{ $.sourceIPAddress = "198?51?100?7" }', False),  # only * is special
        ('{ $.sourceIPAddress = "198.51.100.[0-9]" }', False),
        ('{ $.errorCode != "*UnauthorizedOperation" }', False),
        ('{ $.errorCode != "AccessDenied*" }', True),
    ],
)
def test_wildcards(pattern: str, expected: bool) -> None:
    assert matches(pattern, RICH_EVENT) is expected


def test_regex_metacharacters_in_values_are_literal() -> None:
    event = {"sourceIPAddress": "198a51b100c7", "name": "a+b"}
    assert not matches('{ $.sourceIPAddress = "198.51.100.7" }', event)
    assert not matches('{ $.sourceIPAddress = "198.51.*" }', event)
    assert matches('{ $.name = "a+b" }', event)
    assert not matches('{ $.name = "aab" }', event)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ('{ $.errorMessage = "a) && (b || c}" }', True),
        ('{ ($.errorMessage = "a) && (b || c}") }', True),
        ('{ $.quote = "say \\"hi\\"" }', True),
        ('{ $.quote = "say "hi"" }', None),  # an unescaped quote ends the string early: invalid
        ('{ $.path = "C:\\\\temp" }', True),
    ],
)
def test_quoted_values_hold_operators_and_escapes(pattern: str, expected: bool | None) -> None:
    event = {"errorMessage": "a) && (b || c}", "quote": 'say "hi"', "path": "C:\\temp"}
    if expected is None:
        with pytest.raises(PatternError):
            parse(pattern)
    else:
        assert matches(pattern, event) is expected


def test_a_bare_value_runs_to_the_next_operator_or_parenthesis() -> None:
    failed = console_login("failed", mfa_used=False, success=False).record
    assert matches("{ $.errorMessage = Failed authentication }", failed)
    assert matches("{ ($.errorMessage = Failed authentication) }", failed)
    assert matches("{ $.errorMessage =   Failed authentication   && $.eventName = ConsoleLogin }", failed)
    assert matches("{ $.errorMessage = Failed authentication||$.eventName = Nothing }", failed)
    assert not matches("{ $.errorMessage = Failed }", failed)


# --- JSON patterns: numbers, states --------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("{ $.requestParameters.count = 3 }", True),
        ("{ $.requestParameters.count = 3.0 }", True),
        ('{ $.requestParameters.count = "3" }', True),
        ("{ $.requestParameters.count != 3 }", False),
        ("{ $.requestParameters.count = 4 }", False),
        ("{ $.requestParameters.count = 2 }", False),
        ("{ $.requestParameters.count != 2 }", True),
        ('{ $.requestParameters.count = "2" }', False),
        ("{ $.requestParameters.count > 2 }", True),
        ("{ $.requestParameters.count > 3 }", False),
        ("{ $.requestParameters.count >= 3 }", True),
        ("{ $.requestParameters.count < 3 }", False),
        ("{ $.requestParameters.count <= 3 }", True),
        ("{ $.requestParameters.count < 3.5 }", True),
        ("{ $.requestParameters.count > -1 }", True),
        ('{ $.requestParameters.count > "2" }', True),
        ("{ $.requestParameters.ratio = 0.5 }", True),
        ("{ $.requestParameters.ratio < 1 }", True),
        ("{ $.requestParameters.ratio >= 0.6 }", False),
        ("{ $.requestParameters.label > 6 }", False),  # "7" is a string: numeric comparisons are false
        ("{ $.requestParameters.flag = 1 }", False),  # true is not the number 1
        ("{ $.requestParameters.flag > 0 }", False),
        ("{ $.requestParameters.nothing < 1 }", False),
        ("{ $.noSuchField > 0 }", False),
        ("{ $.noSuchField < 0 }", False),
    ],
)
def test_numbers(pattern: str, expected: bool) -> None:
    assert matches(pattern, RICH_EVENT) is expected


@pytest.mark.parametrize(
    "pattern", ["{ $.n > abc }", '{ $.n <= "abc" }', "{ $.n >= 1e3 }", "{ $.n < 1.2.3 }", "{ $.n > }"]
)
def test_numeric_comparison_needs_a_number(pattern: str) -> None:
    with pytest.raises(PatternError):
        parse(pattern)


@pytest.mark.parametrize(
    ("pattern", "rich", "service"),
    [
        ("{ $.requestParameters.nothing IS NULL }", True, False),  # null here, "x" there
        ("{ $.noSuchField IS NULL }", False, False),  # absent is not null
        ("{ $.requestParameters.nothing NOT EXISTS }", False, False),  # null is present
        ("{ $.userIdentity.invokedBy NOT EXISTS }", True, False),
        ("{ $.userIdentity.invokedBy   NOT   EXISTS }", True, False),
        ("{ $.requestParameters.flag IS TRUE }", True, False),
        ("{ $.requestParameters.flag IS FALSE }", False, True),
        ("{ $.requestParameters.off IS FALSE }", True, False),  # "false" (a string) is not false
        ("{ $.noSuchField IS TRUE }", False, False),
        ("{ $.noSuchField IS FALSE }", False, False),
        ("{ ($.userIdentity.invokedBy NOT EXISTS) && ($.requestParameters.nothing IS NULL) }", True, False),
    ],
)
def test_states(pattern: str, rich: bool, service: bool) -> None:
    assert matches(pattern, RICH_EVENT) is rich
    assert matches(pattern, SERVICE_EVENT) is service


# --- JSON patterns: && || and parentheses --------------------------------------------------------

IAM_ROOT = api_event("iam.amazonaws.com", "CreateAccessKey", identity=ROOT).record
IAM_USER = api_event("iam.amazonaws.com", "CreateAccessKey").record
EC2_USER = api_event("ec2.amazonaws.com", "RunInstances").record
EC2_ROOT = api_event("ec2.amazonaws.com", "RunInstances", identity=ROOT).record
QUADRANT = (IAM_ROOT, IAM_USER, EC2_USER, EC2_ROOT)


def truth_table(pattern: str) -> tuple[bool, ...]:
    """The pattern's result on IAM/root, IAM/user, EC2/user, EC2/root."""
    return tuple(matches(pattern, event) for event in QUADRANT)


@pytest.mark.parametrize(
    ("pattern", "table"),
    [
        ("{ $.eventSource = iam.amazonaws.com && $.userIdentity.type = Root }", (True, False, False, False)),
        ("{ $.eventSource = iam.amazonaws.com || $.userIdentity.type = Root }", (True, True, False, True)),
        ("{ ($.eventSource = iam.amazonaws.com) && ($.userIdentity.type = Root) }", (True, False, False, False)),
        ('{ ($.eventSource = "iam.amazonaws.com") || ($.userIdentity.type = "Root") }', (True, True, False, True)),
        # && binds tighter than ||: A || B && C is A || (B && C)
        (
            "{ $.eventSource = iam.amazonaws.com || $.eventSource = ec2.amazonaws.com && $.userIdentity.type = Root }",
            (True, True, False, True),
        ),
        (
            "{ $.userIdentity.type = Root && $.eventSource = ec2.amazonaws.com || $.eventSource = iam.amazonaws.com }",
            (True, True, False, True),
        ),
        # parentheses override it
        (
            "{ ($.eventSource = iam.amazonaws.com || $.eventSource = ec2.amazonaws.com) && "
            "$.userIdentity.type = Root }",
            (True, False, False, True),
        ),
        (
            "{ $.userIdentity.type = Root && "
            "($.eventSource = ec2.amazonaws.com || $.eventSource = iam.amazonaws.com) }",
            (True, False, False, True),
        ),
        ("{ ((($.eventSource = iam.amazonaws.com))) }", (True, True, False, False)),
        (
            "{ (($.eventSource = iam.amazonaws.com && $.userIdentity.type = Root) || "
            "($.eventSource = ec2.amazonaws.com && $.userIdentity.type = IAMUser)) }",
            (True, False, True, False),
        ),
        (
            "{ $.eventName = CreateAccessKey && $.eventSource = iam.amazonaws.com && $.userIdentity.type != Root }",
            (False, True, False, False),
        ),
        ("{ $.eventName = X || $.eventName = Y || $.eventName = RunInstances }", (False, False, True, True)),
    ],
)
def test_boolean_operators_and_precedence(pattern: str, table: tuple[bool, ...]) -> None:
    assert truth_table(pattern) == table


# --- spacing, quoting and order do not matter ----------------------------------------------------

ROOT_USAGE_VARIANTS = (
    '{ ($.userIdentity.type = "Root") && ($.userIdentity.invokedBy NOT EXISTS) && ($.eventType != "AwsServiceEvent") }',
    "{ $.userIdentity.type = Root && $.userIdentity.invokedBy NOT EXISTS && $.eventType != AwsServiceEvent }",
    "{($.userIdentity.type=Root)&&($.userIdentity.invokedBy NOT EXISTS)&&($.eventType!=AwsServiceEvent)}",
    "{\n  ($.eventType != AwsServiceEvent)\n\t&& ($.userIdentity.invokedBy NOT EXISTS)\n"
    "  && ($.userIdentity.type = Root)\n}",
    '  {(($.userIdentity.invokedBy NOT EXISTS) && ($.userIdentity.type = "Root")) '
    '&& $.eventType != "AwsServiceEvent"}  ',
)


@pytest.mark.parametrize("pattern", ROOT_USAGE_VARIANTS)
def test_spacing_quoting_and_order_do_not_change_the_result(pattern: str) -> None:
    expected = [matches(ROOT_USAGE_VARIANTS[0], event) for event in EVENTS]
    assert [matches(pattern, event) for event in EVENTS] == expected
    assert any(expected)
    assert not all(expected)
    assert covers(ROOT_USAGE, pattern)


def test_reordered_alternatives_cover_the_same_control() -> None:
    names = ["DisableKey", "ScheduleKeyDeletion"]
    for ordered in (names, names[::-1]):
        alternatives = " || ".join(f"($.eventName = {name})" for name in ordered)
        assert covers(KMS_KEY_DISABLE, f"{{ ({alternatives}) && ($.eventSource = kms.amazonaws.com) }}")
        assert covers(KMS_KEY_DISABLE, f'{{ ($.eventSource = "kms.amazonaws.com") && ({alternatives}) }}')


# --- term patterns -------------------------------------------------------------------------------

DENIED = api_event("s3.amazonaws.com", "GetBucketPolicy", errorCode="AccessDenied", errorMessage="Access Denied").record
UNAUTHORIZED = api_event("ec2.amazonaws.com", "RunInstances", errorCode="Client.UnauthorizedOperation").record
HEAD_DENIED = api_event("s3.amazonaws.com", "HeadBucket", errorCode="AccessDenied").record
TERM_EVENTS = (DENIED, UNAUTHORIZED, HEAD_DENIED, EC2_USER)


@pytest.mark.parametrize(
    ("pattern", "table"),
    [
        ("AccessDenied", (True, False, True, False)),
        ("accessdenied", (False, False, False, False)),  # case-sensitive
        ("AccessDenied GetBucketPolicy", (True, False, False, False)),  # every term
        ("AccessDenied     GetBucketPolicy", (True, False, False, False)),
        ("?AccessDenied ?UnauthorizedOperation", (True, True, True, False)),  # any term
        ("?UnauthorizedOperation ?AccessDenied", (True, True, True, False)),
        ("AccessDenied -HeadBucket", (True, False, False, False)),  # none of the excluded
        ("?AccessDenied ?UnauthorizedOperation -HeadBucket", (True, True, False, False)),
        ('"Access Denied"', (True, False, False, False)),  # a quoted phrase
        ("Access Denied", (True, False, True, False)),  # two terms: "Access" is in AccessDenied
        ('"s3.amazonaws.com" -"Access Denied"', (False, False, True, False)),
        ("RunInstances", (False, True, False, True)),
        ("errorCode", (True, True, True, False)),  # the event's JSON text, keys included
        ("-errorCode", (False, False, False, True)),
        ("NoSuchTerm", (False, False, False, False)),
        ("?NoSuchTerm ?OtherTerm", (False, False, False, False)),
    ],
)
def test_term_patterns(pattern: str, table: tuple[bool, ...]) -> None:
    assert tuple(matches(pattern, event) for event in TERM_EVENTS) == table


def test_a_term_pattern_for_the_errors_counts_the_denials() -> None:
    """The fixture's term pattern counts every denial sample (CIS 4.1) but no successful call."""
    assert covers(UNAUTHORIZED_API_CALLS, "?AccessDenied ?UnauthorizedOperation")
    assert covers(UNAUTHORIZED_API_CALLS, "?UnauthorizedOperation ?AccessDenied")
    assert _coverage(UNAUTHORIZED_API_CALLS, "UnauthorizedOperation") == (
        ["GetBucketPolicy denied (AccessDenied)", "Decrypt denied (AccessDeniedException)"],
        [],
    )


def test_a_quoted_percent_sign_is_a_literal_term() -> None:
    assert matches('"100%"', {"progress": "100%"})
    assert not matches('"100%"', {"progress": "10%"})


# --- catch-all patterns --------------------------------------------------------------------------

CATCH_ALL = (
    "",
    "   ",
    "\n\t",
    "{ $.eventName = * }",
    '{ $.eventVersion = "*" }',
    "{ $.eventName != NoSuchEvent }",
    "{ $.noSuchField NOT EXISTS }",
    "{ $.noSuchField != x }",
    "{ ($.eventName = *) || ($.errorCode = AccessDenied*) }",
    "eventName",
    "-NoSuchTerm",
    "?eventName ?NoSuchTerm",
)


@pytest.mark.parametrize("pattern", CATCH_ALL)
def test_catch_all_patterns_match_everything_and_cover_no_control(pattern: str) -> None:
    assert all(matches(pattern, event) for event in EVENTS)
    for control in CONTROLS:
        missed, noisy = _coverage(control, pattern)
        assert missed == []
        assert noisy == [event.label for event in control.ignores]
        assert noisy  # every control declares a routine event a catch-all also counts


def test_a_catch_all_filter_is_a_note_not_a_covering_filter() -> None:
    filters = [metric_filter("everything", ""), metric_filter("any-event", "{ $.eventName = * }")]
    covering, unevaluated, notes = _classify(ROOT_USAGE, filters)
    assert covering == []
    assert unevaluated == []
    assert notes == [
        "filter everything also counts an IAM user's CreateAccessKey",
        "filter any-event also counts an IAM user's CreateAccessKey",
    ]


# --- the CIS v5.0 patterns as printed (tests/fixtures/checks/cloudwatch_log_metric_filter_*.yaml) -

CIS_V5_PATTERNS = {
    UNAUTHORIZED_API_CALLS.check_id: (
        UNAUTHORIZED_API_CALLS,
        "{ ($.errorCode =*UnauthorizedOperation) || ($.errorCode =AccessDenied*) && "
        "($.sourceIPAddress!=delivery.logs.amazonaws.com) && ($.eventName!=HeadBucket) }",
    ),
    SIGNIN_WITHOUT_MFA.check_id: (
        SIGNIN_WITHOUT_MFA,
        "{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed != Yes) }",
    ),
    ROOT_USAGE.check_id: (
        ROOT_USAGE,
        "{ $.userIdentity.type = Root && $.userIdentity.invokedBy NOT EXISTS && $.eventType != AwsServiceEvent }",
    ),
    IAM_POLICY_CHANGES.check_id: (
        IAM_POLICY_CHANGES,
        "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||"
        "($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||"
        "($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||"
        "($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||"
        "($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||"
        "($.eventName=DetachGroupPolicy)}",
    ),
    CLOUDTRAIL_CHANGES.check_id: (
        CLOUDTRAIL_CHANGES,
        "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || "
        "($.eventName = StartLogging) || ($.eventName = StopLogging) }",
    ),
    CONSOLE_AUTH_FAILURES.check_id: (
        CONSOLE_AUTH_FAILURES,
        "{ ($.eventName = ConsoleLogin) && ($.errorMessage = Failed authentication) }",
    ),
    KMS_KEY_DISABLE.check_id: (
        KMS_KEY_DISABLE,
        "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }",
    ),
    ROUTE_TABLE_CHANGES.check_id: (
        ROUTE_TABLE_CHANGES,
        "{($.eventSource = ec2.amazonaws.com) && ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || "
        "($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || "
        "($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }",
    ),
}


@pytest.mark.parametrize("check_id", sorted(CIS_V5_PATTERNS))
def test_the_cis_v5_pattern_covers_its_control(check_id: str) -> None:
    control, pattern = CIS_V5_PATTERNS[check_id]
    assert _coverage(control, pattern) == ([], [])
    assert covers(control, control.pattern)  # the remediation's (quoted, parenthesized) pattern too


@pytest.mark.parametrize("check_id", sorted(CIS_V5_PATTERNS))
def test_a_cis_v5_pattern_covers_no_other_control(check_id: str) -> None:
    _, pattern = CIS_V5_PATTERNS[check_id]
    others = [control.check_id for control in CONTROLS if control.check_id != check_id and covers(control, pattern)]
    assert others == []


def test_cis_unauthorized_pattern_reads_with_and_binding_tighter() -> None:
    """As printed, CIS 4.1 is A || (B && C && D): its exclusions apply to AccessDenied* only."""
    _, pattern = CIS_V5_PATTERNS[UNAUTHORIZED_API_CALLS.check_id]
    by_log_delivery = api_event(
        "ec2.amazonaws.com",
        "RunInstances",
        errorCode="Client.UnauthorizedOperation",
        sourceIPAddress="delivery.logs.amazonaws.com",
    ).record
    denied_by_log_delivery = api_event(
        "s3.amazonaws.com", "PutObject", errorCode="AccessDenied", sourceIPAddress="delivery.logs.amazonaws.com"
    ).record
    assert matches(pattern, by_log_delivery)
    assert not matches(pattern, denied_by_log_delivery)
    assert not matches(pattern, HEAD_DENIED)
    assert matches(pattern, DENIED)
    assert not matches(pattern, EC2_USER)


def test_cis_route_table_pattern_reads_with_and_binding_tighter() -> None:
    """As printed, CIS 4.13 restricts only CreateRoute to ec2.amazonaws.com."""
    _, pattern = CIS_V5_PATTERNS[ROUTE_TABLE_CHANGES.check_id]
    assert not matches(pattern, api_event("other.amazonaws.com", "CreateRoute").record)
    assert matches(pattern, api_event("other.amazonaws.com", "CreateRouteTable").record)
    assert matches(pattern, api_event("ec2.amazonaws.com", "CreateRoute").record)


def test_cis_console_patterns_tell_sign_ins_apart() -> None:
    _, without_mfa = CIS_V5_PATTERNS[SIGNIN_WITHOUT_MFA.check_id]
    _, failures = CIS_V5_PATTERNS[CONSOLE_AUTH_FAILURES.check_id]
    with_mfa = console_login("mfa", mfa_used=True, success=True).record
    no_mfa = console_login("no mfa", mfa_used=False, success=True).record
    failed = console_login("failed", mfa_used=False, success=False).record
    assert [matches(without_mfa, event) for event in (with_mfa, no_mfa, failed)] == [False, True, True]
    assert [matches(failures, event) for event in (with_mfa, no_mfa, failed)] == [False, False, True]


def test_narrower_patterns_miss_named_events() -> None:
    """A pattern that leaves events out is a gap, named by the events it misses."""
    assert _coverage(CLOUDTRAIL_CHANGES, "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) }") == (
        ["DeleteTrail", "StartLogging", "StopLogging"],
        [],
    )
    assert _coverage(ROOT_USAGE, '{ $.userIdentity.type = "Root" && $.eventName = ConsoleLogin }') == (
        ["a root CreateAccessKey"],
        [],
    )


# --- unsupported forms and malformed input -------------------------------------------------------

MALFORMED = (
    "{",
    "{}",
    "{ }",
    "{ $.eventName = ConsoleLogin",  # no closing brace
    "{ ($.eventName = ConsoleLogin }",  # unclosed parenthesis
    "{ (($.eventName = ConsoleLogin) }",
    "{ $.eventName = ConsoleLogin) }",  # unopened parenthesis
    '{ ($.eventName = "ConsoleLogin")) }',
    "{ () }",
    "{ ( }",
    "{ ) }",
    "{ { $.eventName = ConsoleLogin } }",
    "{ $.eventName = ConsoleLogin } trailing",
    '{ ($.eventName = "ConsoleLogin") } }',
    "{ $.eventName }",  # no operator
    "{ $.eventName = }",  # no value
    "{ = ConsoleLogin }",  # no selector
    "{ eventName = ConsoleLogin }",
    "{ $ = ConsoleLogin }",
    "{ $.eventName. = ConsoleLogin }",
    "{ $.eventName ~ ConsoleLogin }",
    "{ $.eventName IS }",
    "{ && $.eventName = ConsoleLogin }",
    "{ $.eventName = ConsoleLogin && }",
    "{ $.eventName = ConsoleLogin || }",
    "{ $.eventName = ConsoleLogin || || $.eventName = X }",
    '{ $.eventName = "ConsoleLogin }',  # unterminated string
    '{ $.eventName = "ConsoleLogin\\" }',
    '{ $.eventName = "ConsoleLogin" "X" }',
    '{ $.eventName = "ConsoleLogin" $.errorCode = X }',
    "{ $.eventName > ConsoleLogin }",
    "{ $.errorCode = %AccessDenied|UnauthorizedOperation% }",  # regular expressions are not evaluated
    "%AccessDenied%",
    "?%Access.*% ?Unauthorized",
    "[ip, user, timestamp]",  # space-delimited patterns are not evaluated
    "[]",
    "  [ip, status_code=4*, ...]  ",
)


@pytest.mark.parametrize("pattern", MALFORMED)
def test_malformed_and_unsupported_patterns_raise_pattern_error(pattern: str) -> None:
    with pytest.raises(PatternError) as raised:
        parse(pattern)
    assert str(raised.value)  # says what is wrong
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize("pattern", MALFORMED)
def test_a_malformed_pattern_is_reported_unevaluated_never_covering(pattern: str) -> None:
    with pytest.raises(PatternError):
        _coverage(UNAUTHORIZED_API_CALLS, pattern)
    covering, unevaluated, _ = _classify(UNAUTHORIZED_API_CALLS, [metric_filter("broken", pattern)])
    assert covering == []
    assert [(resource.name, bool(error)) for resource, error in unevaluated] == [("broken", True)]


def test_a_malformed_filter_does_not_hide_a_covering_one() -> None:
    _, cis = CIS_V5_PATTERNS[UNAUTHORIZED_API_CALLS.check_id]
    filters = [metric_filter("broken", "{ ($.errorCode = AccessDenied* }"), metric_filter("cis", cis)]
    covering, unevaluated, _ = _classify(UNAUTHORIZED_API_CALLS, filters)
    assert [resource.name for resource in covering] == ["cis"]
    assert [resource.name for resource, _ in unevaluated] == ["broken"]


# Deeply nested parentheses: a PutMetricFilter pattern may be up to 1,024 characters, enough for
# ~500 levels. The parser recurses once per level (three frames each) and overflows the stack.
DEEP = 495
DEEPLY_NESTED = "{" + "(" * DEEP + "$.eventName = ConsoleLogin" + ")" * DEEP + "}"
DEEPLY_UNBALANCED = "{" + "(" * DEEP + "}"


@pytest.mark.parametrize("pattern", [DEEPLY_NESTED, DEEPLY_UNBALANCED], ids=["balanced", "unbalanced"])
def test_deeply_nested_parentheses_give_pattern_error_or_a_result(pattern: str) -> None:
    """BUG (module): RecursionError escapes parse() instead of a PatternError or a result."""
    assert len(DEEPLY_NESTED) <= 1024
    try:
        parsed = parse(pattern)
    except PatternError:
        return
    assert parsed.matches(console_login("x", mfa_used=True, success=True).record) is True
    assert pattern == DEEPLY_NESTED


def test_a_deeply_nested_filter_does_not_hide_a_covering_one() -> None:
    """BUG (module): the RecursionError escapes _classify, so the whole check crashes to ERROR."""
    _, cis = CIS_V5_PATTERNS[CONSOLE_AUTH_FAILURES.check_id]
    filters = [metric_filter("deep", DEEPLY_UNBALANCED), metric_filter("cis", cis)]
    covering, unevaluated, _ = _classify(CONSOLE_AUTH_FAILURES, filters)
    assert [resource.name for resource in covering] == ["cis"]
    assert [resource.name for resource, _ in unevaluated] == ["deep"]


@pytest.mark.parametrize(
    "pattern",
    [
        "{ $.eventName = ConsoleLogin }}",
        "{ $.eventName = ConsoleLogin } }",
        "{ $.eventName != X } && $.userIdentity.type = Root }",
        "{ $.eventName = ( }",
        "{ $.eventName = ConsoleLogin ( }",
    ],
)
def test_an_unbalanced_brace_or_parenthesis_in_a_bare_value_is_rejected(pattern: str) -> None:
    """BUG (module): a bare value swallows a stray '}' or '(' ("ConsoleLogin }") instead of rejecting it."""
    with pytest.raises(PatternError):
        parse(pattern)


def test_a_stray_brace_pattern_does_not_cover_root_usage() -> None:
    """BUG (module): reads as ($.eventName != "X }") && ($.userIdentity.type = Root), and covers CIS 4.3."""
    pattern = "{ $.eventName != X } && $.userIdentity.type = Root }"
    try:
        result = covers(ROOT_USAGE, pattern)
    except PatternError:
        return
    assert result is False


def test_matching_an_event_with_a_huge_integer_returns_a_bool() -> None:
    """BUG (module): float() of an int beyond 1e308 raises OverflowError from matches()."""
    event = {"requestParameters": {"count": 10**400}}
    assert matches("{ $.requestParameters.count > 1 }", event) is True
    assert matches("{ $.requestParameters.count = 1 }", event) is False


class StillMatchingError(Exception):
    """The watchdog expired: matching one pattern against the samples did not finish."""


@contextmanager
def watchdog(seconds: int) -> Iterator[None]:
    """Turn a hang into a failure (SIGALRM interrupts the regex engine); not a timing assertion."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise StillMatchingError(f"still matching after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    "pattern",
    ['{ $.userIdentity.arn = "' + "*" * 24 + 'X" }', "{ $.eventName = " + "*" * 30 + "Z }"],
    ids=["quoted", "bare"],
)
def test_a_run_of_wildcards_does_not_hang_the_check(pattern: str) -> None:
    """BUG (module): each * becomes .* in one regex; a run of them backtracks exponentially (ReDoS).

    Anyone allowed logs:PutMetricFilter in the scanned account can stall every CIS monitoring check.
    A correct matcher answers in microseconds; the watchdog's 20 s only turns the hang into a failure.
    """
    with watchdog(20):
        assert not any(covers(control, pattern) for control in CONTROLS)


# --- hypothesis: arbitrary text ------------------------------------------------------------------

# fmt: off
TOKENS = (
    "{", "}", "(", ")", "[", "]", "$", "$.", "$.eventName", "$.userIdentity.type", "$.a[0]", "[1]",
    "=", "!=", "<", "<=", ">", ">=", "&&", "||", "&", "|", '"', "\\", "*", "%", "?", "-", " ", "  ", "\n",
    "IS NULL", "NOT EXISTS", "IS TRUE", "IS FALSE", "IS", "NOT", "ConsoleLogin", "Root", "AccessDenied*",
    "5", "-1.5", "1e3", "x",
)
# fmt: on
CIS_TEXTS = tuple(pattern for _, pattern in CIS_V5_PATTERNS.values())


@st.composite
def mutated_cis_patterns(draw: st.DrawFn) -> str:
    """A CIS pattern with a slice deleted, duplicated, or replaced by pattern tokens."""
    text = draw(st.sampled_from(CIS_TEXTS))
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, min(len(text), start + 12)))
    insert = draw(st.lists(st.sampled_from(TOKENS), max_size=3).map("".join))
    return text[:start] + draw(st.sampled_from([insert, text[start:end] * 2, ""])) + text[end:]


def few_wildcards(text: str) -> bool:
    """No run of three wildcards: longer runs hang the matcher (pinned by its own test below)."""
    return WILDCARD_RUN.search(text) is None


WILDCARD_RUN = re.compile(r"(\\?\*){3}")
ARBITRARY_TEXT = st.one_of(
    st.text(max_size=80),
    st.text(max_size=60).map(lambda text: "{" + text + "}"),
    st.lists(st.sampled_from(TOKENS), max_size=30).map("".join),
    st.lists(st.sampled_from(TOKENS), max_size=30).map(lambda tokens: "{ " + " ".join(tokens) + " }"),
    mutated_cis_patterns(),
).filter(few_wildcards)


@settings(max_examples=400, deadline=None)
@given(text=ARBITRARY_TEXT)
def test_arbitrary_text_raises_only_pattern_error_and_never_covers_without_matching(text: str) -> None:
    try:
        pattern = parse(text)
    except PatternError as exc:
        assert str(exc)
        return
    assert isinstance(pattern, FilterPattern)
    assert pattern.text == text
    for control in CONTROLS:
        counted = [pattern.matches(event.record) for event in control.matches]
        routine = [pattern.matches(event.record) for event in control.ignores]
        assert all(isinstance(result, bool) for result in (*counted, *routine))
        missed, _ = _coverage(control, text)
        if not any(counted):
            assert missed == [event.label for event in control.matches]  # matches no sample: never covers
        if covers(control, text):
            assert all(counted)
            assert not any(routine)


@settings(max_examples=200, deadline=None)
@given(
    term=st.text(st.characters(exclude_categories=("Cs", "Cc", "Zs")), min_size=1, max_size=12).map(
        lambda text: "zq" + text
    )
)
def test_a_term_absent_from_every_sample_matches_nothing_and_its_negation_everything(term: str) -> None:
    serialized = [json.dumps(event, separators=(",", ":")) for event in EVENTS]
    if any(term in text for text in serialized):
        return
    quoted = '"' + term.replace("\\", "\\\\").replace('"', '\\"') + '"'
    try:
        absent = parse(quoted)
        negated = parse("-" + quoted)
    except PatternError:
        assert "%" in term  # the only term this module refuses to evaluate
        return
    assert not any(absent.matches(event) for event in EVENTS)
    assert all(negated.matches(event) for event in EVENTS)
    for control in CONTROLS:
        assert not covers(control, quoted)
        assert not covers(control, "-" + quoted)


# --- hypothesis: generated JSON patterns against an independent evaluator ------------------------

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Compare:
    """``$.path op value``."""

    path: Path
    op: str
    value: str


@dataclass(frozen=True)
class State:
    """``$.path IS NULL`` and the like."""

    path: Path
    state: str


@dataclass(frozen=True)
class And:
    """``a && b && ...``."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """``a || b || ...``."""

    items: tuple[Node, ...]


Node = Compare | State | And | Or
ABSENT = object()
ASCII_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
BARE_SAFE = re.compile(r"[A-Za-z0-9*][A-Za-z0-9_.:/@* -]*[A-Za-z0-9_.:/@*-]|[A-Za-z0-9*]")

PATHS: tuple[Path, ...] = (
    ("eventName",),
    ("eventSource",),
    ("eventType",),
    ("eventVersion",),
    ("errorCode",),
    ("errorMessage",),
    ("sourceIPAddress",),
    ("readOnly",),
    ("userIdentity", "type"),
    ("userIdentity", "invokedBy"),
    ("userIdentity", "arn"),
    ("additionalEventData", "MFAUsed"),
    ("responseElements", "ConsoleLogin"),
    ("requestParameters", "count"),
    ("requestParameters", "ratio"),
    ("requestParameters", "nothing"),
    ("requestParameters", "flag"),
    ("requestParameters", "label"),
    ("resources", 0, "ARN"),
    ("resources", 1, "ARN"),
    ("resources", 2),
    ("noSuchField",),
    ("userIdentity", "noSuchField"),
)


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, str):
        yield value


KNOWN_STRINGS = tuple(sorted({leaf for event in EVENTS for leaf in _leaves(event)}))
NUMBERS = ("0", "3", "3.0", "-2", "0.5", "10.25", "7", "1", "-0")


def lookup(event: Any, path: Path) -> Any:
    """The value at the path, or ABSENT."""
    value = event
    for step in path:
        if isinstance(step, str):
            if not isinstance(value, Mapping) or step not in value:
                return ABSENT
        elif not isinstance(value, list) or not 0 <= step < len(value):
            return ABSENT
        value = value[step]
    return value


def wildcard_match(text: str, expected: str) -> bool:
    """``*`` matches any run of characters; everything else is literal (scanned, no regex)."""
    parts = expected.split("*")
    if len(parts) == 1:
        return text == expected
    first, last = parts[0], parts[-1]
    if len(text) < len(first) + len(last) or not text.startswith(first) or not text.endswith(last):
        return False
    position, stop = len(first), len(text) - len(last)
    for part in parts[1:-1]:
        found = text.find(part, position, stop)
        if found < 0:
            return False
        position = found + len(part)
    return True


def is_number(value: Any) -> bool:
    """A JSON number (booleans are not numbers)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def equals(actual: Any, expected: str) -> bool:
    """The documented ``=``: absent is false; ``*`` is any value; numbers numerically; strings with wildcards."""
    if actual is ABSENT:
        return False
    if expected == "*":
        return True
    if is_number(actual):
        return ASCII_NUMBER.fullmatch(expected) is not None and float(actual) == float(expected)
    if isinstance(actual, str):
        return wildcard_match(actual, expected)
    return False


def evaluate(node: Node, event: Mapping[str, Any]) -> bool:
    """The reference evaluator the module must agree with."""
    if isinstance(node, And):
        return all(evaluate(item, event) for item in node.items)
    if isinstance(node, Or):
        return any(evaluate(item, event) for item in node.items)
    actual = lookup(event, node.path)
    if isinstance(node, State):
        return {
            "IS NULL": actual is None,
            "NOT EXISTS": actual is ABSENT,
            "IS TRUE": actual is True,
            "IS FALSE": actual is False,
        }[node.state]
    if node.op == "=":
        return equals(actual, node.value)
    if node.op == "!=":
        return not equals(actual, node.value)
    if not is_number(actual):
        return False
    value, limit = float(actual), float(node.value)
    return {"<": value < limit, ">": value > limit, "<=": value <= limit, ">=": value >= limit}[node.op]


def _wildcarded(value: str, cut: int, kind: int) -> str:
    cut = min(cut, len(value))
    return [value[:cut] + "*", "*" + value[cut:], value[:cut] + "*" + value[cut + 1 :], value][kind]


RANDOM_TEXT = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Nd")) | st.sampled_from("0123456789"), max_size=10
).filter(few_wildcards)
STRING_VALUES = st.one_of(
    st.sampled_from(KNOWN_STRINGS),
    st.builds(_wildcarded, st.sampled_from(KNOWN_STRINGS), st.integers(0, 12), st.integers(0, 3)),
    st.sampled_from(NUMBERS),
    st.just("*"),
    RANDOM_TEXT,
)
NUMERIC_PATHS: tuple[Path, ...] = (("requestParameters", "count"), ("requestParameters", "ratio"))
COMPARISONS = st.one_of(
    st.builds(Compare, st.sampled_from(PATHS), st.sampled_from(("=", "!=")), STRING_VALUES),
    st.builds(Compare, st.sampled_from(NUMERIC_PATHS), st.sampled_from(("=", "!=")), st.sampled_from(NUMBERS)),
    st.builds(Compare, st.sampled_from(PATHS), st.sampled_from(("<", ">", "<=", ">=")), st.sampled_from(NUMBERS)),
    st.builds(State, st.sampled_from(PATHS), st.sampled_from(("IS NULL", "NOT EXISTS", "IS TRUE", "IS FALSE"))),
)
NODES = st.recursive(
    COMPARISONS,
    lambda children: st.one_of(
        st.lists(children, min_size=2, max_size=3).map(lambda items: And(tuple(items))),
        st.lists(children, min_size=2, max_size=3).map(lambda items: Or(tuple(items))),
    ),
    max_leaves=8,
)
SPACE = st.sampled_from(("", " ", "  ", "\n", "\t", " \n  "))


def render(node: Node, draw: Callable[[st.SearchStrategy[Any]], Any], *, shuffle: bool) -> str:
    """The node as pattern text, with drawn spacing, quoting, optional parentheses and (optionally) order."""

    def space() -> str:
        return str(draw(SPACE))

    def selector(path: Path) -> str:
        return "$" + "".join(f".{step}" if isinstance(step, str) else f"[{step}]" for step in path)

    def operand(value: str) -> str:
        if BARE_SAFE.fullmatch(value) and draw(st.booleans()):
            return value
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def group(item: Node, required: bool) -> str:
        text = render(item, draw, shuffle=shuffle)
        if required or draw(st.booleans()):
            return f"({space()}{text}{space()})"
        return text

    if isinstance(node, Compare):
        return f"{selector(node.path)}{space()}{node.op}{space()}{operand(node.value)}"
    if isinstance(node, State):
        return f"{selector(node.path)} {space()}{node.state.replace(' ', ' ' + space())}"
    items: Sequence[Node] = draw(st.permutations(node.items)) if shuffle else node.items
    if isinstance(node, And):  # an || inside && needs its parentheses, as && binds tighter
        return f"{space()}&&{space()}".join(group(item, isinstance(item, Or)) for item in items)
    return f"{space()}||{space()}".join(group(item, False) for item in items)


@settings(max_examples=400, deadline=None)
@given(node=NODES, data=st.data())
def test_generated_patterns_agree_with_a_reference_evaluator(node: Node, data: st.DataObject) -> None:
    """Spacing, quoting, redundant parentheses and the order of && and || operands change nothing."""
    expected = [evaluate(node, event) for event in EVENTS]
    for shuffle in (False, True):
        text = "{" + data.draw(SPACE) + render(node, data.draw, shuffle=shuffle) + data.draw(SPACE) + "}"
        pattern = parse(text)
        assert [pattern.matches(event) for event in EVENTS] == expected, text
        for control in CONTROLS:
            counted = [evaluate(node, event.record) for event in control.matches]
            routine = [evaluate(node, event.record) for event in control.ignores]
            assert covers(control, text) is (all(counted) and not any(routine)), (control.check_id, text)


@settings(max_examples=150, deadline=None)
@given(node=NODES, value=STRING_VALUES, data=st.data())
def test_a_conjunct_on_an_absent_field_never_covers(node: Node, value: str, data: st.DataObject) -> None:
    guarded = And((node, Compare(("cloudwardAbsent", "field"), "=", value)))
    text = "{ " + render(guarded, data.draw, shuffle=True) + " }"
    pattern = parse(text)
    assert not any(pattern.matches(event) for event in EVENTS)
    for control in CONTROLS:
        assert _coverage(control, text)[0] == [event.label for event in control.matches]
