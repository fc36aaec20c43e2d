"""SQS queue access policies do not grant access to everyone."""

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
    id="sqs_queue_not_public",
    title="SQS queue policy does not grant access to everyone",
    service="sqs",
    resource_type="AWS::SQS::Queue",
    severity=Severity.CRITICAL,
    layer=Layer.IDENTITY,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Fails when the queue's access policy (the Policy attribute) has a public Allow statement. "
        + RULE
        + " A queue without a Policy attribute passes (only its own account's principals with IAM "
        "permissions can use it)."
    ),
    risk=(
        "Anyone, or any AWS account, can send messages into the queue (feeding crafted input to its "
        "consumers), read and delete them (stealing or dropping orders, events and the data they carry), "
        "or purge it."
    ),
    remediation=Remediation(
        summary="Remove the public statement, or restrict it with aws:SourceArn, aws:SourceAccount or an org ID.",
        console=(
            "Open the Amazon SQS console and choose the queue.",
            "Access policy tab > Edit.",
            'Remove each statement whose Principal is "*" or {"AWS": "*"}, or add a Condition such as '
            '"ArnEquals": {"aws:SourceArn": "<the SNS topic or bucket ARN>"}, then save.',
        ),
        cli=(
            "aws sqs get-queue-attributes --queue-url QUEUE_URL --attribute-names Policy && "
            "aws sqs set-queue-attributes --queue-url QUEUE_URL --attributes file://attributes.json "
            '# attributes.json: {"Policy": "<the policy JSON, public statement removed or restricted>"}'
        ),
        terraform=(
            'resource "aws_sqs_queue_policy" "this" {\n'
            "  queue_url = aws_sqs_queue.this.id\n"
            "  policy = jsonencode({\n"
            '    Version = "2012-10-17"\n'
            "    Statement = [{\n"
            '      Effect    = "Allow"\n'
            '      Principal = { Service = "sns.amazonaws.com" }\n'
            '      Action    = "sqs:SendMessage"\n'
            "      Resource  = aws_sqs_queue.this.arn\n"
            '      Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.this.arn } }\n'
            "    }]\n"
            "  })\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-sqs-policies.html",
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-security-best-practices.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/sqs-controls.html",
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
