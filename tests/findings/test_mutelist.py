"""The mutelist: parsing (valid and each kind of invalid), matching by every selector, expiry, unused entries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from cloudward.checks.model import CheckMeta, Severity, Status
from cloudward.checks.registry import default_registry
from cloudward.core.errors import CloudwardError
from cloudward.findings.model import Finding, ResourceRef, Summary
from cloudward.findings.mutelist import Mutelist, MutelistError, is_glob, load_mutelist, parse_mutelist

REGISTRY = default_registry()
KNOWN = {check.meta.id for check in REGISTRY}
VERSIONING = REGISTRY.get("s3_bucket_versioning_enabled").meta
PUBLIC = REGISTRY.get("s3_bucket_public").meta
SSH = REGISTRY.get("ec2_sg_no_ssh_from_internet").meta
ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"
COLLECTED = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)

EXAMPLE = """
mutes:
  - checks: [s3_bucket_versioning_enabled, "ec2_*"]
    accounts: ["123456789012"]
    regions: ["eu-west-1"]
    resources: ["arn:aws:s3:::acme-logs*"]
    tags: {env: sandbox}
    reason: "log buckets are versioned by the archive job"
    expires: 2027-01-31
"""


def _bucket(name: str, region: str = "eu-west-1", account: str = ACCOUNT, **tags: str) -> ResourceRef:
    return ResourceRef(f"arn:aws:s3:::{name}", "AWS::S3::Bucket", name, account, region, tags)


def _group(group_id: str, region: str = "eu-west-1") -> ResourceRef:
    arn = f"arn:aws:ec2:{region}:{ACCOUNT}:security-group/{group_id}"
    return ResourceRef(arn, "AWS::EC2::SecurityGroup", group_id, ACCOUNT, region)


def _finding(check: CheckMeta, resource: ResourceRef, status: Status = Status.FAIL) -> Finding:
    return Finding(check, resource, status, f"{check.id} on {resource.name}", COLLECTED, COLLECTED)


def _mutelist(body: str) -> Mutelist:
    return parse_mutelist(body, "test.yaml", KNOWN)


def _muted(mutelist: Mutelist, findings: list[Finding], at: datetime = COLLECTED) -> set[str]:
    result, _ = mutelist.apply(findings, at)
    return {finding.resource.name for finding in result if finding.muted}


# --- parsing ---------------------------------------------------------------------------------------


def test_the_documented_example_parses() -> None:
    (entry,) = _mutelist(EXAMPLE).entries
    assert entry.checks == ("s3_bucket_versioning_enabled", "ec2_*")
    assert entry.accounts == (ACCOUNT,)
    assert entry.regions == ("eu-west-1",)
    assert entry.resources == ("arn:aws:s3:::acme-logs*",)
    assert entry.tags == {"env": "sandbox"}
    assert entry.reason == "log buckets are versioned by the archive job"
    assert entry.expires == date(2027, 1, 31)


def test_short_forms_and_defaults() -> None:
    mutelist = _mutelist(
        "mutes:\n"
        "  - checks: s3_bucket_public\n"  # one pattern without a list
        "    accounts: 123456789012\n"  # a 12-digit account id YAML read as a number
        "    tags: {cost-centre: 42}\n"
        "    reason: '  the website bucket is public on purpose  '\n"
    )
    (entry,) = mutelist.entries
    assert entry.checks == ("s3_bucket_public",)
    assert entry.accounts == (ACCOUNT,)
    assert entry.tags == {"cost-centre": "42"}
    assert entry.reason == "the website bucket is public on purpose"
    assert entry.regions == entry.resources == ()
    assert entry.expires is None
    assert mutelist.source == "test.yaml"


def test_an_empty_list_of_mutes_is_valid() -> None:
    assert _mutelist("mutes: []\n").entries == ()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("mutes:\n  - checks: [s3_bucket_public]\n", "mutes[0].reason: required field is missing"),
        ("mutes:\n  - checks: [s3_bucket_public]\n    reason: '   '\n", "mutes[0].reason: must not be empty"),
        ("mutes:\n  - reason: accepted\n", "mutes[0].checks: required field is missing"),
        ("mutes:\n  - checks: []\n    reason: r\n", "mutes[0].checks: list at least one check id or glob"),
        (
            "mutes:\n  - {checks: [s3_bucket_public], reason: r}\n  - {checks: [s3_bucket_public], reasn: r}\n",
            "mutes[1].reasn: unknown field (allowed: checks, accounts, regions, resources, tags, reason, expires)",
        ),
        ("mutes: []\nmute: []\n", "mute: unknown field (the file has one key, mutes)"),
        (
            "mutes:\n  - {checks: [s3_bucket_public], reason: r, expires: 2027-02-30}\n",
            "mutes[0].expires: expected an ISO date such as 2027-01-31",
        ),
        (
            "mutes:\n  - {checks: [s3_bucket_public], reason: r, expires: next week}\n",
            "mutes[0].expires: expected an ISO date",
        ),
        (
            "mutes:\n  - {checks: [s3_bucket_public], reason: r, accounts: [12345]}\n",
            "mutes[0].accounts: account id 12345 must be quoted",
        ),
        ("mutes:\n  - {checks: [s3_bucket_public], reason: r, tags: {env: yes}}\n", "mutes[0].tags: tag 'env'"),
        ("mutes:\n  - {checks: [s3_bucket_public], reason: r, resources: ['']}\n", "mutes[0].resources: patterns"),
        ("mutes:\n  - {checks: [s3_bucket_public], reason: r, regions: {a: 1}}\n", "mutes[0].regions:"),
        ("mutes:\n  - {checks: [s3_bucket_public, 7], reason: r}\n", "mutes[0].checks[1]:"),
        ("mutes:\n  - s3_bucket_public\n", "mutes[0]: expected a mapping with at least `checks:` and `reason:`"),
        ("mutes:\n", "mutes: expected a list of entries"),
        ("", "expected a mapping with a `mutes:` list, found an empty file"),
        ("- checks: [s3_bucket_public]\n", "expected a mapping with a `mutes:` list, found a list"),
        ("mutes:\n  - checks: [s3_bucket_public\n    reason: r\n", "is not valid YAML: line 3, column"),
    ],
)
def test_invalid_input_is_one_clear_line_naming_entry_and_field(body: str, message: str) -> None:
    with pytest.raises(MutelistError) as raised:
        parse_mutelist(body, "test.yaml", KNOWN)
    text = str(raised.value)
    assert isinstance(raised.value, CloudwardError)  # the CLI prints it as one line and exits 2
    assert text.startswith("mutelist test.yaml")
    assert message in text
    assert "\n" not in text


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(MutelistError) as raised:
        _mutelist("mutes:\n  - {checks: [], reason: ''}\n  - {checks: [s3_bucket_public]}\n")
    text = str(raised.value)
    assert "mutes[0].checks" in text and "mutes[0].reason" in text and "mutes[1].reason" in text


def test_unknown_check_ids_are_errors_with_close_matches() -> None:
    with pytest.raises(MutelistError) as raised:
        _mutelist("mutes:\n  - {checks: ['ec2_*', s3_bucket_versioning_enable], reason: r}\n")
    assert "mutes[0].checks[1]: unknown check id 's3_bucket_versioning_enable'" in str(raised.value)
    assert "did you mean s3_bucket_versioning_enabled" in str(raised.value)
    with pytest.raises(MutelistError, match=r"unknown check id 'zzz_nothing_like_it'$"):
        _mutelist("mutes:\n  - {checks: [zzz_nothing_like_it], reason: r}\n")


def test_globs_and_unchecked_ids_are_not_looked_up() -> None:
    assert _mutelist("mutes:\n  - {checks: ['nothing_*', 'x?', '[ab]_c'], reason: r}\n").entries
    assert parse_mutelist("mutes:\n  - {checks: [my_own_check], reason: r}\n").entries  # no registry given
    assert is_glob("ec2_*") and is_glob("s3_bucket_[pv]*") and not is_glob("s3_bucket_public")


def test_load_reads_a_file_and_names_a_missing_one(tmp_path: Path) -> None:
    path = tmp_path / "mutelist.yaml"
    path.write_text(EXAMPLE, encoding="utf-8")
    mutelist = load_mutelist(path, KNOWN)
    assert mutelist.source == str(path) and len(mutelist.entries) == 1
    with pytest.raises(MutelistError, match="does not exist"):
        load_mutelist(tmp_path / "missing.yaml")


# --- matching --------------------------------------------------------------------------------------


def test_checks_select_by_id_and_by_glob() -> None:
    findings = [_finding(VERSIONING, _bucket("a")), _finding(PUBLIC, _bucket("b")), _finding(SSH, _group("sg-1"))]
    assert _muted(_mutelist("mutes:\n  - {checks: [s3_bucket_versioning_enabled], reason: r}\n"), findings) == {"a"}
    assert _muted(_mutelist("mutes:\n  - {checks: ['s3_*'], reason: r}\n"), findings) == {"a", "b"}
    assert _muted(_mutelist("mutes:\n  - {checks: ['ec2_*', s3_bucket_public], reason: r}\n"), findings) == {
        "b",
        "sg-1",
    }


def test_accounts_and_regions_select() -> None:
    findings = [
        _finding(PUBLIC, _bucket("home")),
        _finding(PUBLIC, _bucket("other-account", account=OTHER_ACCOUNT)),
        _finding(PUBLIC, _bucket("us", region="us-east-1")),
        _finding(PUBLIC, _bucket("global", region="")),
    ]
    by_account = _mutelist(f"mutes:\n  - {{checks: ['*'], accounts: ['{OTHER_ACCOUNT}'], reason: r}}\n")
    assert _muted(by_account, findings) == {"other-account"}
    by_region = _mutelist("mutes:\n  - {checks: ['*'], regions: ['eu-*'], reason: r}\n")
    assert _muted(by_region, findings) == {"home", "other-account"}
    both = _mutelist(f"mutes:\n  - {{checks: ['*'], accounts: ['{ACCOUNT}'], regions: [us-east-1], reason: r}}\n")
    assert _muted(both, findings) == {"us"}


def test_resources_select_by_arn_or_name_glob() -> None:
    findings = [
        _finding(VERSIONING, _bucket("acme-logs")),
        _finding(VERSIONING, _bucket("acme-logs-eu")),
        _finding(VERSIONING, _bucket("acme-data")),
        _finding(SSH, _group("sg-0123")),
    ]
    by_arn = _mutelist("mutes:\n  - {checks: ['*'], resources: ['arn:aws:s3:::acme-logs*'], reason: r}\n")
    assert _muted(by_arn, findings) == {"acme-logs", "acme-logs-eu"}
    by_name = _mutelist("mutes:\n  - {checks: ['*'], resources: [acme-data, 'sg-01??'], reason: r}\n")
    assert _muted(by_name, findings) == {"acme-data", "sg-0123"}
    exact = _mutelist("mutes:\n  - {checks: ['*'], resources: [acme-logs], reason: r}\n")
    assert _muted(exact, findings) == {"acme-logs"}  # no implicit prefix match
    case = _mutelist("mutes:\n  - {checks: ['*'], resources: [ACME-LOGS], reason: r}\n")
    assert _muted(case, findings) == set()  # case-sensitive, like ARNs


def test_tags_must_all_match_with_value_globs() -> None:
    findings = [
        _finding(PUBLIC, _bucket("sandbox", env="sandbox", team="web")),
        _finding(PUBLIC, _bucket("sandbox-2", env="sandbox-2")),
        _finding(PUBLIC, _bucket("prod", env="prod", team="web")),
        _finding(PUBLIC, _bucket("untagged")),
    ]
    one = _mutelist("mutes:\n  - {checks: ['*'], tags: {env: 'sandbox*'}, reason: r}\n")
    assert _muted(one, findings) == {"sandbox", "sandbox-2"}
    two = _mutelist("mutes:\n  - {checks: ['*'], tags: {env: 'sandbox*', team: web}, reason: r}\n")
    assert _muted(two, findings) == {"sandbox"}


def test_only_fail_and_error_are_muted_and_keep_their_status() -> None:
    findings = [
        _finding(PUBLIC, _bucket("failing"), Status.FAIL),
        _finding(PUBLIC, _bucket("unknown"), Status.ERROR),
        _finding(PUBLIC, _bucket("passing"), Status.PASS),
        _finding(PUBLIC, _bucket("not-applicable"), Status.NOT_APPLICABLE),
    ]
    result, report = _mutelist("mutes:\n  - {checks: [s3_bucket_public], reason: the website}\n").apply(
        findings, COLLECTED
    )
    assert [(f.resource.name, f.status, f.muted) for f in result] == [
        ("failing", Status.FAIL, "the website"),
        ("unknown", Status.ERROR, "the website"),
        ("passing", Status.PASS, ""),
        ("not-applicable", Status.NOT_APPLICABLE, ""),
    ]
    assert result[2] is findings[2] and result[3] is findings[3]
    assert report.muted == 2 and report.entries[0].matched == 2


def test_the_first_matching_entry_mutes_and_a_shadowed_entry_is_unused() -> None:
    mutelist = _mutelist(
        "mutes:\n"
        "  - {checks: ['s3_*'], reason: first}\n"
        "  - {checks: [s3_bucket_public], reason: second}\n"
        "  - {checks: ['ec2_*'], reason: third}\n"
    )
    result, report = mutelist.apply([_finding(PUBLIC, _bucket("b"))], COLLECTED)
    assert result[0].muted == "first"
    assert [(o.label, o.matched, o.unused) for o in report.entries] == [
        ("mutes[0]", 1, False),
        ("mutes[1]", 0, True),
        ("mutes[2]", 0, True),
    ]
    assert [o.label for o in report.unused] == ["mutes[1]", "mutes[2]"]
    assert report.expired == ()


def test_an_entry_matching_only_passes_is_unused() -> None:
    _, report = _mutelist("mutes:\n  - {checks: [s3_bucket_public], reason: r}\n").apply(
        [_finding(PUBLIC, _bucket("b"), Status.PASS)], COLLECTED
    )
    assert [o.label for o in report.unused] == ["mutes[0]"]


# --- expiry ----------------------------------------------------------------------------------------


def _expiring(day: str) -> Mutelist:
    return _mutelist(f"mutes:\n  - {{checks: [s3_bucket_public], reason: accepted until {day}, expires: {day}}}\n")


def test_an_entry_mutes_through_its_expiry_day_and_not_after() -> None:
    findings = [_finding(PUBLIC, _bucket("b"))]
    assert _muted(_expiring("2026-11-01"), findings) == {"b"}  # the scan's own day: still muting
    result, report = _expiring("2026-10-31").apply(findings, COLLECTED)
    assert not result[0].muted and result[0].status is Status.FAIL
    (outcome,) = report.expired
    assert outcome.label == "mutes[0]" and outcome.matched == 1  # what expiry un-muted
    assert report.unused == () and report.muted == 0
    assert report.as_of == date(2026, 11, 1)


def test_expiry_is_judged_at_the_collection_date_not_the_wall_clock() -> None:
    findings = [_finding(PUBLIC, _bucket("b"))]
    long_gone = _expiring("2001-01-31")  # long past on any wall clock
    assert _muted(long_gone, findings, at=datetime(2001, 1, 31, 23, 0, tzinfo=UTC)) == {"b"}
    assert _muted(long_gone, findings, at=datetime(2001, 2, 1, 0, 0, tzinfo=UTC)) == set()
    # the collection date is taken in UTC: 01:00 at UTC+5 on 1 Nov is still 31 Oct in UTC
    east = datetime(2026, 11, 1, 1, 0, tzinfo=timezone(timedelta(hours=5)))
    assert _muted(_expiring("2026-10-31"), findings, at=east) == {"b"}


def test_an_expired_entry_does_not_shadow_a_later_active_one() -> None:
    mutelist = _mutelist(
        "mutes:\n"
        "  - {checks: [s3_bucket_public], reason: old, expires: 2026-01-01}\n"
        "  - {checks: ['s3_*'], reason: new}\n"
    )
    result, report = mutelist.apply([_finding(PUBLIC, _bucket("b"))], COLLECTED)
    assert result[0].muted == "new"
    assert [(o.expired, o.matched) for o in report.entries] == [(True, 0), (False, 1)]


# --- counting --------------------------------------------------------------------------------------


def test_summary_counts_muted_findings_apart_and_fail_on_ignores_them() -> None:
    findings = [
        _finding(PUBLIC, _bucket("public")),
        _finding(PUBLIC, _bucket("unknown"), Status.ERROR),
        _finding(VERSIONING, _bucket("logs")),
        _finding(VERSIONING, _bucket("ok"), Status.PASS),
    ]
    result, _ = _mutelist("mutes:\n  - {checks: [s3_bucket_public], reason: r}\n").apply(findings, COLLECTED)
    summary = Summary.of(result)
    assert PUBLIC.severity is Severity.CRITICAL and VERSIONING.severity.rank < Severity.CRITICAL.rank
    assert summary.total == {Status.FAIL: 1, Status.PASS: 1}
    assert summary.muted_total == {Status.FAIL: 1, Status.ERROR: 1}
    assert summary.muted == 2 and summary.findings == 4
    assert summary.muted_by_severity[Severity.CRITICAL] == {Status.FAIL: 1, Status.ERROR: 1}
    assert summary.muted_by_layer[PUBLIC.layer][Status.FAIL] == 1
    assert summary.failures_at_or_above(Severity.CRITICAL) == 0
    assert Summary.of(findings).failures_at_or_above(Severity.CRITICAL) == 1
    unmuted = Summary.of(findings)
    assert unmuted.muted == 0 and unmuted.findings == 4
