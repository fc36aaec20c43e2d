"""SNS: topics with their attributes (access policy as JSON text, KMS key)."""

from __future__ import annotations

from cloudward.providers.aws.spec import Call, Listing, ResourceSpec, Scope

SPECS = (
    ResourceSpec(
        type="AWS::SNS::Topic",
        service="sns",
        scope=Scope.REGIONAL,
        listing=Listing("list_topics", "sns:ListTopics", items=lambda page: page.get("Topics") or []),
        arn=lambda item, ctx: str(item["TopicArn"]),
        name=lambda item: str(item["TopicArn"]).rsplit(":", 1)[-1],
        supplements={
            # every value is a string as AWS returns it: Policy is the policy document's JSON text
            "Attributes": Call(
                "get_topic_attributes",
                "sns:GetTopicAttributes",
                params=lambda item, ctx: {"TopicArn": item["TopicArn"]},
                select=lambda r: r["Attributes"],
            ),
        },
    ),
)
