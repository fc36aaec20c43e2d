"""Plaintext credentials in the lab's cloud configuration, for the data-layer secrets checks (all in us-east-1).

Each check gets a resource that leaks a credential and one that keeps it where it belongs:

- EC2 user data: ``acme-worker-1`` gets gzip-compressed user data that exports an AWS access key pair;
  ``acme-web-1`` gets a script that reads its database password from Secrets Manager at boot.
- Launch templates: ``acme-worker-template`` (MIME multipart user data whose gzip-compressed cloud-config part
  holds a database URL with its password) and ``acme-web-template`` (the clean script).
- ECS task definitions: ``acme-billing-worker`` (a Stripe live key in ``environment``) and ``acme-web-app``
  (the database password injected through ``secrets`` from a SecureString parameter).
- SSM parameters: ``/acme/legacy/db-password`` (a password stored as String), ``/acme/prod/db-password``
  (SecureString with the ``acme-data`` key) and ``/acme/prod/log-level`` (a plain setting).
- CloudFormation stacks: ``acme-legacy-db`` (a password parameter without NoEcho and an output with a
  database URL carrying it) and ``acme-app-logging`` (plain parameter and output). Each creates one log group.
  The emulator returns NoEcho values in clear (AWS masks them as ``****``), so the lab has no NoEcho stack.
- API Gateway stage variables: ``acme-orders-api`` stage ``prod`` gets a Slack webhook URL, ``acme-reports-api``
  stage ``prod`` a bucket name.

Every credential is fake, built at seeding time from a hash of a label (never a real one, never written in
this file): shaped like the real thing so the secrets engine recognises it, valid nowhere. Scans must never
show them; :func:`fake_values` lets tests look for them in what a collection keeps.
"""

from __future__ import annotations

import base64
import gzip
import json
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from typing import Any

from cloudward.lab.fakes import ALNUM, BASE32, BASE64, PASSWORD_CHARS, fake
from cloudward.lab.seed import HOME
from cloudward.lab.server import LAB_ACCOUNT_ID

CLEAN_SCRIPT = """#!/bin/bash
set -euo pipefail
dnf install -y nginx awscli
DB_PASSWORD_SECRET_ID=acme/prod/db-password
export DB_PASSWORD_SECRET_ID
systemctl enable --now nginx
"""


def fake_values() -> dict[str, str]:
    """Every fake credential this seeder plants, by what it is (for tests that check none is ever kept)."""
    return {
        "worker-access-key-id": "AKIA" + fake("worker-access-key-id", BASE32, 16),
        "worker-secret-access-key": fake("worker-secret-access-key", BASE64, 40),
        "template-db-password": fake("template-db-password", PASSWORD_CHARS, 20),
        "billing-stripe-key": "sk_" + "live_" + fake("billing-stripe-key", ALNUM, 24),
        "prod-db-password": fake("prod-db-password", PASSWORD_CHARS, 24),
        "legacy-db-password": fake("legacy-db-password", PASSWORD_CHARS, 18),
        "stack-db-password": fake("stack-db-password", PASSWORD_CHARS, 22),
        "orders-slack-webhook": "https://hooks.slack.com/services/T"
        + fake("slack-team", BASE32, 8)
        + "/B"
        + fake("slack-bot", BASE32, 10)
        + "/"
        + fake("slack-webhook", ALNUM, 24),
    }


def _instance_id(ec2: Any, name: str) -> str:
    reservations = ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": [name]}])["Reservations"]
    instances = [instance for reservation in reservations for instance in reservation["Instances"]]
    if len(instances) != 1:
        raise LookupError(f"the core lab should have one instance named {name!r}, found {len(instances)}")
    return str(instances[0]["InstanceId"])


def _set_user_data(ec2: Any, name: str, content: bytes) -> None:
    # ModifyInstanceAttribute takes the base64 text as its value, which the SDK then encodes again as a blob
    ec2.modify_instance_attribute(InstanceId=_instance_id(ec2, name), UserData={"Value": base64.b64encode(content)})


def _worker_script(values: dict[str, str]) -> bytes:
    return (
        "#!/bin/bash\n"
        "set -euo pipefail\n"
        f"export AWS_ACCESS_KEY_ID={values['worker-access-key-id']}\n"
        f"export AWS_SECRET_ACCESS_KEY={values['worker-secret-access-key']}\n"
        "aws s3 sync s3://acme-customer-data/jobs /opt/jobs\n"
    ).encode()


def _multipart_user_data(values: dict[str, str]) -> bytes:
    """A cloud-init MIME document: a shell script part and a gzip-compressed cloud-config part with the URL."""
    document = MIMEMultipart()
    document.attach(MIMEText("#!/bin/bash\nsystemctl enable --now acme-worker\n", "x-shellscript"))
    cloud_config = (
        "#cloud-config\n"
        "write_files:\n"
        "  - path: /etc/acme/worker.env\n"
        "    content: |\n"
        "      QUEUE=acme-orders\n"
        f"      DATABASE_URL=postgres://acme:{values['template-db-password']}@orders-db.acme.internal:5432/orders\n"
    )
    document.attach(MIMEApplication(gzip.compress(cloud_config.encode(), mtime=0), "x-cloud-config+gzip"))
    return document.as_bytes()


