"""AWS Budgets: the account's budgets and their notifications, as one account-level pseudo-resource.

Every Budgets read needs the account id as a parameter (``DescribeBudgets(AccountId=...)``), and a
:class:`~cloudward.providers.aws.spec.Listing` takes fixed parameters only, so budgets cannot be
listed one resource each. They are read instead as the ``Budgets`` supplement of ``AWS::::Budgets``,
one per account (like ``AWS::::Account``), whose supplement calls receive the account id.

``Budgets`` is every DescribeBudgets item (all pages), each with one key added by cloudward,
``Notifications``: its DescribeNotificationsForBudget items (``[]`` when it has none; like the
``NotificationsWithSubscribers`` of a CloudFormation ``AWS::Budgets::Budget``, without the
subscribers, whose e-mail addresses are not read). An account without budgets gives ``[]`` (AWS
answers ``NotFoundException`` then, moto an empty list).
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from cloudward.providers.aws.spec import Call, Context, Item, ResourceSpec, Scope

BUDGETS = "AWS::::Budgets"
NONE_FOUND = "NotFoundException"


def _account(item: Item, ctx: Context) -> dict[str, Any]:
    return {"AccountId": ctx.account_id}


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code") or "")


def _budgets_with_notifications(client: Any, params: dict[str, Any]) -> dict[str, Any]:
    """DescribeBudgets (every page), then DescribeNotificationsForBudget per budget: read-only calls only."""
    budgets: list[dict[str, Any]] = []
    for page in client.get_paginator("describe_budgets").paginate(**params):
        budgets.extend(dict(budget) for budget in page.get("Budgets") or [])
    for budget in budgets:
        try:
            pages = client.get_paginator("describe_notifications_for_budget").paginate(
                BudgetName=budget["BudgetName"], **params
            )
            budget["Notifications"] = [note for page in pages for note in page.get("Notifications") or []]
        except ClientError as exc:
            if _error_code(exc) != NONE_FOUND:
                raise
            budget["Notifications"] = []  # AWS's answer for a budget without notifications
    return {"Budgets": budgets}


SPECS = (
    ResourceSpec(
        type=BUDGETS,
        service="budgets",
        scope=Scope.GLOBAL,
        listing=None,
        arn=lambda item, ctx: f"arn:{ctx.partition}:budgets::{ctx.account_id}:budget/*",
        name=lambda item: str(item["AccountId"]),
        supplements={
            "Budgets": Call(
                "describe_budgets",
                "budgets:ViewBudget",
                params=_account,
                custom=_budgets_with_notifications,
                select=lambda r: r["Budgets"],
                not_configured={NONE_FOUND: []},
            ),
        },
    ),
)
