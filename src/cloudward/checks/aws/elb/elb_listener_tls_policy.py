"""HTTPS and TLS listeners accept only TLS 1.2 and later."""

from __future__ import annotations

from cloudward.checks.aws.elb._listeners import label, listeners
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

ACCEPTED_POLICY_FAMILIES = (
    "ELBSecurityPolicy-TLS13-1-2-",
    "ELBSecurityPolicy-TLS13-1-3-",
    "ELBSecurityPolicy-TLS-1-2-",
    "ELBSecurityPolicy-FS-1-2-",
)
"""Name prefixes of the predefined ELB security policies whose lowest protocol is TLS 1.2 or 1.3."""

ENCRYPTED_PROTOCOLS = frozenset({"HTTPS", "TLS"})

meta = CheckMeta(
    id="elb_listener_tls_policy",
    title="Load balancer HTTPS and TLS listeners use a TLS 1.2+ security policy",
    service="elb",
    resource_type="AWS::ElasticLoadBalancingV2::LoadBalancer",
    severity=Severity.MEDIUM,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Applies to every HTTPS listener (application load balancers) and TLS listener (network load "
        "balancers). Passes when each uses a predefined security policy whose lowest protocol is TLS 1.2 or "
        "1.3, recognised by name: ELBSecurityPolicy-TLS13-1-2-* (e.g. ELBSecurityPolicy-TLS13-1-2-2021-06, "
        "the console default, and its -Res-, -Ext1-, -Ext2-, -FIPS- and -PQ- variants), "
        "ELBSecurityPolicy-TLS13-1-3-*, ELBSecurityPolicy-TLS-1-2-* (ELBSecurityPolicy-TLS-1-2-2017-01, "
        "ELBSecurityPolicy-TLS-1-2-Ext-2018-06) and ELBSecurityPolicy-FS-1-2-* (ELBSecurityPolicy-FS-1-2-2019-08, "
        "-Res-2019-08, -Res-2020-10). Every other name fails, naming listener and policy: "
        "ELBSecurityPolicy-2016-08 (the API's default, TLS 1.0), ELBSecurityPolicy-2015-05, "
        "ELBSecurityPolicy-TLS-1-0-2015-04, ELBSecurityPolicy-TLS-1-1-2017-01, ELBSecurityPolicy-FS-2018-06, "
        "ELBSecurityPolicy-FS-1-1-2019-08, ELBSecurityPolicy-TLS13-1-1-* and ELBSecurityPolicy-TLS13-1-0-*, "
        "and any name not in the families above. HTTP, TCP, UDP and GENEVE listeners are not weighed (see "
        "elb_listener_https); a load balancer without HTTPS or TLS listeners is NOT_APPLICABLE. An HTTPS or TLS "
        "listener without SslPolicy is ERROR."
    ),
    risk=(
        "TLS 1.0 and 1.1 have known weaknesses (BEAST, POODLE-style downgrades, SHA-1 and CBC suites): an "
        "attacker on the path can push clients down to them and weaken or break the encryption; PCI DSS and "
        "most compliance regimes forbid them."
    ),
    remediation=Remediation(
        summary="Switch each HTTPS/TLS listener to ELBSecurityPolicy-TLS13-1-2-2021-06 (or another TLS 1.2+ policy).",
        console=(
            "Open the EC2 console > Load Balancers and choose the load balancer, then the Listeners tab.",
            "Select the HTTPS or TLS listener, Actions > Edit listener.",
            "Under Secure listener settings choose the security policy ELBSecurityPolicy-TLS13-1-2-2021-06 and save.",
        ),
        cli=("aws elbv2 modify-listener --listener-arn LISTENER_ARN --ssl-policy ELBSecurityPolicy-TLS13-1-2-2021-06"),
        terraform=(
            'resource "aws_lb_listener" "https" {\n'
            "  load_balancer_arn = aws_lb.this.arn\n"
            "  port              = 443\n"
            '  protocol          = "HTTPS"\n'
            '  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"\n'
            "  certificate_arn   = aws_acm_certificate.this.arn\n"
            "  default_action {\n"
            '    type             = "forward"\n'
            "    target_group_arn = aws_lb_target_group.this.arn\n"
            "  }\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html",
    ),
    requires=("Listeners",),
)


def accepted(policy: str) -> bool:
    """Whether a security policy name is one of the TLS 1.2+ families."""
    return policy.startswith(ACCEPTED_POLICY_FAMILIES)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each HTTPS/TLS listener and the policy that admits TLS older than 1.2."""
    encrypted = [listener for listener in listeners(resource) if listener["Protocol"] in ENCRYPTED_PROTOCOLS]
    if not encrypted:
        return CheckResult.not_applicable("no HTTPS or TLS listeners")
    good: list[str] = []
    weak: list[str] = []
    for listener in encrypted:
        policy = listener.get("SslPolicy")
        if not policy:
            raise UnknownAttributeError("Listeners", f"{label(listener)} has no SslPolicy")
        if accepted(str(policy)):
            good.append(f"{label(listener)} uses {policy}")
        elif str(policy).startswith("ELBSecurityPolicy-"):
            weak.append(f"{label(listener)} uses {policy}, which allows TLS older than 1.2")
        else:
            weak.append(f"{label(listener)} uses {policy}, not a predefined TLS 1.2+ policy")
    if weak:
        return CheckResult.failed("; ".join(weak))
    return CheckResult.passed("; ".join(good))
