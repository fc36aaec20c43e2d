"""Attack paths joining network exposure, compute, identity and data (GAAD input with a resources file)."""

from __future__ import annotations

from collections.abc import Sequence

from cloudward.iam.model import AccountModel
from cloudward.iam.paths import INTERNET, attack_paths
from cloudward.iam.policy import compile_policy
from cloudward.iam.privesc import ADMIN, analyse
from cloudward.inventory import Inventory, Resource
from cloudward.report.attack_graph import AttackGraph, AttackPath
from tests.iam.test_evaluate import (
    ACCOUNT,
    ADMIN_ARN,
    ADMINISTRATOR_ACCESS,
    NOW,
    Doc,
    allow,
    arn,
    build,
    doc,
    inline,
    role,
    service,
    trust,
    user,
)

INSTANCE = f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0123456789abcdef0"
FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:public-api"
OUTSIDE = "999988887777"
READ_SECRETS = inline("secrets", allow("secretsmanager:GetSecretValue"))


def public_instance(role_name: str, *, imds_v1: bool = True, public_ip: str = "203.0.113.7") -> Doc:
    """A resources-file entry: an instance open to the internet running as a role."""
    return {
        "type": "AWS::EC2::Instance",
        "arn": INSTANCE,
        "role": arn("role", role_name),
        "public_ip": public_ip,
        "imds_v1": imds_v1,
        "open_to_internet": ["tcp 22 from 0.0.0.0/0"],
    }


def public_function(role_name: str) -> Doc:
    """A resources-file entry: a Lambda function whose URL needs no authentication."""
    return {"type": "AWS::Lambda::Function", "arn": FUNCTION, "role": arn("role", role_name), "url_auth": "NONE"}


def graph_of(model: AccountModel, organization: Sequence[str] = ()) -> AttackGraph:
    """The attack graph of a model, without an inventory."""
    return attack_paths(model, analyse(model), inventory=None, organization=organization)


def kinds(attack: AttackGraph) -> list[str]:
    """The kinds of the ranked paths, in rank order."""
    return [path.kind for path in attack.paths]


def test_admin_role_behind_a_public_instance_is_the_first_critical_path() -> None:
    model = build(
        roles=[
            role("web", service("ec2"), managed=[ADMIN_ARN], profile=True),
            role("reader", trust({"AWS": f"arn:aws:iam::{OUTSIDE}:root"}), READ_SECRETS),
        ],
        policies=[ADMINISTRATOR_ACCESS],
        resources=[public_instance("web")],
    )
    attack = graph_of(model)
    first = attack.paths[0]
    assert first.kind == "internet-instance-to-admin"
    assert first.severity == "critical"
    assert first.nodes == (INTERNET, f"ec2:{INSTANCE}", arn("role", "web"), ADMIN)
    assert "administrator" in first.title
    assert "IMDSv1" in first.title
    assert first.impact > max(path.impact for path in attack.paths[1:])
    assert attack.edges_of(first) == (
        (INTERNET, f"ec2:{INSTANCE}"),
        (f"ec2:{INSTANCE}", arn("role", "web")),
        (arn("role", "web"), ADMIN),
    )
    assert "203.0.113.7" in attack.graph.edges[INTERNET, f"ec2:{INSTANCE}"]["relation"]
    assert "IMDSv1" in attack.graph.edges[f"ec2:{INSTANCE}", arn("role", "web")]["relation"]


def test_imdsv2_instance_ranks_below_imdsv1() -> None:
    def impact(imds_v1: bool) -> float:
        model = build(
            roles=[role("app", service("ec2"), READ_SECRETS, profile=True)],
            resources=[public_instance("app", imds_v1=imds_v1)],
        )
        (path,) = graph_of(model).paths
        return path.impact

    assert impact(True) > impact(False)


def test_role_reading_every_secret_gives_an_internet_to_data_path() -> None:
    model = build(roles=[role("app", service("ec2"), READ_SECRETS, profile=True)], resources=[public_instance("app")])
    attack = graph_of(model)
    (path,) = attack.paths
    assert path.kind == "internet-instance-to-data"
    assert path.nodes == (INTERNET, f"ec2:{INSTANCE}", arn("role", "app"), "secret:*")
    assert attack.graph.nodes["secret:*"]["kind"] == "secret"
    assert "secretsmanager:GetSecretValue" in attack.graph.edges[arn("role", "app"), "secret:*"]["relation"]
    assert path.severity in ("high", "medium")


def test_instance_without_public_ip_or_role_without_data_has_no_path() -> None:
    private = build(
        roles=[role("app", service("ec2"), READ_SECRETS, profile=True)],
        resources=[public_instance("app", public_ip="")],
    )
    assert graph_of(private).paths == ()
    harmless = build(
        roles=[role("app", service("ec2"), inline("p", allow("ec2:DescribeInstances")), profile=True)],
        resources=[public_instance("app")],
    )
    assert graph_of(harmless).paths == ()


