"""Elastic Load Balancing v2: application, network and gateway load balancers with their listeners.

The ``Listeners`` supplement holds each listener as DescribeListeners returns it; an HTTP listener also
carries ``Rules``, its rules as DescribeRules returns them (the default rule included), since a rule may
forward plain HTTP even when the default action redirects to HTTPS.
"""

from __future__ import annotations

from typing import Any

from cloudward.providers.aws.spec import Call, Item, Listing, ResourceSpec, Scope

RULES = "Rules"
"""The key under which an HTTP listener carries its rules."""


def read_listeners(client: Any, params: dict[str, Any]) -> dict[str, Any]:
    """Every listener of one load balancer (all pages), with the rules of each HTTP listener.

    Only read-only calls: DescribeListeners, then DescribeRules once per HTTP listener.
    """
    listeners: list[dict[str, Any]] = []
    for page in client.get_paginator("describe_listeners").paginate(**params):
        listeners.extend(page.get("Listeners") or [])
    for listener in listeners:
        if listener.get("Protocol") == "HTTP":
            rules: list[Any] = []
            for page in client.get_paginator("describe_rules").paginate(ListenerArn=listener["ListenerArn"]):
                rules.extend(page.get("Rules") or [])
            listener[RULES] = rules
    return {"Listeners": listeners}


def _load_balancer(item: Item, ctx: Any) -> dict[str, Any]:
    return {"LoadBalancerArn": item["LoadBalancerArn"]}


SPECS = (
    ResourceSpec(
        type="AWS::ElasticLoadBalancingV2::LoadBalancer",
        service="elbv2",
        scope=Scope.REGIONAL,
        listing=Listing(
            "describe_load_balancers",
            "elasticloadbalancing:DescribeLoadBalancers",
            items=lambda page: page.get("LoadBalancers") or [],
        ),
        arn=lambda item, ctx: str(item["LoadBalancerArn"]),
        name=lambda item: str(item["LoadBalancerName"]),
        supplements={
            "Listeners": Call(
                "describe_listeners",
                "elasticloadbalancing:DescribeListeners",
                params=_load_balancer,
                custom=read_listeners,
                select=lambda r: r["Listeners"],
                extra_permissions=("elasticloadbalancing:DescribeRules",),
            ),
        },
    ),
)
