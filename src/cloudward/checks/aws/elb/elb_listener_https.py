"""Application load balancers serve nothing over plain HTTP: every listener is HTTPS or redirects to it."""

from __future__ import annotations

from typing import Any

from cloudward.checks.aws.elb._listeners import label, listeners, scheme
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
    id="elb_listener_https",
    title="Application load balancer listeners use HTTPS or redirect HTTP to HTTPS",
    service="elb",
    resource_type="AWS::ElasticLoadBalancingV2::LoadBalancer",
    severity=Severity.MEDIUM,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Applies to application load balancers (Type=application), internet-facing and internal alike. Passes "
        "when every listener is HTTPS, or is HTTP and only redirects to HTTPS: its default actions and the "
        "actions of every non-default listener rule are all redirect actions with RedirectConfig.Protocol "
        "HTTPS (a redirect keeping #{protocol} stays on HTTP). An HTTP listener whose default action redirects "
        "but one of whose rules forwards, authenticates or returns a fixed response serves plain HTTP and "
        "fails, naming the rule. Network and gateway load balancers are NOT_APPLICABLE as a whole, decided "
        "per load balancer: their TCP, UDP and GENEVE listeners pass through whatever the clients send "
        "(possibly TLS terminated at the targets), which the listener does not show; their TLS listeners' "
        "policies are checked by elb_listener_tls_policy. An application load balancer without listeners is "
        "NOT_APPLICABLE. Classic load balancers are not in scope."
    ),
    risk=(
        "Requests and responses, including session cookies, credentials and personal data, cross the network "
        "in clear text: anyone on the path (public Wi-Fi, a compromised hop) reads or alters them."
    ),
    remediation=Remediation(
        summary="Serve the application over HTTPS and make every HTTP listener redirect to HTTPS.",
        console=(
            "Open the EC2 console > Load Balancers and choose the load balancer, then the Listeners and rules tab.",
            "Add an HTTPS:443 listener with an ACM certificate and a TLS 1.2+ security policy, if there is none.",
            "Edit each HTTP listener: set its default action to Redirect to URL, protocol HTTPS, port 443, "
            "status code 301, and remove rules that forward.",
        ),
        cli=(
            "aws elbv2 modify-listener --listener-arn HTTP_LISTENER_ARN --default-actions "
            "'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'"
        ),
        terraform=(
            'resource "aws_lb_listener" "http" {\n'
            "  load_balancer_arn = aws_lb.this.arn\n"
            "  port              = 80\n"
            '  protocol          = "HTTP"\n'
            "  default_action {\n"
            '    type = "redirect"\n'
            "    redirect {\n"
            '      protocol    = "HTTPS"\n'
            '      port        = "443"\n'
            '      status_code = "HTTP_301"\n'
            "    }\n"
            "  }\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-update-rules.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html",
    ),
    requires=("Listeners",),
)


def _redirects_to_https(actions: Any) -> bool:
    """Whether a non-empty list of actions consists only of redirects to HTTPS."""
    return (
        isinstance(actions, list)
        and bool(actions)
        and all(
            isinstance(action, dict)
            and action.get("Type") == "redirect"
            and str((action.get("RedirectConfig") or {}).get("Protocol", "")).upper() == "HTTPS"
            for action in actions
        )
    )


def _describe(actions: Any) -> str:
    """Actions as a phrase: ``forward``, ``redirect to #{protocol}``."""
    if not isinstance(actions, list) or not actions:
        return "no action"
    words = []
    for action in actions:
        kind = str(action.get("Type", "?")) if isinstance(action, dict) else "?"
        if kind == "redirect":
            kind = f"redirect to {(action.get('RedirectConfig') or {}).get('Protocol', '#{protocol}')}"
        words.append(kind)
    return ", ".join(words)


def _conditions(rule: dict[str, Any]) -> str:
    """A rule's conditions as ``path-pattern /api/*``; the values may sit in a ``...Config`` object."""
    parts: list[str] = []
    for condition in rule.get("Conditions") or []:
        values: list[Any] = list(condition.get("Values") or [])
        for key, value in condition.items():
            if not values and key.endswith("Config") and isinstance(value, dict):
                values = list(value.get("Values") or [])
        parts.append(f"{condition.get('Field', '?')} {','.join(map(str, values))}".strip())
    return "; ".join(parts)


def plain_http(listener: dict[str, Any]) -> list[str]:
    """What an HTTP listener serves other than a redirect to HTTPS (empty when it only redirects).

    Raises:
        UnknownAttributeError: the listener's rules were not collected or have an unexpected shape.
    """
    name = label(listener)
    found: list[str] = []
    if not _redirects_to_https(listener.get("DefaultActions")):
        found.append(f"{name} default action {_describe(listener.get('DefaultActions'))}")
    rules = listener.get("Rules")
    if not isinstance(rules, list):
        raise UnknownAttributeError("Listeners", f"the rules of {name} were not collected")
    for rule in rules:
        if not isinstance(rule, dict):
            raise UnknownAttributeError("Listeners", f"a rule of {name} is not an object")
        if rule.get("IsDefault") or _redirects_to_https(rule.get("Actions")):
            continue
        where = _conditions(rule)
        found.append(
            f"{name} rule priority {rule.get('Priority', '?')}{f' ({where})' if where else ''} "
            f"{_describe(rule.get('Actions'))}"
        )
    return found


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each HTTP listener, default action or rule that serves plain HTTP."""
    lb_type = str(resource.require("Type"))
    if lb_type != "application":
        return CheckResult.not_applicable(
            f"{lb_type} load balancer: TCP/UDP/GENEVE listeners pass traffic through as sent "
            "(TLS listeners are checked by elb_listener_tls_policy)"
        )
    found = listeners(resource)
    if not found:
        return CheckResult.not_applicable("application load balancer without listeners")
    secure: list[str] = []
    plain: list[str] = []
    for listener in found:
        protocol = listener["Protocol"]
        if protocol == "HTTPS":
            secure.append(label(listener))
        elif protocol == "HTTP":
            problems = plain_http(listener)
            plain.extend(problems)
            if not problems:
                secure.append(f"{label(listener)} redirects to HTTPS")
        else:
            raise UnknownAttributeError(
                "Listeners", f"unexpected protocol {protocol!r} on an application load balancer"
            )
    if plain:
        return CheckResult.failed(f"{scheme(resource)}: plain HTTP served by " + "; ".join(plain))
    return CheckResult.passed(f"{scheme(resource)}: " + "; ".join(secure))
