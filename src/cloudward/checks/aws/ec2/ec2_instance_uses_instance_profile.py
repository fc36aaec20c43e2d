"""Every instance gets its AWS credentials from an IAM role (an instance profile)."""

from __future__ import annotations

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
    id="ec2_instance_uses_instance_profile",
    title="EC2 instance has an IAM instance profile",
    service="ec2",
    resource_type="AWS::EC2::Instance",
    severity=Severity.LOW,
    layer=Layer.IDENTITY,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.IAAS,
    description=(
        "Passes when the instance has an IamInstanceProfile (DescribeInstances), so software on it gets "
        "short-lived, automatically rotated role credentials from the instance metadata service. Fails "
        "when it has none: an instance that calls AWS then needs long-lived access keys on disk, and one "
        "that does not still cannot be managed by Systems Manager. The role's permissions are not judged "
        "here (the IAM checks do that). Running, pending, stopping and stopped instances are evaluated; "
        "shutting-down and terminated instances are NOT_APPLICABLE. An unreadable instance description "
        "is ERROR."
    ),
    risk=(
        "Without a role, applications use IAM user access keys copied onto the instance: they never "
        "expire, leak through backups, AMIs, snapshots and source code, and keep working after the "
        "instance is gone."
    ),
    remediation=Remediation(
        summary=(
            "Attach an instance profile with a least-privilege role, then remove any access keys stored on "
            "the instance and deactivate them in IAM."
        ),
        console=(
            "Open the EC2 console > Instances and choose the instance.",
            "Actions > Security > Modify IAM role.",
            "Choose a role (create one for EC2 with only the permissions the workload needs) and save.",
        ),
        cli=(
            "aws ec2 associate-iam-instance-profile --instance-id INSTANCE_ID --iam-instance-profile Name=PROFILE_NAME"
        ),
        terraform=(
            'resource "aws_iam_instance_profile" "app" {\n'
            '  name = "app"\n'
            "  role = aws_iam_role.app.name\n"
            "}\n"
            'resource "aws_instance" "this" {\n'
            "  # ...\n"
            "  iam_instance_profile = aws_iam_instance_profile.app.name\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html",
    ),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when the instance has no IamInstanceProfile."""
    resource.require("InstanceId")  # a description without it is not an instance: ERROR, never FAIL or PASS
    configuration = resource.configuration
    state = (configuration.get("State") or {}).get("Name")
    if state in GONE_STATES:
        return CheckResult.not_applicable(f"instance is {state}")
    profile = configuration.get("IamInstanceProfile") or {}
    arn = profile.get("Arn")
    if arn:
        return CheckResult.passed(f"IamInstanceProfile={arn}")
    return CheckResult.failed("no IamInstanceProfile: the instance has no role credentials")
