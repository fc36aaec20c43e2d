"""Application-facing services of the lab account: ECR, load balancers, SNS, SQS and API Gateway.

Each check of the area gets a weak and a well-configured resource (all in us-east-1 unless noted):

- ECR: ``acme-web-app`` (scan on push, immutable tags, pull granted to one vendor account) and
  ``acme-legacy-images`` (no scanning, mutable tags, public pull). The registry keeps its default
  BASIC scanning configuration without rules, so the repositories' own scanOnPush decides.
- Load balancers in the default VPC: ``acme-web-alb`` (HTTPS:443 with ELBSecurityPolicy-TLS13-1-2-2021-06,
  HTTP:80 redirecting to HTTPS), ``acme-legacy-alb`` (HTTP:80 forwarding, HTTPS:443 with
  ELBSecurityPolicy-2016-08) and ``acme-tls-nlb`` (a network load balancer, TLS:443 with a TLS 1.2 policy
  and TCP:5432). The HTTPS and TLS listeners use one ACM certificate requested for ``www.acme.example``.
- SNS: ``acme-alerts`` (KMS, the default topic policy) and ``acme-public-events`` (no KMS, publish and
  subscribe open to everyone).
- SQS: ``acme-orders`` (KMS, writable only by ``acme-alerts``), ``acme-public-intake`` (SSE off, anyone
  may send) and ``acme-eu-jobs`` in eu-west-1 (SSE-SQS, no policy).
- API Gateway REST APIs: ``acme-orders-api`` (GET /orders open to anyone, stage ``prod`` without logging
  or WAF, one stage variable the collector must redact) and ``acme-reports-api`` (AWS_IAM methods, stage
  ``prod`` with execution logging at INFO and the WAFv2 web ACL ``acme-api-protection``).
"""

from __future__ import annotations

import json
from typing import Any

from cloudward.lab.fakes import fake_password
from cloudward.lab.seed import EU, HOME, VENDOR_ACCOUNT
from cloudward.lab.server import LAB_ACCOUNT_ID

MODERN_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
LEGACY_TLS_POLICY = "ELBSecurityPolicy-2016-08"
STAGE_SECRET = fake_password("orders-backend-token", 21)
_REDIRECT_TO_HTTPS = {
    "Type": "redirect",
    "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
}


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _ecr(lab: Any) -> None:
    ecr = lab.c("ecr", HOME)
    ecr.create_repository(
        repositoryName="acme-web-app",
        imageTagMutability="IMMUTABLE",
        imageScanningConfiguration={"scanOnPush": True},
        tags=[{"Key": "app", "Value": "web"}],
    )
    ecr.set_repository_policy(
        repositoryName="acme-web-app",
        policyText=_policy(
            {
                "Sid": "VendorPull",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{VENDOR_ACCOUNT}:root"},
                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            }
        ),
    )
    ecr.create_repository(
        repositoryName="acme-legacy-images",
        imageTagMutability="MUTABLE",
        imageScanningConfiguration={"scanOnPush": False},
    )
    ecr.set_repository_policy(
        repositoryName="acme-legacy-images",
        policyText=_policy(
            {
                "Sid": "PublicPull",
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            }
        ),
    )
    lab.count("AWS::ECR::Repository", 2)


def _load_balancers(lab: Any) -> None:
    vpc_id = lab.default_vpc(HOME)
    ec2 = lab.c("ec2", HOME)
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    by_zone = {subnet["AvailabilityZone"]: subnet["SubnetId"] for subnet in subnets}
    subnet_ids = [by_zone[zone] for zone in sorted(by_zone)[:2]]
    certificate = lab.c("acm", HOME).request_certificate(DomainName="www.acme.example", ValidationMethod="DNS")
    certificates = [{"CertificateArn": certificate["CertificateArn"]}]
    lab.count("AWS::CertificateManager::Certificate")
    elb = lab.c("elbv2", HOME)
    web_group = elb.create_target_group(Name="acme-web-tg", Protocol="HTTP", Port=80, VpcId=vpc_id)
    forward_web = {"Type": "forward", "TargetGroupArn": web_group["TargetGroups"][0]["TargetGroupArn"]}
    db_group = elb.create_target_group(Name="acme-db-tg", Protocol="TCP", Port=5432, VpcId=vpc_id)
    forward_db = {"Type": "forward", "TargetGroupArn": db_group["TargetGroups"][0]["TargetGroupArn"]}

    def balancer(name: str, kind: str) -> str:
        created = elb.create_load_balancer(Name=name, Subnets=subnet_ids, Scheme="internet-facing", Type=kind)
        lab.count("AWS::ElasticLoadBalancingV2::LoadBalancer")
        return str(created["LoadBalancers"][0]["LoadBalancerArn"])

    web = balancer("acme-web-alb", "application")
    elb.create_listener(
        LoadBalancerArn=web,
        Protocol="HTTPS",
        Port=443,
        SslPolicy=MODERN_TLS_POLICY,
        Certificates=certificates,
        DefaultActions=[forward_web],
    )
    elb.create_listener(LoadBalancerArn=web, Protocol="HTTP", Port=80, DefaultActions=[_REDIRECT_TO_HTTPS])

    legacy = balancer("acme-legacy-alb", "application")
    elb.create_listener(LoadBalancerArn=legacy, Protocol="HTTP", Port=80, DefaultActions=[forward_web])
    elb.create_listener(
        LoadBalancerArn=legacy,
        Protocol="HTTPS",
        Port=443,
        SslPolicy=LEGACY_TLS_POLICY,
        Certificates=certificates,
        DefaultActions=[forward_web],
    )

    network = balancer("acme-tls-nlb", "network")
    elb.create_listener(
        LoadBalancerArn=network,
        Protocol="TLS",
        Port=443,
        SslPolicy="ELBSecurityPolicy-TLS-1-2-2017-01",
        Certificates=certificates,
        DefaultActions=[forward_db],
    )
    elb.create_listener(LoadBalancerArn=network, Protocol="TCP", Port=5432, DefaultActions=[forward_db])