def test_public_function_url_whose_role_escalates() -> None:
    escalating = inline("p", allow("iam:PutRolePolicy", arn("role", "fn")))
    model = build(roles=[role("fn", service("lambda"), escalating)], resources=[public_function("fn")])
    attack = graph_of(model)
    (path,) = attack.paths
    assert path.kind == "public-function-to-admin"
    assert path.severity == "critical"
    assert path.nodes == (INTERNET, f"fn:{FUNCTION}", arn("role", "fn"), ADMIN)
    assert attack.graph.edges[arn("role", "fn"), ADMIN]["relation"] == "privesc iam-005"
    assert "AuthType NONE" in attack.graph.edges[INTERNET, f"fn:{FUNCTION}"]["relation"]


def test_function_url_with_iam_auth_is_no_entry() -> None:
    entry = {**public_function("fn"), "url_auth": "AWS_IAM"}
    model = build(
        roles=[role("fn", service("lambda"), managed=[ADMIN_ARN])], policies=[ADMINISTRATOR_ACCESS], resources=[entry]
    )
    assert graph_of(model).paths == ()


def test_external_trust_without_external_id() -> None:
    model = build(roles=[role("partner", trust({"AWS": f"arn:aws:iam::{OUTSIDE}:root"}), READ_SECRETS)])
    attack = graph_of(model)
    (path,) = attack.paths
    assert path.kind == "external-trust-to-data"
    assert path.nodes == (f"account:{OUTSIDE}", arn("role", "partner"), "secret:*")
    assert "without an ExternalId" in path.title
    assert graph_of(model, organization=[OUTSIDE]).paths == ()


def test_external_trust_with_external_id_ranks_lower() -> None:
    def path_of(trust_policy: Doc) -> AttackPath:
        model = build(roles=[role("partner", trust_policy, READ_SECRETS)])
        (path,) = graph_of(model).paths
        return path

    root = {"AWS": f"arn:aws:iam::{OUTSIDE}:root"}
    pinned = path_of(trust(root, Condition={"StringEquals": {"sts:ExternalId": "k3y"}}))
    open_trust = path_of(trust(root))
    assert "with an ExternalId" in pinned.title
    assert pinned.impact < open_trust.impact


def test_trust_by_the_account_itself_is_not_external() -> None:
    model = build(
        users=[user("dev")],
        roles=[role("internal", trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), READ_SECRETS)],
    )
    assert graph_of(model).paths == ()


def test_external_trust_naming_a_role_of_the_other_account() -> None:
    model = build(roles=[role("partner", trust({"AWS": f"arn:aws:iam::{OUTSIDE}:role/ci"}), READ_SECRETS)])
    assert kinds(graph_of(model)) == ["external-trust-to-data"]


def test_trust_open_to_every_account() -> None:
    model = build(roles=[role("anyone", trust({"AWS": "*"}), READ_SECRETS)])
    (path,) = graph_of(model).paths
    assert path.kind == "external-trust-to-data"
    assert path.nodes[0] == "account:*"
    assert "any AWS account" in path.title


# ---- with an inventory ---------------------------------------------------------------------------


def _resource(resource_type: str, resource_arn: str, name: str, configuration: Doc) -> Resource:
    return Resource(resource_arn, resource_type, ACCOUNT, "us-east-1", name, attrs={"configuration": configuration})


def test_inventory_security_group_and_the_data_the_role_reads() -> None:
    open_ssh = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    private = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
    inventory = Inventory(
        account_id=ACCOUNT,
        collected_at=NOW,
        regions=("us-east-1",),
        resources=[
            _resource(
                "AWS::EC2::SecurityGroup", "arn:sg-open", "open", {"GroupId": "sg-open", "IpPermissions": [open_ssh]}
            ),
            _resource(
                "AWS::EC2::SecurityGroup", "arn:sg-vpc", "vpc", {"GroupId": "sg-vpc", "IpPermissions": [private]}
            ),
            _resource("AWS::S3::Bucket", "arn:aws:s3:::reports", "reports", {"Name": "reports"}),
            _resource("AWS::S3::Bucket", "arn:aws:s3:::payroll", "payroll", {"Name": "payroll"}),
            _resource("AWS::S3::Bucket", "arn:aws:s3:::website", "website", {"Name": "website"}),
        ],
    )
    entry = {
        "type": "AWS::EC2::Instance",
        "arn": INSTANCE,
        "role": arn("role", "app"),
        "public_ip": "203.0.113.7",
        "imds_v1": False,
        "security_groups": ["sg-vpc", "sg-open"],
    }
    reads = inline("p", allow("s3:GetObject", ["arn:aws:s3:::reports/2026/*", "arn:aws:s3:::website/*"]))
    model = build(roles=[role("app", service("ec2"), reads, profile=True)], resources=[entry])
    model.resource_policies["arn:aws:s3:::website"] = compile_policy(
        doc(allow("s3:GetObject", "arn:aws:s3:::website/*", Principal="*")), "bucket policy of website"
    )
    attack = attack_paths(model, analyse(model), inventory=inventory)
    (path,) = attack.paths
    assert path.kind == "internet-instance-to-data"
    # the readable bucket (through a prefix grant) only: the public website is no path, payroll is not readable
    assert path.nodes == (INTERNET, "sg:sg-open", f"ec2:{INSTANCE}", arn("role", "app"), "arn:aws:s3:::reports")
    assert "tcp 22 from 0.0.0.0/0" in attack.graph.edges[INTERNET, "sg:sg-open"]["relation"]
    assert "sg:sg-vpc" not in attack.graph
