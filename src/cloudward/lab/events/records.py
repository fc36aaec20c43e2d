"""Assembling CloudTrail records: the per-service facts, a call's parts, and the record itself.

A :class:`Call` holds what is particular to one API call (event name, request parameters, response
elements, resources); :class:`Recorder` adds what CloudTrail adds (event and request ids, time, region,
identity, TLS details, category) and lays the keys out in the order AWS delivers them. The per-API
shapes live in :mod:`.apis`.

This runs once per generated record, so it avoids work: the ``userIdentity`` and ``tlsDetails`` objects
are shared between records (never mutate a record's nested objects), and the few strings that depend
on the call (a CLI user agent, an AccessDenied message) are cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from cloudward.lab.events.clock import Clock
from cloudward.lab.events.identities import Actor
from cloudward.lab.events.tokens import Tokens

Json = dict[str, Any]

ACCESS_DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "Client.UnauthorizedOperation"})


@dataclass(frozen=True, slots=True)
class Service:
    """What CloudTrail records the same way for every call of one service.

    Attributes:
        key: short name (``ec2``, ``s3``), also the IAM action prefix.
        source: ``eventSource``.
        version: ``eventVersion`` of its records.
        denied: the ``errorCode`` of an authorization failure (``Client.UnauthorizedOperation`` for EC2,
            ``AccessDenied`` for query/XML services, ``AccessDeniedException`` for JSON ones).
        host: the endpoint host, ``{r}`` standing for the region.
        global_region: services recorded in one region whatever the caller's (IAM, Organizations...).
        sdk: the Go SDK module name Terraform's user agent ends with.
        cli: the AWS CLI command group.
        request_id: ``uuid`` or ``s3`` style request ids; ``None`` when CloudTrail writes none.
    """

    key: str
    source: str
    version: str
    denied: str
    host: str
    global_region: str | None = None
    sdk: str = ""
    cli: str = ""
    request_id: str | None = "uuid"


def _svc(
    key: str,
    version: str,
    denied: str,
    *,
    source: str | None = None,
    host: str | None = None,
    global_region: str | None = None,
    sdk: str | None = None,
    cli: str | None = None,
    request_id: str | None = "uuid",
) -> Service:
    return Service(
        key,
        source or f"{key}.amazonaws.com",
        version,
        denied,
        host or f"{key}.{{r}}.amazonaws.com",
        global_region,
        sdk if sdk is not None else key,
        cli if cli is not None else key,
        request_id,
    )


_X = "AccessDeniedException"
_Q = "AccessDenied"
SERVICES: dict[str, Service] = {
    s.key: s
    for s in (
        _svc("ec2", "1.09", "Client.UnauthorizedOperation", sdk="ec2#1.187.1"),
        _svc("iam", "1.09", _Q, host="iam.amazonaws.com", global_region="us-east-1", sdk="iam#1.37.2"),
        _svc("sts", "1.08", _Q, sdk="sts#1.32.4"),
        _svc("s3", "1.10", _Q, host="s3.{r}.amazonaws.com", sdk="s3#1.66.3", cli="s3api", request_id="s3"),
        _svc("signin", "1.09", _Q, host="signin.aws.amazon.com", request_id=None),
        _svc("lambda", "1.08", _X, sdk="lambda#1.66.0"),
        _svc("kms", "1.08", _X, sdk="kms#1.37.5"),
        _svc("secretsmanager", "1.09", _X, sdk="secretsmanager#1.34.5"),
        _svc("ssm", "1.08", _X, sdk="ssm#1.55.5"),
        _svc("cloudtrail", "1.10", _X, sdk="cloudtrail#1.44.5"),
        _svc("guardduty", "1.08", _X, sdk="guardduty#1.51.0"),
        _svc("config", "1.08", _X, sdk="configservice#1.50.5", cli="configservice"),
        _svc("logs", "1.08", _X, sdk="cloudwatchlogs#1.43.2"),
        _svc("monitoring", "1.08", _Q, sdk="cloudwatch#1.42.2", cli="cloudwatch"),
        _svc("rds", "1.08", _Q, sdk="rds#1.90.0"),
        _svc("organizations", "1.09", _Q, host="organizations.us-east-1.amazonaws.com", global_region="us-east-1"),
        _svc("route53", "1.08", _Q, host="route53.amazonaws.com", global_region="us-east-1", sdk="route53#1.46.1"),
        _svc("route53resolver", "1.08", _X, sdk="route53resolver#1.34.1"),
        _svc("ecr", "1.08", _X, host="api.ecr.{r}.amazonaws.com", sdk="ecr#1.36.5"),
        _svc("elasticloadbalancing", "1.08", _Q, sdk="elasticloadbalancingv2#1.43.0", cli="elbv2"),
        _svc("health", "1.08", _X, host="health.us-east-1.amazonaws.com", global_region="us-east-1"),
        _svc("ce", "1.08", _X, host="ce.us-east-1.amazonaws.com", global_region="us-east-1"),
        _svc("ses", "1.08", _Q, host="email.{r}.amazonaws.com"),
        _svc("sns", "1.08", "AuthorizationError", sdk="sns#1.33.5"),
        _svc("sqs", "1.08", _Q, sdk="sqs#1.37.0"),
        _svc("dynamodb", "1.08", _X, sdk="dynamodb#1.37.0"),
        _svc("cloudformation", "1.08", _Q),
        _svc("ec2-instance-connect", "1.08", _X),
        _svc("rolesanywhere", "1.10", _X),
        _svc("bedrock", "1.09", _X),
        _svc("sagemaker", "1.09", _X, host="api.sagemaker.{r}.amazonaws.com"),
        _svc("account", "1.08", _X, host="account.us-east-1.amazonaws.com", global_region="us-east-1"),
        _svc("access-analyzer", "1.08", _X, sdk="accessanalyzer#1.34.5", cli="accessanalyzer"),
    )
}

# CloudTrail records these operations under names that carry an API version.
_VERSIONED = re.compile(r"\d{8}(v\d)?$")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


class Call(NamedTuple):
    """One API call's own parts; :meth:`Recorder.record` turns it into a CloudTrail record.

    Attributes:
        service: the service (see :data:`SERVICES`).
        name: ``eventName`` (``GetObject``, ``UpdateFunctionCode20150331v2``).
        read_only: ``readOnly``.
        request: ``requestParameters`` (``None`` is written as ``null``).
        response: ``responseElements``.
        additional: ``additionalEventData``, when the API has some.
        resources: ``resources``, when CloudTrail lists them.
        data: a data event (``eventCategory`` ``Data``, ``managementEvent`` false).
        event_type: ``AwsApiCall``, ``AwsConsoleSignIn`` or ``AwsServiceEvent``.
        host: the TLS host header, when it is not the service's regional endpoint (S3 buckets).
        region: forces ``awsRegion`` (sign-in events land where the sign-in page was served).
    """

    service: Service
    name: str
    read_only: bool
    request: Json | None = None
    response: Json | None = None
    additional: Json | None = None
    resources: list[Json] | None = None
    data: bool = False
    event_type: str = "AwsApiCall"
    host: str | None = None
    region: str | None = None


Error = tuple[str, str]


class Recorder:
    """Builds CloudTrail records for one account from calls, in AWS's key order."""

    def __init__(self, account: str, tokens: Tokens, clock: Clock) -> None:
        self.account = account
        self.tokens = tokens
        self.clock = clock
        self._tls: dict[tuple[str, str], Json] = {}
        self._cli_ua: dict[tuple[str, str, str], str] = {}
        self._tf_ua: dict[str, str] = {}
        self._invoked: dict[tuple[str, str], Json] = {}

    # --- pieces ----------------------------------------------------------------------------------

    def tls(self, version: str, host: str) -> Json:
        """The shared ``tlsDetails`` object for a TLS version and host."""
        key = (version, host)
        details = self._tls.get(key)
        if details is None:
            suite = "TLS_AES_128_GCM_SHA256" if version == "1.3" else "ECDHE-RSA-AES128-GCM-SHA256"
            details = {"tlsVersion": f"TLSv{version}", "cipherSuite": suite, "clientProvidedHostHeader": host}
            self._tls[key] = details
        return details

    def user_agent(self, actor: Actor, call: Call) -> str:
        """The actor's user agent; the AWS CLI's names the command it runs."""
        if not actor.cli:
            return actor.user_agent
        key = (actor.user_agent, call.service.key, call.name)
        agent = self._cli_ua.get(key)
        if agent is None:
            operation = _CAMEL.sub("-", _VERSIONED.sub("", call.name)).lower()
            agent = f"{actor.user_agent} md/command#{call.service.cli}.{operation}"
            self._cli_ua[key] = agent
        return agent

    def terraform_agent(self, base: str, service: Service) -> str:
        """Terraform's AWS provider user agent, which ends with the SDK module it called."""
        agent = self._tf_ua.get(service.key)
        if agent is None:
            agent = f"{base} api/{service.sdk}"
            self._tf_ua[service.key] = agent
        return agent

    def invoked_identity(self, actor: Actor, service: str) -> Json:
        """The actor's ``userIdentity`` on a call a service made for it (``invokedBy`` added)."""
        key = (actor.name + "|" + str(actor.identity.get("accessKeyId")), service)
        identity = self._invoked.get(key)
        if identity is None:
            identity = {**actor.identity, "invokedBy": service}
            self._invoked[key] = identity
        return identity

    def denied(self, actor: Actor, call: Call, region: str, resource: str | None = None) -> Error:
        """The authorization failure AWS records for ``actor`` calling ``call``."""
        service = call.service
        action = f"{service.key}:{_VERSIONED.sub('', call.name)}"
        target = resource or _default_resource(service.key, region, self.account)
        if service.denied == "Client.UnauthorizedOperation":
            blob = self.tokens.text(96, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            return (
                "Client.UnauthorizedOperation",
                f"You are not authorized to perform this operation. User: {actor.arn} is not authorized to perform: "
                f"{action} on resource: {target} because no identity-based policy allows the {action} action. "
                f"Encoded authorization failure message: {blob}",
            )
        return (
            service.denied,
            f"User: {actor.arn} is not authorized to perform: {action} on resource: {target} "
            f"because no identity-based policy allows the {action} action",
        )

    # --- the record ------------------------------------------------------------------------------

    def record(
        self,
        second: int,
        actor: Actor,
        call: Call,
        region: str,
        *,
        error: Error | None = None,
        identity: Json | None = None,
        source_ip: str | None = None,
        user_agent: str | None = None,
        shared_event_id: str | None = None,
    ) -> Json:
        """One CloudTrail record of ``actor`` making ``call`` at ``second`` in ``region``.

        Args:
            second: epoch second of ``eventTime``.
            actor: the caller.
            call: the call.
            region: the region the caller sent it to (global services record their own region).
            error: ``(errorCode, errorMessage)`` of a failed call; its ``responseElements`` is null. An empty
                code writes only the message and keeps the response (``ConsoleLogin`` failures).
            identity: overrides the actor's ``userIdentity`` (calls services make for the actor).
            source_ip: overrides the actor's source address.
            user_agent: overrides the actor's user agent.
            shared_event_id: ``sharedEventID`` of a cross-account event.

        Returns:
            The record (its nested objects may be shared with other records).
        """
        service = call.service
        if call.region is not None:
            region = call.region
        elif service.global_region is not None:
            region = service.global_region
        tokens = self.tokens
        record: Json = {
            "eventVersion": service.version,
            "userIdentity": identity if identity is not None else actor.identity,
            "eventTime": self.clock.iso(second),
            "eventSource": service.source,
            "eventName": call.name,
            "awsRegion": region,
            "sourceIPAddress": source_ip if source_ip is not None else actor.source_ip,
            "userAgent": user_agent if user_agent is not None else self.user_agent(actor, call),
        }
        if error is not None:
            if error[0]:  # a failed console sign-in has a message and no code
                record["errorCode"] = error[0]
            record["errorMessage"] = error[1]
        record["requestParameters"] = call.request
        record["responseElements"] = None if error is not None and error[0] else call.response
        if call.additional is not None:
            record["additionalEventData"] = call.additional
        if service.request_id == "uuid":
            record["requestID"], record["eventID"] = tokens.uuid_pair()
        else:
            if service.request_id == "s3":
                record["requestID"] = tokens.s3_request_id()
            record["eventID"] = tokens.uuid()
        record["readOnly"] = call.read_only
        if call.resources is not None:
            record["resources"] = call.resources
        record["eventType"] = call.event_type
        record["managementEvent"] = not call.data
        record["recipientAccountId"] = self.account
        if shared_event_id is not None:
            record["sharedEventID"] = shared_event_id
        if actor.vpc_endpoint is not None and source_ip is None:
            record["vpcEndpointId"] = actor.vpc_endpoint
            record["vpcEndpointAccountId"] = self.account
        record["eventCategory"] = "Data" if call.data else "Management"
        if actor.tls is not None and source_ip is None:
            host = call.host or service.host.replace("{r}", region)
            record["tlsDetails"] = self.tls(actor.tls, host)
        if actor.console:
            record["sessionCredentialFromConsole"] = "true"
        return record


def _default_resource(service: str, region: str, account: str) -> str:
    if service == "ec2":
        return f"arn:aws:ec2:{region}:{account}:instance/*"
    if service in {"iam", "organizations", "route53", "ce", "health", "account"}:
        return "*"
    return f"arn:aws:{service}:{region}:{account}:*"
