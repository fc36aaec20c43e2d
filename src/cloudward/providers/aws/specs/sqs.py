"""SQS: queues (listed by URL) with all their attributes (access policy as JSON text, encryption)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from cloudward.providers.aws.spec import Call, Context, Item, Listing, ResourceSpec, Response, Scope


def _queues(page: Response) -> Iterable[Item]:
    return [{"QueueUrl": url} for url in page.get("QueueUrls") or []]


def _path(url: str) -> tuple[str, str]:
    """A queue URL's account id and queue name: ``https://sqs.REGION.amazonaws.com/ACCOUNT/NAME``."""
    parts = [part for part in urlsplit(url).path.split("/") if part]
    if len(parts) != 2:
        raise ValueError(f"not a queue URL of the form https://HOST/ACCOUNT/NAME: {url!r}")
    return parts[0], parts[1]


def queue_arn(item: Item, ctx: Context) -> str:
    """The queue's ARN, built from its URL (account and name) and the region it was listed in.

    ListQueues gives only URLs, and the ``QueueArn`` attribute needs a further call; the URL's host
    does not always name the region (``queue.amazonaws.com``, an emulator), the listing region does.
    """
    account, name = _path(str(item["QueueUrl"]))
    return f"arn:{ctx.partition}:sqs:{ctx.region}:{account}:{name}"


def queue_name(item: Item) -> str:
    """The queue's name: the last part of its URL."""
    return _path(str(item["QueueUrl"]))[1]


def _queue(item: Item, ctx: Any) -> dict[str, Any]:
    return {"QueueUrl": item["QueueUrl"], "AttributeNames": ["All"]}


SPECS = (
    ResourceSpec(
        type="AWS::SQS::Queue",
        service="sqs",
        scope=Scope.REGIONAL,
        # without MaxResults ListQueues stops at 1,000 queues and gives no NextToken
        listing=Listing("list_queues", "sqs:ListQueues", items=_queues, params={"MaxResults": 1000}),
        arn=queue_arn,
        name=queue_name,
        supplements={
            # every value is a string as AWS returns it: Policy is the policy document's JSON text
            "Attributes": Call(
                "get_queue_attributes",
                "sqs:GetQueueAttributes",
                params=_queue,
                select=lambda r: r["Attributes"],
            ),
        },
    ),
)
