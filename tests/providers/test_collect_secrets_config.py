"""The data-layer secrets specs against the seeded lab, over real HTTP, and the checks on what they keep.

``cloudward.lab.seeders.secrets_config`` planted fake credentials in user data, launch templates, ECS task
definitions, SSM parameters, CloudFormation stacks and API Gateway stage variables, next to well-kept
counterparts. One collection of those types (with a fixed fingerprint key), then: the records name what was
found, the checks give the seeded outcomes, and no fake value is anywhere in what was collected.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from cloudward.checks.model import Status
from cloudward.checks.registry import default_registry
from cloudward.checks.runner import run_check
from cloudward.inventory import Inventory, Resource
from cloudward.inventory.attrs import dumps
from cloudward.lab import LAB_CREDENTIALS
from cloudward.lab.seed import LAB_REGIONS
from cloudward.lab.seeders.secrets_config import fake_values
from cloudward.providers.aws import secret_values
from cloudward.providers.aws.clients import Boto3Clients
from cloudward.providers.aws.collector import AwsCollector
from cloudward.providers.aws.specs import ALL_SPECS
from cloudward.secrets.fingerprint import FingerprintKey
from cloudward.secrets.scanner import SecretScanner

KEY = FingerprintKey(bytes(range(100, 132)))
NEEDS = {
    "AWS::EC2::Instance": frozenset({"UserData"}),
    "AWS::EC2::LaunchTemplate": frozenset({"UserData"}),
    "AWS::ECS::TaskDefinition": frozenset({"TaskDefinition"}),
    "AWS::SSM::Parameter": frozenset({"Value"}),
    "AWS::CloudFormation::Stack": frozenset(),
    "AWS::ApiGateway::RestApi": frozenset({"Stages"}),
}
CHECKS = {
    "ec2_instance_user_data_no_secrets": {"acme-worker-1": Status.FAIL, "acme-web-1": Status.PASS},
    "ec2_launch_template_user_data_no_secrets": {
        "acme-worker-template": Status.FAIL,
        "acme-web-template": Status.PASS,
    },
    "ecs_task_definition_env_no_secrets": {"acme-billing-worker:1": Status.FAIL, "acme-web-app:1": Status.PASS},
    "ssm_parameter_secret_is_secure_string": {
        "/acme/legacy/db-password": Status.FAIL,
        "/acme/prod/db-password": Status.PASS,
        "/acme/prod/log-level": Status.PASS,
    },
    "cloudformation_stack_no_plaintext_secrets": {"acme-legacy-db": Status.FAIL, "acme-app-logging": Status.PASS},
    "apigateway_stage_variables_no_secrets": {"acme-orders-api": Status.FAIL, "acme-reports-api": Status.PASS},
}


@dataclass(frozen=True)
class Collected:
    inventory: Inventory
    calls: list[tuple[str, str, str, dict[str, Any]]]


@pytest.fixture(scope="module")
def collected(lab_endpoint: str) -> Iterator[Collected]:
    secret_values.use_scanner(SecretScanner(KEY))
    clients = Boto3Clients(endpoint_url=lab_endpoint, credentials=LAB_CREDENTIALS, region="us-east-1", max_attempts=2)
    calls: list[tuple[str, str, str, dict[str, Any]]] = []

    def record(service: str, region: str, operation: str, params: Mapping[str, Any]) -> None:
        calls.append((service, region, operation, dict(params)))

    clients.add_call_hook(record)
    try:
        yield Collected(AwsCollector(clients, ALL_SPECS).collect(NEEDS, LAB_REGIONS), calls)
    finally:
        secret_values.use_scanner(None)


@pytest.fixture(scope="module")
def inventory(collected: Collected) -> Inventory:
    return collected.inventory


def named(inventory: Inventory, resource_type: str) -> dict[str, Resource]:
    return {resource.name: resource for resource in inventory.of_type(resource_type)}


def detectors(record: Any) -> set[str]:
    return {found["detector"] for found in record["findings"]}


def test_the_types_collect_without_errors(inventory: Inventory) -> None:
    assert inventory.errors == []
    assert set(NEEDS) <= inventory.types()


def test_no_fake_credential_is_kept_anywhere(collected: Collected) -> None:
    everything = b"".join(dumps(dict(resource.attrs)) for resource in collected.inventory)
    everything += repr(collected.inventory.errors).encode()
    for what, value in fake_values().items():
        assert value.encode() not in everything, what
        assert value[5:15].encode() not in everything, what


def test_user_data_of_instances(inventory: Inventory) -> None:
    instances = named(inventory, "AWS::EC2::Instance")
    worker = instances["acme-worker-1"].supplement("UserData")
    assert worker["encoding"] == "gzip"
    assert "aws-access-key" in detectors(worker)
    assert all(found["line"] in {3, 4} for found in worker["findings"])
    web = instances["acme-web-1"].supplement("UserData")
    assert web["encoding"] == "text" and web["findings"] == []


def test_user_data_of_launch_templates(inventory: Inventory) -> None:
    templates = named(inventory, "AWS::EC2::LaunchTemplate")
    (worker,) = templates["acme-worker-template"].supplement("UserData")
    assert worker["VersionNumber"] == 1 and worker["DefaultVersion"] and worker["LatestVersion"]
    assert worker["UserData"]["encoding"] == "multipart"
    assert "url-password" in detectors(worker["UserData"])
    assert {found["part"] for found in worker["UserData"]["findings"]} == {2}
    (web,) = templates["acme-web-template"].supplement("UserData")
    assert web["UserData"]["findings"] == []
    assert templates["acme-worker-template"].arn.startswith("arn:aws:ec2:us-east-1:")


def test_ecs_task_definitions(inventory: Inventory) -> None:
    definitions = named(inventory, "AWS::ECS::TaskDefinition")
    billing = definitions["acme-billing-worker:1"].supplement("TaskDefinition")
    (container,) = billing["containerDefinitions"]
    environment = {variable["name"]: variable["value"] for variable in container["environment"]}
    assert detectors(environment["STRIPE_API_KEY"]) == {"stripe-key"}
    (stripe,) = environment["STRIPE_API_KEY"]["findings"]
    assert stripe["fingerprint"] == KEY.fingerprint(fake_values()["billing-stripe-key"])
    assert environment["LOG_LEVEL"] == {"length": 4, "findings": []}
    web = definitions["acme-web-app:1"].supplement("TaskDefinition")
    (web_container,) = web["containerDefinitions"]
    assert web_container["secrets"][0]["valueFrom"].endswith(":parameter/acme/prod/db-password")


def test_ssm_never_reads_a_secure_string(collected: Collected, inventory: Inventory) -> None:
    parameters = named(inventory, "AWS::SSM::Parameter")
    assert parameters["/acme/prod/db-password"].supplement("Value") is None
    legacy = parameters["/acme/legacy/db-password"].supplement("Value")
    assert legacy["literal"] is True and legacy["length"] == len(fake_values()["legacy-db-password"])
    assert parameters["/acme/prod/log-level"].supplement("Value") == {"length": 4, "findings": [], "literal": False}
    reads = [params for service, _, operation, params in collected.calls if operation == "GetParameter"]
    assert {params["Name"] for params in reads} >= {"/acme/legacy/db-password", "/acme/prod/log-level"}
    assert all(params["WithDecryption"] is False for params in reads)
    assert "/acme/prod/db-password" not in {params["Name"] for params in reads}


def test_cloudformation_stacks(inventory: Inventory) -> None:
    stacks = named(inventory, "AWS::CloudFormation::Stack")
    legacy = stacks["acme-legacy-db"].configuration
    (password,) = legacy["Parameters"]
    assert password["ParameterKey"] == "DbPassword" and password["ParameterValue"]["findings"]
    (url,) = legacy["Outputs"]
    assert "url-password" in detectors(url["OutputValue"])
    logging = stacks["acme-app-logging"].configuration
    assert logging["Parameters"][0]["ParameterValue"] == {"length": 4, "findings": []}


def test_stage_variables(inventory: Inventory) -> None:
    apis = named(inventory, "AWS::ApiGateway::RestApi")
    (orders,) = apis["acme-orders-api"].supplement("Stages")
    assert detectors(orders["variables"]["partnerWebhook"]) == {"slack-webhook"}
    (reports,) = apis["acme-reports-api"].supplement("Stages")
    assert reports["variables"] == {"reportsBucket": {"length": 18, "findings": []}}


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_checks_give_the_seeded_outcomes(inventory: Inventory, check_id: str) -> None:
    check = default_registry().get(check_id)
    results = {
        resource.name: run_check(check, resource, inventory)
        for resource in inventory.of_type(check.meta.resource_type)
        if resource.name in CHECKS[check_id]
    }
    assert {name: result.status for name, result in results.items()} == CHECKS[check_id], {
        name: result.reason for name, result in results.items()
    }
    for result in results.values():
        for value in fake_values().values():
            assert value not in result.reason


def test_permissions_are_declared() -> None:
    assert ALL_SPECS["AWS::EC2::Instance"].permissions({"UserData"}) == {
        "ec2:DescribeInstances",
        "ec2:DescribeInstanceAttribute",
    }
    assert ALL_SPECS["AWS::EC2::LaunchTemplate"].permissions() == {
        "ec2:DescribeLaunchTemplates",
        "ec2:DescribeLaunchTemplateVersions",
    }
    assert ALL_SPECS["AWS::ECS::TaskDefinition"].permissions() == {
        "ecs:ListTaskDefinitions",
        "ecs:DescribeTaskDefinition",
    }
    assert ALL_SPECS["AWS::SSM::Parameter"].permissions() == {"ssm:DescribeParameters", "ssm:GetParameter"}
    assert ALL_SPECS["AWS::CloudFormation::Stack"].permissions() == {"cloudformation:DescribeStacks"}
