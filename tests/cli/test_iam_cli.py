"""`cloudward iam can|who-can|privesc` and `cloudward paths` on GAAD files (no AWS, no emulator)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from typer.testing import CliRunner, Result

from cloudward.cli.app import app
from cloudward.core.errors import CloudwardError
from tests.iam.test_evaluate import (
    ACCOUNT,
    ADMIN_ARN,
    ADMINISTRATOR_ACCESS,
    allow,
    arn,
    deny,
    doc,
    gaad,
    inline,
    role,
    service,
    user,
)

CLOUDWARD = str(Path(sys.executable).parent / "cloudward")
INSTANCE = f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-1"
MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
runner = CliRunner()


def _write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document))
    return path


@pytest.fixture
def gaad_file(tmp_path: Path) -> Path:
    """An account with a reader, an MFA-gated user, a self-escalating user, an administrator and an admin role."""
    document = gaad(
        users=[
            user("alice", inline("read", allow("s3:GetObject", "arn:aws:s3:::data/*", Sid="ReadData"))),
            user("mfa", inline("p", allow("s3:GetObject", "arn:aws:s3:::data/*", Condition=MFA))),
            user("eve", inline("p", allow("iam:PutUserPolicy", arn("user", "eve")))),
            user("boss", managed=[ADMIN_ARN]),
        ],
        roles=[role("web", service("ec2"), managed=[ADMIN_ARN], profile=True)],
        policies=[ADMINISTRATOR_ACCESS],
    )
    return _write(tmp_path / "gaad.json", document)


@pytest.fixture
def resources_file(tmp_path: Path) -> Path:
    """The admin role runs on an instance open to the internet with IMDSv1."""
    entry = {
        "type": "AWS::EC2::Instance",
        "arn": INSTANCE,
        "role": arn("role", "web"),
        "public_ip": "203.0.113.7",
        "imds_v1": True,
        "open_to_internet": ["tcp 22 from 0.0.0.0/0"],
    }
    return _write(tmp_path / "resources.json", {"resources": [entry]})


def invoke(*args: str | Path) -> Result:
    """Run the CLI in-process with a wide terminal."""
    return runner.invoke(app, [str(arg) for arg in args], env={"COLUMNS": "200"})


# ---- iam can -------------------------------------------------------------------------------------


def test_can_exit_codes_and_reasons(gaad_file: Path) -> None:
    allowed = invoke("iam", "can", "alice", "s3:GetObject", "arn:aws:s3:::data/x", "--gaad", gaad_file)
    assert allowed.exit_code == 0, allowed.output
    assert "ALLOWED" in allowed.stdout
    assert "user/alice s3:GetObject on arn:aws:s3:::data/x" in allowed.stdout
    assert 'statement "ReadData"' in allowed.stdout

    refused = invoke("iam", "can", "user/alice", "s3:PutObject", "arn:aws:s3:::data/x", "--gaad", gaad_file)
    assert refused.exit_code == 1, refused.output
    assert "NOT ALLOWED" in refused.stdout
    assert "no identity policy of user/alice allows s3:putobject" in refused.stdout

    conditional = invoke("iam", "can", "mfa", "s3:GetObject", "arn:aws:s3:::data/x", "--gaad", gaad_file)
    assert conditional.exit_code == 3, conditional.output
    assert "aws:MultiFactorAuthPresent" in conditional.stdout

    context = ("--context", "aws:MultiFactorAuthPresent=true")
    with_context = invoke("iam", "can", "mfa", "s3:GetObject", "arn:aws:s3:::data/x", "--gaad", gaad_file, *context)
    assert with_context.exit_code == 0, with_context.output


def test_can_json(gaad_file: Path) -> None:
    result = invoke(
        "iam", "can", arn("user", "alice"), "s3:GetObject", "arn:aws:s3:::data/x", "--gaad", gaad_file, "--json"
    )
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout)
    assert verdict == {
        "principal": arn("user", "alice"),
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::data/x",
        "decision": "allowed",
        "reason": verdict["reason"],
        "statements": ["inline policy 'read' of user/alice statement \"ReadData\""],
        "conditions": [],
    }
    conditional = invoke("iam", "can", "mfa", "s3:GetObject", "arn:aws:s3:::data/x", "--gaad", gaad_file, "--json")
    assert conditional.exit_code == 3
    record = json.loads(conditional.stdout)
    assert record["decision"] == "conditional"
    assert len(record["conditions"]) == 1


def test_can_unknown_principal_and_bad_context(gaad_file: Path) -> None:
    unknown = invoke("iam", "can", "mallory", "s3:GetObject", "--gaad", gaad_file)
    assert unknown.exit_code == 2
    assert "no user or role 'mallory'" in unknown.stderr
    bad = invoke("iam", "can", "alice", "s3:GetObject", "--gaad", gaad_file, "--context", "novalue")
    assert isinstance(bad.exception, CloudwardError)
    assert "expected KEY=VALUE" in str(bad.exception)


def test_can_warns_about_an_unknown_action(gaad_file: Path) -> None:
    result = invoke("iam", "can", "alice", "s3:GetObjekt", "--gaad", gaad_file)
    assert result.exit_code == 1
    assert "s3:GetObjekt is not an action in the IAM catalogue" in result.stderr


def test_can_with_pages_and_scp_levels(tmp_path: Path) -> None:
    pages = [
        gaad(users=[user("alice", inline("p", allow("*")))]),
        gaad(roles=[role("web", service("ec2"))]),
    ]
    pages_file = _write(tmp_path / "pages.json", pages)
    root = _write(tmp_path / "root.json", {"Content": doc(allow("*"), deny("ec2:TerminateInstances", Sid="Keep"))})
    ou = _write(tmp_path / "ou.json", [doc(allow("ec2:*")), doc(allow("s3:*"))])
    base = ("iam", "can", "alice", "--gaad", pages_file, "--scp", root, "--scp", ou)
    assert invoke(*base[:3], "s3:GetObject", *base[3:]).exit_code == 0
    denied = invoke(*base[:3], "ec2:TerminateInstances", *base[3:])
    assert denied.exit_code == 1
    assert 'SCP root.json statement "Keep"' in denied.stdout
    outside = invoke(*base[:3], "iam:CreateUser", *base[3:])
    assert outside.exit_code == 1
    assert "no SCP at level 2 allows it" in outside.stdout
    assumable = invoke("iam", "who-can", "sts:AssumeRole", arn("role", "web"), "--gaad", pages_file, "--json")
    assert assumable.stdout.strip() == ""  # the role trusts EC2 only


# ---- iam who-can ---------------------------------------------------------------------------------


def test_who_can_json_lines(gaad_file: Path) -> None:
    result = invoke("iam", "who-can", "s3:GetObject", "arn:aws:s3:::data/x", "--gaad", gaad_file, "--json")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    decisions = {record["principal"]: record["decision"] for record in records}
    assert decisions == {
        arn("role", "web"): "allowed",
        arn("user", "alice"): "allowed",
        arn("user", "boss"): "allowed",
        arn("user", "mfa"): "conditional",
    }
    assert all(record["reason"] for record in records)


# ---- iam privesc ---------------------------------------------------------------------------------


def test_privesc_json_matches_the_contract(gaad_file: Path) -> None:
    result = invoke("iam", "privesc", "--gaad", gaad_file, "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert records == [
        {
            "principal": arn("user", "eve"),
            "kind": "user",
            "paths": [
                {
                    "methods": ["iam-007"],
                    "steps": ["user/eve -> iam:PutUserPolicy on user/eve -> admin"],
                    "target": "admin",
                    "conditional": False,
                    "assumed": False,
                }
            ],
        }
    ]
    assert "2 administrator(s); 1 principal(s) can escalate" in result.stderr


def test_privesc_fail_on_found_and_output_file(gaad_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "privesc.json"
    found = invoke("iam", "privesc", "--gaad", gaad_file, "--format", "json", "-o", out, "--fail-on-found")
    assert found.exit_code == 1, found.output
    assert [record["principal"] for record in json.loads(out.read_text())] == [arn("user", "eve")]
    table = invoke("iam", "privesc", "--gaad", gaad_file)
    assert table.exit_code == 0
    assert "user/eve" in table.stdout
    assert "iam-007" in table.stdout

    clean = _write(tmp_path / "clean.json", gaad(users=[user("alice", inline("p", allow("s3:GetObject")))]))
    quiet = invoke("iam", "privesc", "--gaad", clean, "--format", "json", "--fail-on-found")
    assert quiet.exit_code == 0, quiet.output
    assert json.loads(quiet.stdout) == []


def test_privesc_rejects_an_unknown_format(gaad_file: Path) -> None:
    result = invoke("iam", "privesc", "--gaad", gaad_file, "--format", "xml")
    assert result.exit_code == 2
    assert "choose table or json" in result.stderr


# ---- input errors --------------------------------------------------------------------------------


def test_missing_and_invalid_files_raise_a_clear_error(tmp_path: Path) -> None:
    missing = invoke("iam", "privesc", "--gaad", tmp_path / "nope.json")
    assert isinstance(missing.exception, CloudwardError)
    assert str(missing.exception) == f"authorization details {tmp_path / 'nope.json'}: no such file"

    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    invalid = invoke("iam", "can", "alice", "s3:GetObject", "--gaad", broken)
    assert isinstance(invalid.exception, CloudwardError)
    assert "not valid JSON" in str(invalid.exception)

    foreign = _write(tmp_path / "foreign.json", {"Buckets": []})
    wrong = invoke("iam", "privesc", "--gaad", foreign)
    assert isinstance(wrong.exception, CloudwardError)
    assert "not GetAccountAuthorizationDetails output" in str(wrong.exception)


def test_the_command_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("[1, 2")
    result = subprocess.run(
        [CLOUDWARD, "iam", "privesc", "--gaad", str(broken)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("error: authorization details")
    assert "not valid JSON" in lines[0]


# ---- paths ---------------------------------------------------------------------------------------


def test_paths_json(gaad_file: Path, resources_file: Path) -> None:
    result = invoke("paths", "--gaad", gaad_file, "--resources", resources_file, "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert records[0]["kind"] == "internet-instance-to-admin"
    assert records[0]["severity"] == "critical"
    assert [node["id"] for node in records[0]["nodes"]] == ["internet", f"ec2:{INSTANCE}", arn("role", "web"), "admin"]
    assert [node["kind"] for node in records[0]["nodes"]] == ["internet", "instance", "role", "admin"]


def test_paths_graphml(gaad_file: Path, resources_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "paths.graphml"
    result = invoke("paths", "--gaad", gaad_file, "--resources", resources_file, "--format", "graphml", "-o", out)
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(out)
    assert {"internet", f"ec2:{INSTANCE}", arn("role", "web"), "admin"} <= set(graph.nodes)
    assert graph.has_edge("internet", f"ec2:{INSTANCE}")
    assert graph.has_edge(arn("role", "web"), "admin")
    assert graph.nodes["admin"]["kind"] == "admin"
    assert graph.graph["ranked_paths"] == 1


def test_paths_graphml_needs_an_output_file(gaad_file: Path) -> None:
    result = invoke("paths", "--gaad", gaad_file, "--format", "graphml")
    assert result.exit_code == 2
    assert "needs --output FILE" in result.stderr


def test_resources_file_needs_gaad(resources_file: Path) -> None:
    result = invoke("paths", "--resources", resources_file, "--format", "json")
    assert isinstance(result.exception, CloudwardError)
    assert "--resources goes with --gaad" in str(result.exception)


def test_actions_expands_a_pattern_from_the_catalogue() -> None:
    result = runner.invoke(app, ["iam", "actions", "s3:GetObject*", "--json"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    names = {record["action"] for record in records}
    assert "s3:GetObject" in names and "s3:GetObjectAcl" in names
    assert "s3:PutObject" not in names
    assert all(record["access_level"] == "Read" for record in records if record["action"] == "s3:GetObject")
    missing = runner.invoke(app, ["iam", "actions", "nosuchservice:*"])
    assert missing.exit_code == 1