def _user_data(lab: Any, values: dict[str, str]) -> None:
    ec2 = lab.c("ec2", HOME)
    _set_user_data(ec2, "acme-worker-1", gzip.compress(_worker_script(values), mtime=0))
    _set_user_data(ec2, "acme-web-1", CLEAN_SCRIPT.encode())
    for name, content in (
        ("acme-worker-template", _multipart_user_data(values)),
        ("acme-web-template", CLEAN_SCRIPT.encode()),
    ):
        ec2.create_launch_template(
            LaunchTemplateName=name,
            LaunchTemplateData={
                "ImageId": "ami-04681a1dbd79675a5",
                "InstanceType": "t3.micro",
                "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"},
                "UserData": base64.b64encode(content).decode(),
            },
        )
        lab.count("AWS::EC2::LaunchTemplate")


def _parameters(lab: Any, values: dict[str, str]) -> str:
    """The three parameters; returns the SecureString's ARN."""
    ssm = lab.c("ssm", HOME)
    ssm.put_parameter(Name="/acme/legacy/db-password", Type="String", Value=values["legacy-db-password"])
    ssm.put_parameter(
        Name="/acme/prod/db-password", Type="SecureString", KeyId=lab.kms["acme-data"], Value=values["prod-db-password"]
    )
    ssm.put_parameter(Name="/acme/prod/log-level", Type="String", Value="info")
    lab.count("AWS::SSM::Parameter", 3)
    return f"arn:aws:ssm:{HOME}:{LAB_ACCOUNT_ID}:parameter/acme/prod/db-password"


def _task_definitions(lab: Any, values: dict[str, str], password_arn: str) -> None:
    ecs = lab.c("ecs", HOME)
    ecs.register_task_definition(
        family="acme-billing-worker",
        containerDefinitions=[
            {
                "name": "billing",
                "image": "acme/billing:2.3",
                "memory": 256,
                "environment": [
                    {"name": "STRIPE_API_KEY", "value": values["billing-stripe-key"]},
                    {"name": "LOG_LEVEL", "value": "info"},
                ],
            }
        ],
    )
    ecs.register_task_definition(
        family="acme-web-app",
        containerDefinitions=[
            {
                "name": "web",
                "image": "acme/web:5.1",
                "memory": 512,
                "environment": [{"name": "LOG_LEVEL", "value": "info"}],
                "secrets": [{"name": "DB_PASSWORD", "valueFrom": password_arn}],
            }
        ],
    )
    lab.count("AWS::ECS::TaskDefinition", 2)


def _template(password_parameter: bool) -> str:
    if password_parameter:
        parameters: dict[str, Any] = {"DbPassword": {"Type": "String", "Description": "orders database password"}}
        outputs: dict[str, Any] = {
            "DatabaseUrl": {"Value": {"Fn::Sub": "postgres://acme:${DbPassword}@orders-db.acme.internal:5432/orders"}}
        }
        log_group = "acme-legacy-db-logs"
    else:
        parameters = {"Environment": {"Type": "String", "AllowedValues": ["prod", "staging"]}}
        outputs = {"LogGroupName": {"Value": {"Ref": "Logs"}}}
        log_group = "acme-app-logs"
    resources = {"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": log_group}}}
    return json.dumps({"Parameters": parameters, "Resources": resources, "Outputs": outputs})


def _stacks(lab: Any, values: dict[str, str]) -> None:
    cloudformation = lab.c("cloudformation", HOME)
    cloudformation.create_stack(
        StackName="acme-legacy-db",
        TemplateBody=_template(password_parameter=True),
        Parameters=[{"ParameterKey": "DbPassword", "ParameterValue": values["stack-db-password"]}],
    )
    cloudformation.create_stack(
        StackName="acme-app-logging",
        TemplateBody=_template(password_parameter=False),
        Parameters=[{"ParameterKey": "Environment", "ParameterValue": "prod"}],
    )
    lab.count("AWS::CloudFormation::Stack", 2)
    lab.count("AWS::Logs::LogGroup", 2)


def _stage_variables(lab: Any, values: dict[str, str]) -> None:
    apigateway = lab.c("apigateway", HOME)
    apis = {api["name"]: api["id"] for api in apigateway.get_rest_apis()["items"]}
    for api, variable, value in (
        ("acme-orders-api", "partnerWebhook", values["orders-slack-webhook"]),
        ("acme-reports-api", "reportsBucket", "acme-customer-data"),
    ):
        apigateway.update_stage(
            restApiId=apis[api],
            stageName="prod",
            patchOperations=[{"op": "replace", "path": f"/variables/{variable}", "value": value}],
        )


def seed(lab: Any) -> None:
    """Plant the fake credentials and their well-kept counterparts described in the module docstring."""
    values = fake_values()
    _user_data(lab, values)
    password_arn = _parameters(lab, values)
    _task_definitions(lab, values, password_arn)
    _stacks(lab, values)
    _stage_variables(lab, values)
