"""EC2 launch templates hold no plaintext credentials in the user data of their default and latest versions."""

from __future__ import annotations

from typing import Any

from cloudward.checks.aws._secret_records import SECRETS_FIX, labels, user_data_findings, user_data_summary
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
    id="ec2_launch_template_user_data_no_secrets",
    title="EC2 launch template user data holds no plaintext secrets",
    service="ec2",
    resource_type="AWS::EC2::LaunchTemplate",
    severity=Severity.HIGH,
    layer=Layer.DATA,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.IAAS,
    description=(
        "The collector reads the $Default and $Latest versions of each launch template "
        "(DescribeLaunchTemplateVersions), decodes their user data in memory (base64, gzip, MIME multipart "
        "parts), scans it with cloudward's secrets engine as a document and keeps only the size, the encoding "
        "and the findings of medium or high confidence with their line numbers. The template fails when the "
        "user data of either version has a finding, naming the version, the detector, the line and the "
        "variable, never the value. Versions without user data pass. Older, non-default versions are not read "
        "(they stay readable until deleted). A version whose user data cannot be decoded is ERROR, as is a "
        "template for which no version was returned."
    ),
    risk=(
        "Every instance and Auto Scaling group launched from the template receives the credential in its "
        "user data, readable through the instance metadata service by every process on the instance, and "
        "DescribeLaunchTemplateVersions returns it in clear to every principal allowed to read launch "
        "templates."
    ),
    remediation=Remediation(
        summary=(
            "Rotate the exposed credential, store it in AWS Secrets Manager or Systems Manager Parameter Store "
            "(SecureString), and create a new template version whose user data fetches it at boot with the "
            "instance role; make it the default and delete the versions that hold the secret."
        ),
        console=(
            "Rotate the credential at its issuer first: it is exposed.",
            "Open the Secrets Manager console > Store a new secret, and store the new value.",
            "In the EC2 console > Launch Templates > the template > Actions > Modify template (Create new "
            "version): in Advanced details > User data, replace the literal value with a command that reads the "
            "secret at boot, and create the version.",
            "Actions > Set default version: choose the new version. Then delete the old versions that hold the "
            "secret (Actions > Delete template version).",
        ),
        cli=(
            "aws ec2 create-launch-template-version --launch-template-id LT_ID --source-version 1 "
            '--launch-template-data "{\\"UserData\\": \\"$(base64 -w0 user-data.sh)\\"}"\n'
            "aws ec2 modify-launch-template --launch-template-id LT_ID --default-version NEW_VERSION\n"
            "aws ec2 delete-launch-template-versions --launch-template-id LT_ID --versions OLD_VERSION"
        ),
        terraform=(
            'resource "aws_launch_template" "app" {\n'
            '  name = "app"\n'
            "  update_default_version = true\n"
            "  iam_instance_profile {\n"
            "    name = aws_iam_instance_profile.app.name\n"
            "  }\n"
            "  user_data = base64encode(<<-EOT\n"
            "    #!/bin/bash\n"
            "    DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id app/db-password "
            "--query SecretString --output text)\n"
            "  EOT\n"
            "  )\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-launch-templates.html",
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeLaunchTemplateVersions.html",
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets.html",
    ),
    requires=("UserData",),
)


def _version_name(version: dict[str, Any]) -> str:
    roles = [name for name, flag in (("$Default", "DefaultVersion"), ("$Latest", "LatestVersion")) if version.get(flag)]
    return f"version {version['VersionNumber']}" + (f" ({', '.join(roles)})" if roles else "")


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each version whose user data holds a recognised credential, and the detectors."""
    versions = resource.supplement("UserData")
    if not isinstance(versions, list) or not versions:
        raise UnknownAttributeError("UserData", "no launch template version was returned")
    failed: list[str] = []
    scanned: list[str] = []
    for version in versions:
        if not isinstance(version, dict) or "VersionNumber" not in version:
            raise UnknownAttributeError("UserData", "a version without a VersionNumber")
        record = version.get("UserData")
        if record is None:
            continue
        name = _version_name(version)
        findings = user_data_findings(record, f"UserData.{version['VersionNumber']}")
        if findings:
            failed.append(f"{name}: {labels(findings)} in {user_data_summary(record)}")
        else:
            scanned.append(f"{name}: {user_data_summary(record)}")
    if failed:
        return CheckResult.failed(f"plaintext secrets in user data of {'; '.join(failed)}; {SECRETS_FIX}")
    if not scanned:
        return CheckResult.passed("no user data in " + ", ".join(_version_name(version) for version in versions))
    return CheckResult.passed(f"no secret recognised in user data of {'; '.join(scanned)}")
