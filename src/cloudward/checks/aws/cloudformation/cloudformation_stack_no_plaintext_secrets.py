"""CloudFormation stack parameters and outputs hold no plaintext credentials."""

from __future__ import annotations

from typing import Any

from cloudward.checks.aws._secret_records import SECRETS_FIX, labels, recorded_findings
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

meta = CheckMeta(
    id="cloudformation_stack_no_plaintext_secrets",
    title="CloudFormation stack parameters and outputs hold no plaintext secrets",
    service="cloudformation",
    resource_type="AWS::CloudFormation::Stack",
    severity=Severity.HIGH,
    layer=Layer.DATA,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.SAAS,
    description=(
        "DescribeStacks returns each stack's parameter values (except NoEcho parameters, shown as ****), the "
        "resolved values of AWS::SSM::Parameter::Value parameters, and its output values. The collector scans "
        "each of them with cloudward's secrets engine, the parameter or output key serving as assignment "
        "context, and keeps only the value's length and the findings of medium or high confidence, never the "
        "value. The stack fails when any parameter value, resolved value or output value has a finding, naming "
        "the parameter or output and the detector. NoEcho parameters and values resolved at deploy time by "
        "dynamic references ({{resolve:secretsmanager:...}}, {{resolve:ssm-secure:...}}) pass. The template "
        "body, where a parameter default or a literal property may also hold a secret, is not read. A value the "
        "collector did not scan, or whose scan failed, is ERROR."
    ),
    risk=(
        "Parameter and output values are shown in the console and returned by DescribeStacks to every "
        "principal allowed to read stacks (ReadOnlyAccess and SecurityAudit include it), exported outputs are "
        "readable by every stack in the region, and all of them end up in CI logs and change sets. A credential "
        "there leaks with any of them."
    ),
    remediation=Remediation(
        summary=(
            "Rotate the exposed credential, store it in AWS Secrets Manager or Systems Manager Parameter Store "
            "(SecureString), and reference it from the template with a dynamic reference instead of a parameter "
            "value; mark parameters that must carry a secret NoEcho and never output one."
        ),
        console=(
            "Rotate the credential at its issuer first: it is exposed.",
            "Open the Secrets Manager console > Store a new secret, and store the new value.",
            "Edit the template: replace the parameter with '{{resolve:secretsmanager:SECRET_ID:SecretString}}' "
            "where the value is used (or set NoEcho: true on the parameter), and remove outputs that return the "
            "secret.",
            "In the CloudFormation console > the stack > Update > Replace current template: upload the template "
            "and update the stack.",
        ),
        cli=(
            "aws secretsmanager create-secret --name app/db-password --secret-string file://secret.txt\n"
            "# in the template: MasterUserPassword: '{{resolve:secretsmanager:app/db-password:SecretString}}'\n"
            "aws cloudformation update-stack --stack-name STACK --template-body file://template.yaml "
            "--capabilities CAPABILITY_IAM"
        ),
        terraform=(
            'resource "aws_cloudformation_stack" "app" {\n'
            '  name          = "app"\n'
            '  template_body = file("template.yaml") # uses {{resolve:secretsmanager:app/db-password}}\n'
            "  parameters = {\n"
            '    Environment = "prod" # no secrets as parameters\n'
            "  }\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/security-best-practices.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html",
    ),
)


def _entries(resource: Resource, key: str) -> list[dict[str, Any]]:
    entries = resource.configuration.get(key) or []
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise UnknownAttributeError(key, f"unexpected shape: {type(entries).__name__}")
    return entries


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each parameter and output in which a credential was recognised, and the detectors."""
    found: list[str] = []
    scanned = 0
    no_echo = 0
    for parameter in _entries(resource, "Parameters"):
        key = str(parameter.get("ParameterKey", "?"))
        if parameter.get("NoEcho"):
            no_echo += 1
            continue
        for field, what in (("ParameterValue", "parameter"), ("ResolvedValue", "resolved value of parameter")):
            if field in parameter:
                scanned += 1
                if hits := labels(recorded_findings(parameter[field], f"Parameters.{key}.{field}")):
                    found.append(f"{what} {key}: {hits}")
    for output in _entries(resource, "Outputs"):
        key = str(output.get("OutputKey", "?"))
        if "OutputValue" in output:
            scanned += 1
            if hits := labels(recorded_findings(output["OutputValue"], f"Outputs.{key}.OutputValue")):
                found.append(f"output {key}: {hits}")
    if found:
        return CheckResult.failed(f"plaintext secrets in {'; '.join(found)}; {SECRETS_FIX}")
    return CheckResult.passed(
        f"no secret recognised in {scanned} parameter and output value(s)"
        + (f"; {no_echo} NoEcho parameter(s)" if no_echo else "")
    )
