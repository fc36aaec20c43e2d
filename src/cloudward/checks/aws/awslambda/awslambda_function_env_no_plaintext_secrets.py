"""Lambda environment variables hold no plaintext credentials."""

from __future__ import annotations

from typing import Any

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
        "The collector never keeps environment variable values: while reading each function it records, "
        "per variable, the value's length and the kind of credential the value looks like, then drops the "
        "value. This check fails when any variable has a kind, naming the variables and kinds, never the "
        "values. Kinds, high-confidence only: aws-access-key-id (AKIA or ASIA followed by 16 upper-case "
        "letters or digits), github-token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_), slack-token "
        "(xoxa-, xoxb-, xoxp-), stripe-live-secret-key (sk_live_), private-key (a PEM 'BEGIN ... PRIVATE "
        "KEY' header), password-in-url (scheme://user:password@host), and generic-secret: a variable whose "
        "name says it holds a password, passphrase, secret, token, API key or private key (DB_PASSWORD, "
        "apiToken; not TOKEN_URL or SECRET_ARN) with a literal value of 8 or more characters that is not a "
        "reference (arn:, ssm:, {{resolve:...}}, ${...}), a plain URL, a number or a KMS ciphertext blob. "
        "Functions without environment variables pass. Encryption of the environment with a KMS key does "
        "not exempt a variable: Lambda returns decrypted values to anyone allowed "
        "lambda:GetFunctionConfiguration. A snapshot collected before kinds were recorded is ERROR."
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


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each variable whose value was recognised as a credential, and its kind."""
    variables = _variables(resource)
    if not variables:
        return CheckResult.passed("no environment variables")
    found: list[str] = []
    for name, recorded in sorted(variables.items()):
        if not isinstance(recorded, dict) or "kind" not in recorded:
            raise UnknownAttributeError(
                f"Environment.Variables.{name}", "collected without credential detection; collect again"
            )
        if recorded["kind"]:
            found.append(f"{name} ({recorded['kind']})")
    if found:
        return CheckResult.failed(
            f"plaintext credentials in environment variables: {', '.join(found)}; "
            "move them to Secrets Manager or Parameter Store"
        )
    return CheckResult.passed(f"no credential recognised in {len(variables)} environment variable(s)")
