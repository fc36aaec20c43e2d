"""SNS topic access policies do not grant access to everyone."""

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
from cloudward.iam.resource_policy import RULE, public_statements
from cloudward.inventory import Inventory, Resource

meta = CheckMeta(
    id="sns_topic_not_public",
    title="SNS topic policy does not grant access to everyone",
    service="sns",
    resource_type="AWS::SNS::Topic",
    severity=Severity.HIGH,
    layer=Layer.IDENTITY,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Fails when the topic's access policy (the Policy attribute) has a public Allow statement. "
        + RULE
        + ' The default policy SNS gives a new topic (Principal {"AWS": "*"} with StringEquals '
        "AWS:SourceOwner set to the topic owner's account) is restricted and passes. A topic without a "
        "Policy attribute passes."
    ),
    risk=(
        "Anyone, or any AWS account, can publish to the topic (spoofed alerts and notifications reach every "
        "subscriber, including SMS and e-mail, at the owner's cost), or subscribe an endpoint of their own "
        "and receive every message."
    ),
    remediation=Remediation(
        summary="Remove the public statement, or restrict it with aws:SourceOwner, aws:SourceArn or an org condition.",
        console=(
            "Open the Amazon SNS console, choose Topics and the topic, then Edit.",
            "Expand Access policy.",
            'Remove each statement whose Principal is "*" or {"AWS": "*"}, or add a Condition such as '
            '"StringEquals": {"AWS:SourceOwner": "<your account id>"}, then save.',
        ),
        cli=(
            "aws sns set-topic-attributes --topic-arn TOPIC_ARN --attribute-name Policy "
            "--attribute-value file://policy.json"
        ),
        terraform=(
            'resource "aws_sns_topic_policy" "this" {\n'
            "  arn = aws_sns_topic.this.arn\n"
            "  policy = jsonencode({\n"
            '    Version = "2012-10-17"\n'
            "    Statement = [{\n"
            '      Effect    = "Allow"\n'
            '      Principal = { Service = "events.amazonaws.com" }\n'
            '      Action    = "sns:Publish"\n'
            "      Resource  = aws_sns_topic.this.arn\n"
            '      Condition = { ArnEquals = { "aws:SourceArn" = aws_cloudwatch_event_rule.this.arn } }\n'
            "    }]\n"
            "  })\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html",
        "https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/sns-controls.html",
    ),
    requires=("Attributes",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each public Allow statement (Sid, actions, principal)."""
    policy = resource.supplement("Attributes").get("Policy")
    if policy is None:
        return CheckResult.passed("no access policy")
    public, confined = public_statements(policy, "Policy")
    if public:
        return CheckResult.failed("; ".join(public))
    if confined:
        return CheckResult.passed("not public: " + "; ".join(confined))
    return CheckResult.passed("no statement grants access to everyone")
