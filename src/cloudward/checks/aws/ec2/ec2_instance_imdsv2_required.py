"""Every instance requires IMDSv2 session tokens (or has the metadata service turned off)."""

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
from cloudward.inventory import Inventory, Resource, UnknownAttributeError

meta = CheckMeta(
    id="ec2_instance_imdsv2_required",
    title="EC2 instance requires IMDSv2",
    service="ec2",
    resource_type="AWS::EC2::Instance",
    severity=Severity.HIGH,
    layer=Layer.NETWORK,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.IAAS,
    description=(
        'Passes when MetadataOptions.HttpTokens is "required" (IMDSv2 only) or '
        'MetadataOptions.HttpEndpoint is "disabled" (no metadata service at all). Fails when HttpTokens '
        'is "optional", which leaves IMDSv1 reachable. Running, pending, stopping and stopped instances '
        "are evaluated (a stopped instance keeps its settings when started again); shutting-down and "
        "terminated instances are NOT_APPLICABLE. An instance description without MetadataOptions is "
        "ERROR. The hop limit (HttpPutResponseHopLimit) is reported but not judged."
    ),
    risk=(
        "With IMDSv1 a single server-side request forgery (SSRF) or open proxy on the instance lets an "
        "attacker fetch http://169.254.169.254/latest/meta-data/iam/security-credentials/ and steal the "
        "instance role's temporary credentials, as in the 2019 Capital One breach."
    ),
    remediation=Remediation(
        summary="Require IMDSv2 tokens on the instance, and set the account default for new instances.",
        console=(
            "Open the EC2 console > Instances and choose the instance.",
            "Actions > Instance settings > Modify instance metadata options.",
            "Set IMDSv2 to 'Required' and save.",
        ),
        cli=(
            "aws ec2 modify-instance-metadata-options --instance-id INSTANCE_ID --http-tokens required "
            "--http-endpoint enabled\n"
            "aws ec2 modify-instance-metadata-defaults --http-tokens required"
        ),
        terraform=(
            'resource "aws_instance" "this" {\n'
            "  # ...\n"
            "  metadata_options {\n"
            '    http_endpoint               = "enabled"\n'
            '    http_tokens                 = "required"\n'
            "    http_put_response_hop_limit = 1\n"
            "  }\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html",
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming HttpTokens and HttpEndpoint when IMDSv1 is reachable."""
    configuration = resource.configuration or {}
    state = (configuration.get("State") or {}).get("Name")
    if state in GONE_STATES:
        return CheckResult.not_applicable(f"instance is {state}")
    options = configuration.get("MetadataOptions")
    if not options:
        raise UnknownAttributeError("MetadataOptions", "absent from the instance's configuration")
    tokens = options.get("HttpTokens", "optional")
    endpoint = options.get("HttpEndpoint", "enabled")
    if endpoint == "disabled":
        return CheckResult.passed("instance metadata service is off (HttpEndpoint=disabled)")
    if tokens == "required":
        hops = options.get("HttpPutResponseHopLimit")
        suffix = f", HttpPutResponseHopLimit={hops}" if hops is not None else ""
        return CheckResult.passed(f"HttpTokens=required{suffix}")
    return CheckResult.failed(f"HttpTokens={tokens}, HttpEndpoint={endpoint}: IMDSv1 is reachable")
