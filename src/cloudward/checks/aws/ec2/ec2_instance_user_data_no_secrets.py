"""EC2 instance user data holds no plaintext credentials."""

from __future__ import annotations

from cloudward.checks.aws._secret_records import SECRETS_FIX, labels, user_data_findings, user_data_summary
from cloudward.checks.aws.ec2._instance import GONE_STATES
from cloudward.checks.model import (
    CheckMeta,
    CheckResult,
    Layer,
    Remediation,
    ServiceModel,
    Severity,
    Threat,
)
from cloudward.inventory import Inventory, Resource

meta = CheckMeta(
    id="ec2_instance_user_data_no_secrets",
    title="EC2 instance user data holds no plaintext secrets",
    service="ec2",
    resource_type="AWS::EC2::Instance",
    severity=Severity.HIGH,
    layer=Layer.DATA,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.IAAS,
    description=(
        "The collector reads each instance's user data (DescribeInstanceAttribute userData), decodes it in "
        "memory (base64; gzip-compressed user data is decompressed; a MIME multipart cloud-init document is "
        "split into its parts, each decoded from its transfer encoding and decompressed when gzipped), scans "
        "it as a document with cloudward's secrets engine (the detectors of `cloudward secrets`: AWS access "
        "keys and their secret keys, session tokens, GitHub, GitLab, Slack, Stripe and Google tokens, private "
        "keys, JWTs, URLs and authorization headers with credentials, generic password/secret/token "
        "assignments such as `export DB_PASSWORD=...` scored by entropy and context) and keeps only the size, "
        "the encoding and the findings of medium or high confidence with their line numbers. The instance "
        "fails when any finding was made, naming the detector, the line and the variable it was assigned "
        "to, never the value. Instances without user data pass. Shutting-down and terminated instances are "
        "NOT_APPLICABLE. User data that cannot be decoded, or whose decompressed content exceeds 20 MiB "
        "without a finding in the part scanned, is ERROR. Content fetched at boot (#include URLs, S3 objects) "
        "is not read."
    ),
    risk=(
        "User data is returned in clear by DescribeInstanceAttribute to every principal allowed "
        "ec2:DescribeInstanceAttribute, and from inside the instance by the metadata service to every process, "
        "user and container on it (and to anyone who reaches IMDS through SSRF). It is copied into AMIs, "
        "launch templates and infrastructure-as-code. A credential there leaks with any of them and stays in "
        "the instance's attributes until the user data is replaced."
    ),
    remediation=Remediation(
        summary=(
            "Rotate the exposed credential, store it in AWS Secrets Manager or Systems Manager Parameter Store "
            "(SecureString), give the instance role permission to read that one secret, and have the user data "
            "script fetch it at boot instead of embedding it."
        ),
        console=(
            "Rotate the credential at its issuer (IAM, GitHub, the database...) first: it is exposed.",
            "Open the Secrets Manager console > Store a new secret, and store the new value.",
            "Attach to the instance's role a policy allowing secretsmanager:GetSecretValue on that secret only.",
            "In the EC2 console, stop the instance, then Actions > Instance settings > Edit user data: replace "
            "the literal value with a command that reads the secret at boot, save, and start the instance.",
        ),
        cli=(
            "aws secretsmanager create-secret --name app/db-password --secret-string file://secret.txt\n"
            "# in the user data script, instead of the literal value:\n"
            "#   DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id app/db-password "
            "--query SecretString --output text)\n"
            "aws ec2 stop-instances --instance-ids INSTANCE_ID\n"
            "aws ec2 modify-instance-attribute --instance-id INSTANCE_ID --attribute userData "
            "--value file://user-data-base64.txt\n"
            "aws ec2 start-instances --instance-ids INSTANCE_ID"
        ),
        terraform=(
            'resource "aws_secretsmanager_secret" "db_password" {\n'
            '  name = "app/db-password"\n'
            "}\n\n"
            'resource "aws_instance" "app" {\n'
            "  # ...\n"
            "  iam_instance_profile = aws_iam_instance_profile.app.name\n"
            "  user_data = <<-EOT\n"
            "    #!/bin/bash\n"
            "    DB_PASSWORD=$(aws secretsmanager get-secret-value "
            "--secret-id ${aws_secretsmanager_secret.db_password.arn} --query SecretString --output text)\n"
            "  EOT\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html",
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceAttribute.html",
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets.html",
    ),
    requires=("UserData",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each detector, line and variable at which a credential was recognised in the user data."""
    state = ((resource.configuration or {}).get("State") or {}).get("Name")
    if state in GONE_STATES:
        return CheckResult.not_applicable(f"instance is {state}")
    record = resource.supplement("UserData")
    if record is None:
        return CheckResult.passed("no user data")
    findings = user_data_findings(record, "UserData")
    if findings:
        return CheckResult.failed(
            f"plaintext secrets in {user_data_summary(record)}: {labels(findings)}; {SECRETS_FIX}"
        )
    return CheckResult.passed(f"no secret recognised in {user_data_summary(record)}")
