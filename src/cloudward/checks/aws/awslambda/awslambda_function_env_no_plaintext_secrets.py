"""Lambda environment variables hold no plaintext credentials."""

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
    id="awslambda_function_env_no_plaintext_secrets",
    title="Lambda environment variables hold no plaintext secrets",
    service="lambda",
    resource_type="AWS::Lambda::Function",
    severity=Severity.HIGH,
    layer=Layer.DATA,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.PAAS,
    description=(
        "The collector never keeps environment variable values: while reading each function it scans every "
        "value with cloudward's secrets engine (the same detectors as `cloudward secrets`), the variable's name "
        "serving as assignment context, and keeps only the value's length and the findings (detector, "
        "confidence, a redacted prefix of at most 4 characters and a keyed fingerprint). This check fails when "
        "any variable has a finding of medium or high confidence, naming the variables and detectors, never "
        "the values: AWS access keys (with their secret when both are there), session tokens, GitHub, GitLab, "
        "Slack, Stripe and Google API tokens, service-account JSON, Azure keys and connection strings, private "
        "keys, JWTs, URLs and Basic/Bearer values with credentials, and generic password/secret/token "
        "assignments scored by entropy and context. Placeholders, references (arn:, ssm:, {{resolve:...}}, "
        "${...}), UUIDs and hashes are not reported. Functions without environment variables pass. Encryption "
        "of the environment with a KMS key does not exempt a variable: Lambda returns decrypted values to "
        "anyone allowed lambda:GetFunctionConfiguration. A snapshot from an earlier collector that recorded a "
        "credential kind per variable is still read (a kind fails); one with neither findings nor kinds, or "
        "a variable whose scan failed, is ERROR."
    ),
    risk=(
        "Environment values are shown in the console and returned by GetFunctionConfiguration to every "
        "principal allowed to read the function's configuration, and they end up in deployment templates, "
        "CI logs and state files. A credential stored there leaks with any of them and cannot be rotated "
        "without a redeploy."
    ),
    remediation=Remediation(
        summary=(
            "Rotate the exposed credential, store it in AWS Secrets Manager or Systems Manager Parameter Store "
            "(SecureString), and have the function read it at run time with a least-privilege permission."
        ),
        console=(
            "Rotate the credential at its issuer (IAM, GitHub, Slack, Stripe, the database) first: it is exposed.",
            "Open the Secrets Manager console > Store a new secret, and store the new value.",
            "In the Lambda console > the function > Configuration > Environment variables > Edit: replace the "
            "value with the secret's name or ARN.",
            "Grant the function's role secretsmanager:GetSecretValue on that secret only (or use the AWS "
            "Parameters and Secrets Lambda Extension).",
        ),
        cli=(
            "aws secretsmanager create-secret --name app/db-password --secret-string file://secret.txt\n"
            "aws lambda update-function-configuration --function-name FUNCTION "
            '--environment "Variables={DB_PASSWORD_SECRET_ARN=SECRET_ARN}"'
        ),
        terraform=(
            'resource "aws_secretsmanager_secret" "db_password" {\n'
            '  name = "app/db-password"\n'
            "}\n\n"
            'resource "aws_lambda_function" "this" {\n'
            "  # ...\n"
            "  environment {\n"
            "    variables = {\n"
            "      DB_PASSWORD_SECRET_ARN = aws_secretsmanager_secret.db_password.arn\n"
            "    }\n"
            "  }\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html",
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-integration-lambda-extensions.html",
    ),
)


def _variables(resource: Resource) -> dict[str, Any]:
    environment = resource.configuration.get("Environment") or {}
    if not isinstance(environment, dict):
        raise UnknownAttributeError("Environment", f"unexpected shape: {type(environment).__name__}")
    if environment.get("Error"):
        error = environment["Error"]
        code = error.get("ErrorCode", "?") if isinstance(error, dict) else "?"
        raise UnknownAttributeError("Environment", f"Lambda could not return the variables ({code})")
    variables = environment.get("Variables") or {}
    if not isinstance(variables, dict):
        raise UnknownAttributeError("Environment.Variables", f"unexpected shape: {type(variables).__name__}")
    return variables


def _found(name: str, recorded: Any) -> str | None:
    """What was found in one variable (``aws-access-key (high)``), or None."""
    if isinstance(recorded, dict) and "kind" in recorded and "findings" not in recorded:
        # an earlier collector's record: {"length": N, "kind": "aws-access-key-id" | None}
        return f"{recorded['kind']} (earlier detector)" if recorded["kind"] else None
    findings = recorded_findings(recorded, f"Environment.Variables.{name}")
    return labels(findings) or None


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each variable in which a credential was recognised, and the detectors."""
    variables = _variables(resource)
    if not variables:
        return CheckResult.passed("no environment variables")
    found = [f"{name}: {what}" for name, recorded in sorted(variables.items()) if (what := _found(name, recorded))]
    if found:
        return CheckResult.failed(f"plaintext secrets in environment variables {'; '.join(found)}; {SECRETS_FIX}")
    return CheckResult.passed(f"no secret recognised in {len(variables)} environment variable(s)")
