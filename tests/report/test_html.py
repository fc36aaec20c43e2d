"""The single-file HTML report: golden files, offline-only content, escaping, empty scans.

Regenerate the golden files with ``UPDATE_GOLDEN=1 .venv/bin/pytest tests/report/test_html.py`` and
review the diff of ``tests/report/golden/report*.html`` before committing it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

from cloudward.checks.model import (
    CheckMeta,
    Layer,
    Owner,
    Remediation,
    ServiceModel,
    Severity,
    Status,
    Threat,
)
from cloudward.findings.model import Finding, ResourceRef
from cloudward.findings.mutelist import MuteReport, parse_mutelist
from cloudward.inventory import CollectionError
from cloudward.report.context import ScanContext
from cloudward.report.html import write_html

GOLDEN = Path(__file__).parent / "golden"
ACCOUNT = "123456789012"
COLLECTED = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
FIRST = datetime(2026, 10, 1, 8, 30, tzinfo=UTC)

BUCKET_PAB = CheckMeta(
    id="s3_bucket_public_access_block",
    title="S3 bucket blocks public access (all four flags)",
    service="s3",
    resource_type="AWS::S3::Bucket",
    severity=Severity.HIGH,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description="Passes when all four Block Public Access flags are true at bucket or account level.",
    risk="One ACL grant or policy statement can expose every object in the bucket.",
    remediation=Remediation(
        summary="Turn on all four Block Public Access flags.",
        console=("Open the S3 console and choose the bucket.", "Permissions > Block public access > Edit."),
        cli="aws s3api put-public-access-block --bucket BUCKET --public-access-block-configuration ...",
        terraform='resource "aws_s3_bucket_public_access_block" "this" {\n  block_public_acls = true\n}',
    ),
    references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",),
)
ROOT_MFA = CheckMeta(
    id="iam_root_hardware_mfa",
    title="Root user has hardware MFA",
    service="iam",
    resource_type="AWS::::Account",
    severity=Severity.CRITICAL,
    layer=Layer.IDENTITY,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.SAAS,
    description="Passes when the root user has an MFA device that is not virtual.",
    risk="A phished root password & no hardware MFA means full control of the account.",
    remediation=Remediation(summary="Register a hardware MFA device for the root user."),
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html",),
)
TRAIL_LOGGING = CheckMeta(
    id="cloudtrail_multi_region_logging",
    title="A multi-region trail is logging",
    service="cloudtrail",
    resource_type="AWS::::Region",
    severity=Severity.MEDIUM,
    layer=Layer.DETECTION,
    threat=Threat.MISCONFIGURATION,
    owner=Owner.SHARED,
    service_model=ServiceModel.SAAS,
    description="Passes when at least one multi-region trail has IsLogging=true.",
    risk="Without a trail, API activity of an intruder leaves no record.",
    remediation=Remediation(summary="Create a multi-region trail.", cli="aws cloudtrail create-trail ..."),
)
KMS_ROTATION = CheckMeta(
    id="kms_key_rotation_enabled",
    title="Customer managed KMS keys rotate",
    service="kms",
    resource_type="AWS::KMS::Key",
    severity=Severity.LOW,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description="Passes when automatic rotation is on; AWS managed keys are not applicable.",
    risk="A leaked key stays usable for as long as it exists.",
    remediation=Remediation(summary="Enable automatic key rotation."),
)


def _ref(arn: str, type_: str, name: str, region: str = "us-east-1", **tags: str) -> ResourceRef:
    return ResourceRef(arn, type_, name, ACCOUNT, region, tags)


def _finding(check: CheckMeta, resource: ResourceRef, status: Status, reason: str) -> Finding:
    return Finding(check, resource, status, reason, FIRST, COLLECTED)


def _findings() -> list[Finding]:
    web = _ref("arn:aws:s3:::acme-web", "AWS::S3::Bucket", "acme-web", team="web")
    logs = _ref("arn:aws:s3:::acme-logs", "AWS::S3::Bucket", "acme-logs")
    root = _ref(f"arn:aws:iam::{ACCOUNT}:root", "AWS::::Account", ACCOUNT, region="")
    region = _ref(f"arn:aws:ec2:eu-west-1:{ACCOUNT}:region", "AWS::::Region", "eu-west-1", region="eu-west-1")
    managed = _ref(f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1111", "AWS::KMS::Key", "1111")
    # Deliberately not in report order: the writer sorts.
    return [
        _finding(BUCKET_PAB, logs, Status.PASS, "all four Block Public Access flags are true"),
        _finding(KMS_ROTATION, managed, Status.NOT_APPLICABLE, "AWS managed key: AWS rotates it"),
        _finding(TRAIL_LOGGING, region, Status.ERROR, "AWS::CloudTrail::Trail unknown: AccessDenied"),
        _finding(BUCKET_PAB, web, Status.FAIL, "BlockPublicAcls=false, RestrictPublicBuckets=false"),
        _finding(ROOT_MFA, root, Status.FAIL, "root MFA is virtual (arn:aws:iam::123456789012:mfa/root)"),
    ]


def _context(errors: tuple[CollectionError, ...] = ()) -> ScanContext:
    return ScanContext(
        account_id=ACCOUNT,
        regions=("us-east-1", "eu-west-1"),
        collected_at=COLLECTED,
        errors=errors,
        tool_version="9.9.9-test",
        checks_run=4,
        resources=5,
    )


TRAIL_ERROR = CollectionError(
    service="cloudtrail",
    region="eu-west-1",
    resource_type="AWS::CloudTrail::Trail",
    operation="DescribeTrails",
    code="AccessDenied",
    message="User is not authorized to perform cloudtrail:DescribeTrails",
)
BUCKET_ERROR = CollectionError(
    service="s3",
    region="us-east-1",
    resource_type="AWS::S3::Bucket",
    operation="GetBucketPolicy",
    code="Throttling",
    message="Rate exceeded",
    supplement="BucketPolicy",
    count=3,
)


def _render(findings: list[Finding], context: ScanContext | None = None) -> str:
    out = io.StringIO()
    write_html(findings, out, context or _context())
    return out.getvalue()


def _golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


class _Page(HTMLParser):
    """Collects tags, attributes and the text of <style> and <script>, and checks nesting."""

    VOID = frozenset(
        {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    )
    # Inside inline SVG, elements such as <rect></rect> are closed explicitly; nothing here self-closes.

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.stack: list[str] = []
        self.raw: dict[str, list[str]] = {"style": [], "script": []}
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] in self.raw:
            self.raw[self.stack[-1]].append(data)
        else:
            self.text.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    assert page.stack == [], f"unclosed tags: {page.stack}"
    return page


def _rows(html: str) -> list[dict[str, str]]:
    return [attrs for tag, attrs in _parse(html).tags if tag == "tbody" and attrs.get("class") == "finding"]


def test_html_golden() -> None:
    _golden("report.html", _render(_findings(), _context((TRAIL_ERROR, BUCKET_ERROR))))


def test_html_golden_empty() -> None:
    _golden("report-empty.html", _render([]))


def test_page_is_well_formed_and_self_contained() -> None:
    """Nothing is fetched: no link/img/iframe, no script src; http(s) only in <a href> to references."""
    html = _render(_findings(), _context((TRAIL_ERROR,)))
    page = _parse(html)
    tag_names = {tag for tag, _ in page.tags}
    assert not tag_names & {
        "link",
        "img",
        "iframe",
        "object",
        "embed",
        "frame",
        "audio",
        "video",
        "source",
        "base",
        "form",
    }
    assert [tag for tag, _ in page.tags].count("script") == 1
    assert [tag for tag, _ in page.tags].count("style") == 1
    linked = []
    for tag, attrs in page.tags:
        assert "src" not in attrs, (tag, attrs)
        for name, value in attrs.items():
            if re.search(r"https?://", value):
                assert (tag, name) == ("a", "href"), (tag, name, value)
                linked.append(value)
    assert sorted(set(linked)) == sorted(BUCKET_PAB.references + ROOT_MFA.references)
    for code in page.raw["style"] + page.raw["script"]:
        assert not re.search(r"https?:|url\(|@import|fetch\(|XMLHttpRequest|\bimport\(", code)


def test_csp_allows_exactly_the_inline_style_and_script() -> None:
    """The CSP hashes must match, or browsers would silently drop the page's CSS and JS."""
    page = _parse(_render(_findings()))
    csp = next(
        attrs["content"]
        for tag, attrs in page.tags
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in csp
    for kind in ("style", "script"):
        code = "".join(page.raw[kind])
        digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
        assert f"{kind}-src 'sha256-{digest}';" in csp
    assert "unsafe-inline" not in csp


def test_reason_and_resource_html_is_escaped() -> None:
    payload = "<script>alert(1)</script>"
    resource = _ref(
        'arn:aws:s3:::x"><img src=x onerror=alert(2)>',
        "AWS::S3::Bucket",
        '"><img src=x onerror=alert(3)>',
        evil="<b>tag</b>",
    )
    finding = _finding(BUCKET_PAB, resource, Status.FAIL, f"BlockPublicAcls=false {payload}")
    html = _render([finding])
    assert payload not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html
    assert "<b>tag</b>" not in html
    page = _parse(html)
    assert [tag for tag, _ in page.tags].count("script") == 1
    assert not {tag for tag, _ in page.tags} & {"img", "b"}
    assert any(payload in text for text in page.text)  # shown to the reader as text


def test_check_metadata_is_escaped_and_only_web_urls_are_links() -> None:
    check = BUCKET_PAB.model_copy(
        update={
            "description": "<i>desc</i>",
            "references": ("javascript:alert(1)", "https://docs.aws.amazon.com/a?b=1&c=2"),
        }
    )
    html = _render([_finding(check, _ref("arn:aws:s3:::b", "AWS::S3::Bucket", "b"), Status.FAIL, "r")])
    assert "<i>desc</i>" not in html and "&lt;i&gt;desc&lt;/i&gt;" in html
    hrefs = [attrs["href"] for tag, attrs in _parse(html).tags if tag == "a"]
    assert "https://docs.aws.amazon.com/a?b=1&c=2" in hrefs
    assert not [href for href in hrefs if href.startswith("javascript")]


def test_findings_are_ordered_fail_first_then_by_severity() -> None:
    findings = _findings()
    rows = _rows(_render(findings))
    assert [(row["data-status"], row["data-severity"]) for row in rows] == [
        ("FAIL", "critical"),
        ("FAIL", "high"),
        ("ERROR", "medium"),
        ("PASS", "high"),
        ("NOT_APPLICABLE", "low"),
    ]
    assert rows[0]["data-layer"] == "identity" and rows[0]["data-service"] == "iam"


def test_check_metadata_is_rendered_once_per_check() -> None:
    findings = [
        _finding(
            BUCKET_PAB,
            _ref(f"arn:aws:s3:::bucket-{index}", "AWS::S3::Bucket", f"bucket-{index}"),
            Status.FAIL,
            "BlockPublicAcls=false",
        )
        for index in range(25)
    ]
    html = _render(findings)
    assert len(_rows(html)) == 25
    assert html.count(BUCKET_PAB.description) == 1
    assert html.count(BUCKET_PAB.risk) == 1
    assert html.count(BUCKET_PAB.remediation.summary) == 1
    assert html.count('data-check="s3_bucket_public_access_block"') == 25
    assert html.count('id="check-s3_bucket_public_access_block"') == 1


def test_filters_offer_every_status_severity_layer_and_present_services() -> None:
    page = _parse(_render(_findings()))
    options: dict[str, list[str]] = {}
    current = ""
    for tag, attrs in page.tags:
        if tag == "select":
            current = attrs["id"]
            options[current] = []
        elif tag == "option":
            options[current].append(attrs["value"])
    assert options["filter-status"] == ["", "FAIL", "ERROR", "PASS", "NOT_APPLICABLE"]
    assert options["filter-severity"] == ["", "critical", "high", "medium", "low", "info"]
    assert options["filter-layer"] == ["", *[layer.value for layer in Layer]]
    assert options["filter-service"] == ["", "cloudtrail", "iam", "kms", "s3"]
    assert any(tag == "input" and attrs.get("id") == "filter-text" for tag, attrs in page.tags)


def test_summary_counts_by_layer_severity_and_owner() -> None:
    html = _render(_findings())
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    # columns: FAIL ERROR PASS N/A Total
    assert " data 1 0 1 1 3 " in text
    assert " identity 1 0 0 0 1 " in text
    assert " detection 0 1 0 0 1 " in text
    assert " critical 1 0 0 0 1 " in text
    assert " customer 2 0 1 1 4 " in text
    assert " shared 0 1 0 0 1 " in text
    assert " provider 0 0 0 0 0 " in text
    assert "1 fail · 0 error · 1 pass" in text  # data layer bar


def test_collection_errors_are_listed_as_error_not_pass() -> None:
    html = _render(_findings(), _context((TRAIL_ERROR, BUCKET_ERROR)))
    assert 'id="collection-errors"' in html
    section = html[html.index('id="collection-errors"') : html.index('id="findings"')]
    assert "Could not collect" in section
    assert "<strong>ERROR</strong>" in section and "not PASS" in section
    for value in (
        "cloudtrail",
        "eu-west-1",
        "DescribeTrails",
        "AccessDenied",
        "GetBucketPolicy",
        "Throttling",
    ):
        assert value in section
    assert "4 API calls failed" in section  # counts add up: 1 + 3
    assert 'id="collection-errors"' not in _render(_findings())


def test_empty_findings_render() -> None:
    html = _render([], ScanContext(account_id=ACCOUNT, regions=(), collected_at=COLLECTED))
    page = _parse(html)
    assert "No findings" in html
    assert not _rows(html)
    assert not any(tag == "select" for tag, _ in page.tags)
    assert 'id="check-reference"' not in html
    assert "<svg" in html  # the charts still draw, with empty bars


def _node() -> str:
    """Node.js runs the report's own script in these tests; .ci/run installs it where it is missing."""
    node = shutil.which("node")
    assert node, "these tests need Node.js (node) on PATH; .ci/run installs it"
    return node


def test_script_is_valid_javascript(tmp_path: Path) -> None:
    (script,) = _parse(_render(_findings())).raw["script"]
    path = tmp_path / "report.js"
    path.write_text(script, encoding="utf-8")
    result = subprocess.run([_node(), "--check", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


MUTELIST = parse_mutelist(
    """
mutes:
  - checks: [s3_bucket_public_access_block]
    resources: [acme-web]
    reason: "acme-web serves the public website <on purpose>"
  - checks: ["cloudtrail_*"]
    reason: "trails are managed by the organization"
    expires: 2026-10-01
  - checks: ["kms_*"]
    regions: [eu-west-1]
    reason: "sandbox keys"
""",
    "mutelist.yaml",
)


def _muted_render() -> tuple[str, MuteReport]:
    findings, report = MUTELIST.apply(_findings(), COLLECTED)
    out = io.StringIO()
    write_html(findings, out, _context(), report)
    return out.getvalue(), report


def test_html_golden_muted() -> None:
    html, _ = _muted_render()
    _golden("report-muted.html", html)


def test_muted_rows_keep_their_status_and_get_a_badge_after_open_ones() -> None:
    html, _ = _muted_render()
    rows = _rows(html)
    assert [(row["data-status"], row["data-severity"], row.get("data-muted")) for row in rows] == [
        ("FAIL", "critical", None),
        ("FAIL", "high", "true"),  # muted: after the open FAILs
        ("ERROR", "medium", None),  # its entry expired: not muted
        ("PASS", "high", None),
        ("NOT_APPLICABLE", "low", None),
    ]
    badge = '<span class="badge st-MUTED" title="acme-web serves the public website &lt;on purpose&gt;">MUTED'
    assert html.count(badge) == 1
    assert "<strong>Muted:</strong> acme-web serves the public website &lt;on purpose&gt;" in html


def test_muted_header_count_filter_option_and_count_columns() -> None:
    html, _ = _muted_render()
    page = _parse(html)
    status_options = []
    current = ""
    for tag, attrs in page.tags:
        if tag == "select":
            current = attrs["id"]
        elif tag == "option" and current == "filter-status":
            status_options.append(attrs["value"])
    assert status_options == ["", "FAIL", "ERROR", "PASS", "NOT_APPLICABLE", "muted"]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert " 1 Muted " in text  # header
    # columns: FAIL ERROR PASS N/A Muted Total; the muted FAIL leaves the FAIL column
    assert " data 0 0 1 1 1 3 " in text
    assert " high 0 0 1 0 1 2 " in text
    assert " critical 1 0 0 0 0 1 " in text
    assert " customer 1 0 1 1 1 4 " in text
    assert "0 fail · 0 error · 1 pass · 1 muted" in text  # data layer bar


def test_mutelist_section_lists_every_entry_with_expired_and_unused_flagged() -> None:
    html, report = _muted_render()
    section = html[html.index('id="mutelist"') : html.index('id="findings"')]
    assert "1 finding muted by <code>mutelist.yaml</code>" in section
    assert "2026-11-01" in section  # expiry judged at the collection date
    assert "1 entry has expired and no longer mutes" in section
    states = re.findall(r'<tr class="entry-(\w+)"><td><code>(mutes\[\d\])</code>', section)
    assert states == [("active", "mutes[0]"), ("expired", "mutes[1]"), ("unused", "mutes[2]")]
    assert "1 (not muted)" in section  # what the expired entry would have muted
    assert "checks kms_*; regions eu-west-1" in section
    assert [outcome.label for outcome in report.expired] == ["mutes[1]"]
    assert '<a href="#mutelist">mutelist.yaml</a>' in html


def test_no_muted_column_option_or_section_without_a_mutelist() -> None:
    html = _render(_findings())
    assert 'id="mutelist"' not in html and "data-muted" not in html
    assert '<option value="muted">' not in html and '<th class="num">Muted</th>' not in html


_FILTER_DOM = """
const rows = JSON.parse(process.argv[2]).map((dataset) => ({
  dataset, hidden: false, querySelectorAll: () => [], querySelector: () => null,
}));
const handlers = {};
const control = (id) => ({ value: "", addEventListener: (type, fn) => { handlers[id] = fn; } });
const elements = { "filter-text": control("filter-text"), "filter-status": control("filter-status"),
  "shown-count": { textContent: "" } };
globalThis.document = {
  documentElement: { classList: { add: () => {} } },
  querySelectorAll: () => rows,
  getElementById: (id) => elements[id] || null,
  addEventListener: () => {},
};
"""
_FILTER_RUN = """
const shown = {};
for (const value of ["", "muted", "FAIL", "ERROR"]) {
  elements["filter-status"].value = value;
  handlers["filter-status"]();
  shown[value] = rows.filter((row) => !row.hidden).map((row) => row.dataset.name);
}
process.stdout.write(JSON.stringify(shown));
"""


def test_status_filter_muted_selects_muted_rows_and_a_status_selects_open_ones(tmp_path: Path) -> None:
    """Runs the page's own script against a minimal DOM: the filter matches the header counts."""
    html, _ = _muted_render()
    (script,) = _parse(html).raw["script"]
    datasets = [
        {"name": f"{row['data-status']}-{index}", "status": row["data-status"], "severity": row["data-severity"]}
        | ({"muted": row["data-muted"]} if "data-muted" in row else {})
        for index, row in enumerate(_rows(html))
    ]
    path = tmp_path / "filter.js"
    path.write_text(_FILTER_DOM + script + _FILTER_RUN, encoding="utf-8")
    result = subprocess.run(
        [_node(), str(path), json.dumps(datasets)], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "": ["FAIL-0", "FAIL-1", "ERROR-2", "PASS-3", "NOT_APPLICABLE-4"],
        "muted": ["FAIL-1"],
        "FAIL": ["FAIL-0"],
        "ERROR": ["ERROR-2"],
    }
