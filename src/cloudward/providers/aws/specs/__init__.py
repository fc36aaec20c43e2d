"""Every AWS ResourceSpec cloudward knows, by resource type."""

from __future__ import annotations

from cloudward.providers.aws.spec import ResourceSpec
from cloudward.providers.aws.specs import (
    account,
    cloudtrail,
    ec2,
    iam,
    kms,
    lambda_,
    rds,
    s3,
)

ALL_SPECS: dict[str, ResourceSpec] = {
    spec.type: spec for module in (account, iam, s3, ec2, cloudtrail, kms, rds, lambda_) for spec in module.SPECS
}

__all__ = ["ALL_SPECS"]