def _topics(lab: Any) -> str:
    sns = lab.c("sns", HOME)
    alerts = str(sns.create_topic(Name="acme-alerts", Attributes={"KmsMasterKeyId": lab.kms["acme-data"]})["TopicArn"])
    events = str(sns.create_topic(Name="acme-public-events")["TopicArn"])
    sns.set_topic_attributes(
        TopicArn=events,
        AttributeName="Policy",
        AttributeValue=_policy(
            {
                "Sid": "AnyonePublishSubscribe",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["sns:Publish", "sns:Subscribe"],
                "Resource": events,
            }
        ),
    )
    lab.count("AWS::SNS::Topic", 2)
    return alerts


def _queues(lab: Any, alerts_topic: str) -> None:
    sqs = lab.c("sqs", HOME)
    orders_url = sqs.create_queue(QueueName="acme-orders", Attributes={"KmsMasterKeyId": lab.kms["acme-data"]})[
        "QueueUrl"
    ]
    orders_arn = f"arn:aws:sqs:{HOME}:{LAB_ACCOUNT_ID}:acme-orders"
    sqs.set_queue_attributes(
        QueueUrl=orders_url,
        Attributes={
            "Policy": _policy(
                {
                    "Sid": "AlertsTopicDelivers",
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": orders_arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": alerts_topic}},
                }
            )
        },
    )
    intake_url = sqs.create_queue(QueueName="acme-public-intake", Attributes={"SqsManagedSseEnabled": "false"})[
        "QueueUrl"
    ]
    sqs.set_queue_attributes(
        QueueUrl=intake_url,
        Attributes={
            "Policy": _policy(
                {
                    "Sid": "AnyoneSends",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "sqs:SendMessage",
                    "Resource": f"arn:aws:sqs:{HOME}:{LAB_ACCOUNT_ID}:acme-public-intake",
                }
            )
        },
    )
    lab.c("sqs", EU).create_queue(QueueName="acme-eu-jobs", Attributes={"SqsManagedSseEnabled": "true"})
    lab.count("AWS::SQS::Queue", 3)


def _rest_api(lab: Any, name: str, path: str, methods: dict[str, str], variables: dict[str, str]) -> str:
    """A REST API with one resource, MOCK integrations, deployed to stage ``prod``; returns its id."""
    apigateway = lab.c("apigateway", HOME)
    api = apigateway.create_rest_api(name=name, tags={"app": "acme"}, endpointConfiguration={"types": ["REGIONAL"]})
    api_id = str(api["id"])
    resource_id = apigateway.create_resource(restApiId=api_id, parentId=api["rootResourceId"], pathPart=path)["id"]
    for verb, authorization in methods.items():
        apigateway.put_method(
            restApiId=api_id, resourceId=resource_id, httpMethod=verb, authorizationType=authorization
        )
        apigateway.put_integration(
            restApiId=api_id,
            resourceId=resource_id,
            httpMethod=verb,
            type="MOCK",
            requestTemplates={"application/json": '{"statusCode": 200}'},
        )
    apigateway.create_deployment(restApiId=api_id, stageName="prod", variables=variables)
    lab.count("AWS::ApiGateway::RestApi")
    return api_id


def _apis(lab: Any) -> None:
    _rest_api(
        lab,
        "acme-orders-api",
        "orders",
        {"GET": "NONE", "POST": "AWS_IAM", "OPTIONS": "NONE"},
        {"backendToken": STAGE_SECRET},
    )
    reports = _rest_api(lab, "acme-reports-api", "reports", {"GET": "AWS_IAM", "OPTIONS": "NONE"}, {})
    lab.c("apigateway", HOME).update_stage(
        restApiId=reports,
        stageName="prod",
        patchOperations=[{"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"}],
    )
    wafv2 = lab.c("wafv2", HOME)
    web_acl = wafv2.create_web_acl(
        Name="acme-api-protection",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig={
            "SampledRequestsEnabled": True,
            "CloudWatchMetricsEnabled": True,
            "MetricName": "acme-api-protection",
        },
    )
    lab.count("AWS::WAFv2::WebACL")
    wafv2.associate_web_acl(
        WebACLArn=web_acl["Summary"]["ARN"],
        ResourceArn=f"arn:aws:apigateway:{HOME}::/restapis/{reports}/stages/prod",
    )


def seed(lab: Any) -> None:
    """Create the area's resources in the lab account (see the module docstring)."""
    _ecr(lab)
    _load_balancers(lab)
    alerts = _topics(lab)
    _queues(lab, alerts)
    _apis(lab)
