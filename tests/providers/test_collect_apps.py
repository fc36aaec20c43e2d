"""The application-facing specs (ECR, ELBv2, SNS, SQS, API Gateway) against the seeded lab, over real HTTP.

One collection of the five types with every supplement, in both lab regions; the tests then assert the
resources ``cloudward.lab.seeders.apps`` created and the attributes the checks read. Other seeders may add
resources of the same types (an alerting topic, ...), so names are compared as subsets of the acme ones
this area seeds, never as the whole listing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from cloudward.inventory import Inventory, Resource
from cloudward.inventory.attrs import dumps
from cloudward.lab import LAB_ACCOUNT_ID, LAB_CREDENTIALS
from cloudward.lab.seed import LAB_REGIONS, VENDOR_ACCOUNT
from cloudward.lab.seeders.apps import LEGACY_TLS_POLICY, MODERN_TLS_POLICY, STAGE_SECRET
from cloudward.providers.aws.clients import Boto3Clients
from cloudward.providers.aws.collector import AwsCollector
from cloudward.providers.aws.spec import Context
from cloudward.providers.aws.specs import ALL_SPECS
from cloudward.providers.aws.specs.sqs import queue_arn, queue_name

TYPES = (
    "AWS::ECR::Repository",
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::SNS::Topic",
    "AWS::SQS::Queue",
    "AWS::ApiGateway::RestApi",
)
READ_PREFIXES = ("Describe", "Get", "List")


@dataclass(frozen=True)
class Collected:
    inventory: Inventory
    calls: list[tuple[str, str, str, str]]


@pytest.fixture(scope="module")
def collected(lab_endpoint: str) -> Collected:
    clients = Boto3Clients(endpoint_url=lab_endpoint, credentials=LAB_CREDENTIALS, region="us-east-1", max_attempts=2)
    calls: list[tuple[str, str, str, str]] = []

    def record(service: str, region: str, operation: str, params: Mapping[str, Any]) -> None:
        calls.append((service, region, operation, json.dumps(dict(params), sort_keys=True, default=str)))

    clients.add_call_hook(record)
    needs = {type_name: frozenset(ALL_SPECS[type_name].supplements) for type_name in TYPES}
    return Collected(AwsCollector(clients, ALL_SPECS).collect(needs, LAB_REGIONS), calls)


@pytest.fixture(scope="module")
def inventory(collected: Collected) -> Inventory:
    return collected.inventory


def named(inventory: Inventory, resource_type: str, *names: str) -> dict[str, Resource]:
    """The seeded resources of a type by name; fails when one is missing."""
    found = {resource.name: resource for resource in inventory.of_type(resource_type)}
    assert set(names) <= set(found), f"{resource_type}: {sorted(found)}"
    return {name: found[name] for name in names}


def test_the_five_types_collect_without_errors(inventory: Inventory) -> None:
    assert inventory.errors == []
    assert set(TYPES) <= inventory.types()


def test_the_collection_only_reads_and_never_repeats_a_call(collected: Collected, inventory: Inventory) -> None:
    operations = {operation for _, _, operation, _ in collected.calls}
    assert {
        "DescribeRepositories",
        "GetRepositoryPolicy",
        "GetRegistryScanningConfiguration",
        "DescribeLoadBalancers",
        "DescribeListeners",
        "DescribeRules",
        "ListTopics",
        "GetTopicAttributes",
        "ListQueues",
        "GetQueueAttributes",
        "GetRestApis",
        "GetStages",
        "GetResources",
    } <= operations
    assert {op for op in operations if not op.startswith(READ_PREFIXES)} == set()
    assert [call for call in collected.calls if collected.calls.count(call) > 1] == []
    # the registry scanning configuration is read once per region that has repositories, not once per repository
    registry_reads = [region for _, region, op, _ in collected.calls if op == "GetRegistryScanningConfiguration"]
    assert sorted(registry_reads) == sorted({repo.region for repo in inventory.of_type("AWS::ECR::Repository")})


def test_ecr_repositories(inventory: Inventory) -> None:
    repos = named(inventory, "AWS::ECR::Repository", "acme-web-app", "acme-legacy-images")
    web, legacy = repos["acme-web-app"], repos["acme-legacy-images"]
    assert web.arn == f"arn:aws:ecr:us-east-1:{LAB_ACCOUNT_ID}:repository/acme-web-app"
    assert web.configuration["imageTagMutability"] == "IMMUTABLE"
    assert web.configuration["imageScanningConfiguration"] == {"scanOnPush": True}
    assert legacy.configuration["imageTagMutability"] == "MUTABLE"
    assert legacy.configuration["imageScanningConfiguration"] == {"scanOnPush": False}
    (vendor,) = web.supplement("RepositoryPolicy")["Statement"]
    assert vendor["Principal"] == {"AWS": f"arn:aws:iam::{VENDOR_ACCOUNT}:root"}
    (public,) = legacy.supplement("RepositoryPolicy")["Statement"]
    assert (public["Sid"], public["Principal"]) == ("PublicPull", "*")
    for repo in repos.values():
        assert repo.supplement("RegistryScanningConfiguration") == {"scanType": "BASIC", "rules": []}


def test_ecr_repository_without_policy_reads_as_none(inventory: Inventory, lab_endpoint: str) -> None:
    admin = Boto3Clients(
        endpoint_url=lab_endpoint, credentials=LAB_CREDENTIALS, region="us-east-1", max_attempts=2, read_only=False
    )
    ecr = admin.client("ecr", "eu-west-1")
    ecr.create_repository(repositoryName="acme-test-no-policy")
    try:
        clients = Boto3Clients(
            endpoint_url=lab_endpoint, credentials=LAB_CREDENTIALS, region="us-east-1", max_attempts=2
        )
        found = AwsCollector(clients, ALL_SPECS).collect(
            {"AWS::ECR::Repository": frozenset({"RepositoryPolicy"})}, ["eu-west-1"]
        )
        (repo,) = [r for r in found.of_type("AWS::ECR::Repository") if r.name == "acme-test-no-policy"]
        assert repo.region == "eu-west-1"
        assert repo.supplement("RepositoryPolicy") is None
        assert found.errors == []
    finally:
        ecr.delete_repository(repositoryName="acme-test-no-policy")


def _listeners(resource: Resource) -> dict[str, dict[str, Any]]:
    return {f"{item['Protocol']}:{item['Port']}": item for item in resource.supplement("Listeners")}


def test_load_balancers_and_listeners(inventory: Inventory) -> None:
    balancers = named(
        inventory, "AWS::ElasticLoadBalancingV2::LoadBalancer", "acme-web-alb", "acme-legacy-alb", "acme-tls-nlb"
    )
    assert {name: b.configuration["Type"] for name, b in balancers.items()} == {
        "acme-web-alb": "application",
        "acme-legacy-alb": "application",
        "acme-tls-nlb": "network",
    }
    assert balancers["acme-web-alb"].arn.startswith(
        f"arn:aws:elasticloadbalancing:us-east-1:{LAB_ACCOUNT_ID}:loadbalancer/app/acme-web-alb/"
    )
    web = _listeners(balancers["acme-web-alb"])
    assert set(web) == {"HTTPS:443", "HTTP:80"}
    assert web["HTTPS:443"]["SslPolicy"] == MODERN_TLS_POLICY
    assert web["HTTPS:443"]["Certificates"][0]["CertificateArn"].startswith("arn:aws:acm:us-east-1:")
    assert "Rules" not in web["HTTPS:443"]  # rules are read for HTTP listeners only
    (redirect,) = web["HTTP:80"]["DefaultActions"]
    assert redirect["RedirectConfig"]["Protocol"] == "HTTPS"
    (default_rule,) = web["HTTP:80"]["Rules"]
    assert default_rule["IsDefault"] is True
    assert default_rule["Actions"][0]["Type"] == "redirect"

    legacy = _listeners(balancers["acme-legacy-alb"])
    assert legacy["HTTP:80"]["DefaultActions"][0]["Type"] == "forward"
    assert legacy["HTTPS:443"]["SslPolicy"] == LEGACY_TLS_POLICY

    network = _listeners(balancers["acme-tls-nlb"])
    assert set(network) == {"TLS:443", "TCP:5432"}
    assert network["TLS:443"]["SslPolicy"] == "ELBSecurityPolicy-TLS-1-2-2017-01"


def test_sns_topics(inventory: Inventory) -> None:
    topics = named(inventory, "AWS::SNS::Topic", "acme-alerts", "acme-public-events")
    alerts, events = (
        topics["acme-alerts"].supplement("Attributes"),
        topics["acme-public-events"].supplement("Attributes"),
    )
    assert topics["acme-alerts"].arn == f"arn:aws:sns:us-east-1:{LAB_ACCOUNT_ID}:acme-alerts"
    assert alerts["KmsMasterKeyId"].startswith("arn:aws:kms:us-east-1:")
    assert "KmsMasterKeyId" not in events
    # Policy stays the JSON text AWS returns; the checks parse it
    (default,) = json.loads(alerts["Policy"])["Statement"]
    assert default["Condition"] == {"StringEquals": {"AWS:SourceOwner": LAB_ACCOUNT_ID}}
    (public,) = json.loads(events["Policy"])["Statement"]
    assert (public["Sid"], public["Principal"]) == ("AnyonePublishSubscribe", {"AWS": "*"})


def test_sqs_queues_with_arns_built_from_their_urls(inventory: Inventory) -> None:
    queues = named(inventory, "AWS::SQS::Queue", "acme-orders", "acme-public-intake", "acme-eu-jobs")
    assert {name: q.region for name, q in queues.items()} == {
        "acme-orders": "us-east-1",
        "acme-public-intake": "us-east-1",
        "acme-eu-jobs": "eu-west-1",
    }
    for queue in queues.values():
        assert queue.arn == queue.supplement("Attributes")["QueueArn"]
        assert queue.configuration["QueueUrl"].endswith(f"/{LAB_ACCOUNT_ID}/{queue.name}")
    orders = queues["acme-orders"].supplement("Attributes")
    assert orders["KmsMasterKeyId"].startswith("arn:aws:kms:us-east-1:")
    (delivery,) = json.loads(orders["Policy"])["Statement"]
    assert delivery["Condition"]["ArnEquals"]["aws:SourceArn"].endswith(":acme-alerts")
    intake = queues["acme-public-intake"].supplement("Attributes")
    assert intake["SqsManagedSseEnabled"] == "false"
    assert "KmsMasterKeyId" not in intake
    assert json.loads(intake["Policy"])["Statement"][0]["Principal"] == "*"
    eu = queues["acme-eu-jobs"].supplement("Attributes")
    assert eu["SqsManagedSseEnabled"] == "true"
    assert "Policy" not in eu


def _methods(resource: Resource) -> dict[str, str]:
    return {f"{m['httpMethod']} {m['path']}": m["authorizationType"] for m in resource.supplement("Methods")}


def test_rest_apis_stages_and_methods(inventory: Inventory) -> None:
    apis = named(inventory, "AWS::ApiGateway::RestApi", "acme-orders-api", "acme-reports-api")
    orders, reports = apis["acme-orders-api"], apis["acme-reports-api"]
    assert orders.arn == f"arn:aws:apigateway:us-east-1::/restapis/{orders.configuration['id']}"
    assert orders.tags == {"app": "acme"}
    assert _methods(orders) == {"GET /orders": "NONE", "POST /orders": "AWS_IAM", "OPTIONS /orders": "NONE"}
    assert _methods(reports) == {"GET /reports": "AWS_IAM", "OPTIONS /reports": "NONE"}
    # only who may call a method is kept, never its integration
    assert all(
        set(m) <= {"path", "resourceId", "httpMethod", "authorizationType", "apiKeyRequired"}
        for m in orders.supplement("Methods")
    )
    (orders_stage,) = orders.supplement("Stages")
    assert orders_stage["stageName"] == "prod"
    assert orders_stage["methodSettings"] == {}
    assert "webAclArn" not in orders_stage
    # values are scanned at collection and replaced by their length and what the secrets engine found
    variables = orders_stage["variables"]
    assert variables["backendToken"]["length"] == len(STAGE_SECRET)
    assert [f["detector"] for f in variables["backendToken"]["findings"]] == ["generic-secret"]
    assert [f["detector"] for f in variables["partnerWebhook"]["findings"]] == ["slack-webhook"]
    (reports_stage,) = reports.supplement("Stages")
    assert reports_stage["methodSettings"]["*/*"]["loggingLevel"] == "INFO"
    assert reports_stage["webAclArn"].startswith("arn:aws:wafv2:us-east-1:")


def test_stage_variable_values_never_reach_the_inventory(inventory: Inventory) -> None:
    everything = b"".join(dumps(dict(resource.attrs)) for resource in inventory)
    assert STAGE_SECRET.encode() not in everything


@pytest.mark.parametrize(
    ("url", "region", "arn"),
    [
        (
            "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
            "us-east-1",
            "arn:aws:sqs:us-east-1:123456789012:orders",
        ),
        (
            "https://queue.amazonaws.com/123456789012/legacy.fifo",
            "us-east-1",
            "arn:aws:sqs:us-east-1:123456789012:legacy.fifo",
        ),
        (
            "https://eu-west-1.queue.amazonaws.com/210987654321/jobs",
            "eu-west-1",
            "arn:aws:sqs:eu-west-1:210987654321:jobs",
        ),
    ],
)
def test_queue_arn_from_url(url: str, region: str, arn: str) -> None:
    assert queue_arn({"QueueUrl": url}, Context("123456789012", region)) == arn
    assert queue_name({"QueueUrl": url}) == arn.rsplit(":", 1)[-1]


def test_queue_arn_rejects_a_url_that_is_not_a_queue() -> None:
    with pytest.raises(ValueError, match="not a queue URL"):
        queue_arn({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/orders"}, Context("123456789012", "us-east-1"))


def test_permissions_cover_every_call() -> None:
    assert ALL_SPECS["AWS::ElasticLoadBalancingV2::LoadBalancer"].permissions() == {
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeRules",
    }
    assert ALL_SPECS["AWS::ECR::Repository"].permissions() == {
        "ecr:DescribeRepositories",
        "ecr:GetRepositoryPolicy",
        "ecr:GetRegistryScanningConfiguration",
    }
    assert ALL_SPECS["AWS::ApiGateway::RestApi"].permissions() == {"apigateway:GET"}
