"""Every EBS volume is encrypted."""

from __future__ import annotations

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
    id="ec2_volume_encrypted",
    title="EBS volume is encrypted",
    service="ec2",
    resource_type="AWS::EC2::Volume",
    severity=Severity.MEDIUM,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.IAAS,
    description=(
        "Passes when the volume's Encrypted attribute is true, attached or not; the KMS key is named in "
        "the reason but not judged. A volume description without Encrypted is ERROR. Snapshots are not "
        "evaluated here."
    ),
    risk=(
        "Data on an unencrypted volume, and on every snapshot taken of it, is readable by anyone who "
        "obtains a copy, for instance through a snapshot shared with another account or made public."
    ),
    remediation=Remediation(
        summary=(
            "Volumes cannot be encrypted in place: snapshot the volume, copy the snapshot with encryption, "
            "create a volume from the copy and swap it in; enable EBS encryption by default."
        ),
        console=(
            "EC2 console > Volumes > select the volume > Actions > Create snapshot.",
            "Snapshots > select it > Actions > Copy snapshot > check 'Encrypt this snapshot'.",
            "Create a volume from the encrypted copy, stop the instance, detach the old volume and attach "
            "the new one on the same device.",
        ),
        cli=(
            "aws ec2 create-snapshot --volume-id VOLUME_ID\n"
            "aws ec2 copy-snapshot --source-snapshot-id SNAP_ID --source-region REGION --encrypted "
            "--kms-key-id KEY_ARN\n"
            "aws ec2 create-volume --snapshot-id ENCRYPTED_SNAP_ID --availability-zone AZ"
        ),
        terraform=(
            'resource "aws_ebs_volume" "this" {\n'
            "  availability_zone = var.az\n"
            "  size              = 100\n"
            "  encrypted         = true\n"
            "  kms_key_id        = aws_kms_key.ebs.arn\n"
            "}"
        ),
    ),
    references=("https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming the unencrypted volume's state and attachments."""
    configuration = resource.configuration or {}
    if "Encrypted" not in configuration:
        raise UnknownAttributeError("Encrypted", "absent from the volume's configuration")
    if configuration["Encrypted"] is True:
        key = configuration.get("KmsKeyId")
        return CheckResult.passed(f"Encrypted=true{f' with key {key}' if key else ''}")
    attachments = configuration.get("Attachments") or []
    attached = [str(a["InstanceId"]) for a in attachments if a.get("InstanceId")]
    where = f", attached to {', '.join(attached)}" if attached else ", not attached"
    return CheckResult.failed(f"Encrypted=false ({configuration.get('State', 'unknown state')}{where})")
