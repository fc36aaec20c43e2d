"""No AMI can be launched by every AWS account."""

from __future__ import annotations

from cloudward.checks.aws.ec2._owned import not_owned
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
    id="ec2_image_not_public",
    title="AMI is not public",
    service="ec2",
    resource_type="AWS::EC2::Image",
    severity=Severity.HIGH,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.IAAS,
    description=(
        "Fails when the image's Public attribute (DescribeImages) is true, that is its launchPermission "
        'includes the group "all". Sharing with named accounts or organizations is not public and is not '
        "judged. Images owned by another account are NOT_APPLICABLE (the collector lists the account's "
        "own images only, Owners=self). An image description without Public is ERROR. Images published "
        "on purpose (a vendor's Marketplace or community AMIs) fail too: review them and accept the finding."
    ),
    risk=(
        "Anyone can launch a public AMI in their own account and read every file on its disks: application "
        "code, configuration with embedded credentials, SSH host keys and whatever was on the instance the "
        "image was made from."
    ),
    remediation=Remediation(
        summary="Remove the public launch permission from the image; share it with named accounts instead.",
        console=(
            "Open the EC2 console > Images > AMIs and choose the image.",
            "Actions > Edit AMI permissions.",
            "Select 'Private', add only the accounts or organizations that need it, and save.",
            "Consider turning on 'Block public access for AMIs' for the region (EC2 > Data protection and security).",
        ),
        cli=(
            "aws ec2 modify-image-attribute --image-id AMI_ID --launch-permission 'Remove=[{Group=all}]'\n"
            "aws ec2 enable-image-block-public-access --image-block-public-access-state block-new-sharing"
        ),
        terraform=(
            "# Share AMIs only with named accounts:\n"
            'resource "aws_ami_launch_permission" "partner" {\n'
            "  image_id   = aws_ami.this.id\n"
            '  account_id = "111122223333"\n'
            "}\n"
            '# and never with group = "all"'
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-intro.html",
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/block-public-access-to-amis.html",
    ),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when Public is true."""
    skip = not_owned(resource, "image")
    if skip is not None:
        return skip
    public = resource.require("Public")
    if not isinstance(public, bool):
        raise UnknownAttributeError("Public", f"not a boolean: {public!r}")
    name = (resource.configuration or {}).get("Name")
    label = f" ({name})" if name else ""
    if public:
        return CheckResult.failed(f"Public=true: any AWS account can launch the image{label} and read its disks")
    return CheckResult.passed(f"Public=false{label}")
