"""Parameter Store parameters that hold secrets are SecureString."""

from __future__ import annotations

from cloudward.checks.aws._secret_records import labels, recorded_findings
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
from cloudward.providers.aws.secret_values import secret_word

PLAINTEXT_TYPES = frozenset({"String", "StringList"})
WORD_PHRASES = {"apikey": "an API key", "privatekey": "a private key", "passwd": "a password"}
FIX = "store it as a SecureString parameter (or in Secrets Manager)"

meta = CheckMeta(
    id="ssm_parameter_secret_is_secure_string",
    title="Parameter Store parameters holding secrets are SecureString",
    service="ssm",
    resource_type="AWS::SSM::Parameter",
    severity=Severity.HIGH,
    layer=Layer.DATA,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.SAAS,
    description=(
        "SecureString parameters pass without being read. For a String or StringList parameter the collector "
        "reads the value (GetParameter without decryption: these types are stored in plain text), scans it "
        "with cloudward's secrets engine, the parameter's name serving as assignment context, and keeps only "
        "its length, the findings of medium or high confidence and whether it is a literal, never the value. "
        "The parameter fails when the value has a finding (naming the detector), or when its name says it "
        "holds a secret (a last name part, or two joined, ending in password, passwd, passphrase, secret, "
        "token, apikey, privatekey or credential; not names ending in a word about a secret such as -arn, "
        "-url, -name, -id, -ttl, -length, -policy, -rotation) and its value is a literal of 8 or more "
        "characters: not a reference (arn:, ssm:, {{resolve:...}}, ${...}), a URL without credentials, a "
        "number or a KMS ciphertext blob. Other String and StringList parameters pass. A value that could "
        "not be read or scanned is ERROR."
    ),
    risk=(
        "A String parameter is returned in clear by GetParameter to every principal allowed ssm:GetParameter* "
        "on it (broad read-only policies such as ReadOnlyAccess include it), with no KMS key policy in the "
        "way and no kms:Decrypt record in CloudTrail. A credential stored that way is as exposed as the most "
        "widely granted read access to Parameter Store in the account."
    ),
    remediation=Remediation(
        summary=(
            "Rotate the exposed credential and store the new value as a SecureString parameter encrypted with a "
            "KMS key whose policy limits who may decrypt it (or in AWS Secrets Manager), then delete the String "
            "parameter."
        ),
        console=(
            "Rotate the credential at its issuer first: it is exposed.",
            "Open the Systems Manager console > Parameter Store > Create parameter: type SecureString, choose a "
            "customer managed KMS key, and store the new value (a parameter's type cannot be changed in place "
            "from the console: create it under a new name, or delete and recreate it).",
            "Point the applications at the new parameter (GetParameter with WithDecryption), then delete the "
            "String parameter.",
        ),
        cli=(
            "aws ssm put-parameter --name /app/db-password --type SecureString --key-id alias/app-secrets "
            "--value file://secret.txt --overwrite"
        ),
        terraform=(
            'resource "aws_ssm_parameter" "db_password" {\n'
            '  name   = "/app/db-password"\n'
            '  type   = "SecureString"\n'
            "  key_id = aws_kms_key.app_secrets.arn\n"
            "  value  = var.db_password\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-parameter-store.html",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-securestring.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ssm-controls.html",
    ),
    requires=("Value",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming the detector, or the word in the name, that says a plaintext parameter holds a secret."""
    configuration = resource.configuration or {}
    kind = configuration.get("Type")
    if kind == "SecureString":
        return CheckResult.passed(f"SecureString (KMS key {configuration.get('KeyId') or 'alias/aws/ssm'})")
    if kind not in PLAINTEXT_TYPES:
        raise UnknownAttributeError("Type", f"unexpected parameter type {kind!r}")
    record = resource.supplement("Value")
    findings = recorded_findings(record, "Value")
    if findings:
        return CheckResult.failed(f"{kind} parameter whose value holds a plaintext secret: {labels(findings)}; {FIX}")
    name = str(configuration.get("Name") or resource.name)
    word = secret_word(name)
    if word and record.get("literal"):
        holds = WORD_PHRASES.get(word, f"a {word}")
        return CheckResult.failed(
            f"{kind} parameter whose name says it holds {holds} has a literal value of {record.get('length')} "
            f"characters; {FIX}"
        )
    reason = f"{kind} parameter: no secret recognised in its value"
    return CheckResult.passed(reason + (f" (name says {word}, but the value is not a literal)" if word else ""))
