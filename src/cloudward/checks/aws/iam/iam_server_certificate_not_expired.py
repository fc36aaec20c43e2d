"""No expired SSL/TLS server certificate is stored in IAM."""

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
from cloudward.inventory.attrs import parse_time

meta = CheckMeta(
    id="iam_server_certificate_not_expired",
    title="IAM server certificate has not expired",
    service="iam",
    resource_type="AWS::IAM::ServerCertificate",
    severity=Severity.MEDIUM,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "CIS AWS Foundations v5.0 1.18 (all expired SSL/TLS certificates stored in IAM are removed). Reads "
        "the certificate's metadata from iam:ListServerCertificates and fails when its Expiration is at or "
        "before the time the inventory was collected, naming the date; passes otherwise, with the days left. "
        "Certificates in AWS Certificate Manager are not IAM server certificates and are not covered. "
        "Whether a load balancer or CloudFront distribution still uses the certificate is not checked: "
        "an expired certificate is removed either way, after its users are moved to a valid one."
    ),
    risk=(
        "An expired certificate left in IAM can be attached to an Elastic Load Balancer or CloudFront by "
        "mistake, breaking TLS for clients or teaching them to click through certificate warnings, which "
        "is what an interception attack relies on; it also signals key material nobody manages."
    ),
    remediation=Remediation(
        summary=(
            "Move any listener still using the certificate to a valid one (preferably from ACM), then delete "
            "the expired certificate from IAM."
        ),
        console=(
            "IAM server certificates have no console page: use the AWS CLI or API.",
            "In the EC2 console > Load balancers, check each HTTPS listener's certificate and replace it if needed.",
        ),
        cli=(
            "aws iam list-server-certificates\n"
            "aws iam delete-server-certificate --server-certificate-name CERTIFICATE_NAME"
        ),
        terraform=(
            "# remove the aws_iam_server_certificate resource (or replace it with aws_acm_certificate):\n"
            'resource "aws_acm_certificate" "site" {\n'
            '  domain_name       = "example.com"\n'
            '  validation_method = "DNS"\n'
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_server-certs.html",
        "https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListServerCertificates.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    tags=("cis",),
)


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when Expiration is at or before the collection time."""
    raw = resource.require("Expiration")
    try:
        expiration = parse_time(str(raw))
    except ValueError:
        raise UnknownAttributeError("Expiration", f"{raw!r} is not a date") from None
    left = expiration - inventory.collected_at
    when = expiration.date().isoformat()
    if left.total_seconds() <= 0:
        return CheckResult.failed(f"expired {when} ({_days((-left).days)} before the scan)")
    return CheckResult.passed(f"expires {when} (in {_days(left.days)})")
