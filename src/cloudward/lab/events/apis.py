"""Per-API record shapes: ``requestParameters``, ``responseElements``, ``additionalEventData`` and ``resources``.

The shapes follow what CloudTrail delivers for each API (key names and nesting as in AWS's own
records: EC2's ``instancesSet.items``, S3's ``bucketName``/``Host`` plus the sub-resource key, Lambda's
versioned event names, IAM's policy documents as JSON text, dates in responses in the Java style the
services use). Reads mostly record ``responseElements: null``, as AWS does.

Static request objects are built once and shared between records.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from cloudward.lab.events.records import SERVICES, Call, Json
from cloudward.lab.events.tokens import Tokens, stable
from cloudward.lab.events.world import HOME, Bucket, World

S = SERVICES
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EC2_XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/"
S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"


def java_date(second: int, *, comma: bool = False) -> str:
    """Dates as IAM (``Oct 5, 2026 2:03:44 PM``) and STS/SSM (``Oct 5, 2026, 2:03:44 PM``) write them."""
    moment = datetime.fromtimestamp(second, UTC)
    hour = moment.hour % 12 or 12
    half = "AM" if moment.hour < 12 else "PM"
    sep = ", " if comma else " "
    clock = f"{hour}:{moment.minute:02d}:{moment.second:02d} {half}"
    return f"{_MONTHS[moment.month - 1]} {moment.day}, {moment.year}{sep}{clock}"


def policy_text(statements: list[dict[str, Any]]) -> str:
    """A policy document as IAM records it in ``requestParameters`` (indented JSON text)."""
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=4)


def public_read(bucket: Bucket) -> list[dict[str, Any]]:
    """A bucket policy's statements letting anyone read its objects."""
    return [
        {
            "Sid": "PublicRead",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"{bucket.arn}/*",
        }
    ]


def trust_text(principal: dict[str, Any], condition: dict[str, Any] | None = None) -> str:
    """A role trust policy document."""
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return policy_text([statement])


_CREATING_POSTGRES = {"status": "creating", "engine": "postgres", "encrypted": True}


class Apis:
    """Builds :class:`~.records.Call` objects for the APIs the generator uses."""

    def __init__(self, world: World, tokens: Tokens) -> None:
        self.world = world
        self.account = world.account
        self.tokens = tokens
        self._static: dict[tuple[str, str], Call] = {}
        self._bucket_calls: dict[tuple[str, str], Call] = {}
        self._kms: dict[tuple[Any, ...], Call] = {}
        self._bucket_resources = {
            b.name: [{"accountId": self.account, "type": "AWS::S3::Bucket", "ARN": b.arn}]
            for b in world.buckets.values()
        }

    # --- generic ---------------------------------------------------------------------------------

    def read(self, service: str, name: str, request: Json | None = None) -> Call:
        """A read-only call whose request does not vary (shared :class:`Call` per name)."""
        if request is None:
            key = (service, name)
            call = self._static.get(key)
            if call is None:
                call = Call(S[service], name, True, _STATIC_READS.get(key))
                self._static[key] = call
            return call
        return Call(S[service], name, True, request)

    def write(self, service: str, name: str, request: Json | None, response: Json | None = None, **kw: Any) -> Call:
        """A call that changes something."""
        return Call(S[service], name, False, request, response, **kw)

    def ec2_response(self, **fields: Any) -> Json:
        """EC2's usual write response: the request id and ``_return``."""
        return {"requestId": self.tokens.uuid(), "_return": True, **fields}

    def _ec2_write(self, name: str, request: Json) -> Call:
        """An EC2 write answered with :meth:`ec2_response`."""
        return Call(S["ec2"], name, False, request, self.ec2_response())

    # --- STS -------------------------------------------------------------------------------------

    def credentials(self, second: int, duration: int = 3600, key: str | None = None) -> Json:
        """The ``credentials`` block STS returns (session token abridged, as CloudTrail shows it)."""
        return {
            "accessKeyId": key or self.tokens.session_key(),
            "sessionToken": "IQoJb3JpZ2luX2VjE"
            + self.tokens.text(120, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
            "expiration": java_date(second + duration, comma=True),
        }

    def assume_role(
        self,
        second: int,
        role_arn: str,
        session: str,
        *,
        key: str | None = None,
        duration: int = 3600,
        external_id: str | None = None,
        serial: str | None = None,
        source_identity: str | None = None,
    ) -> Call:
        """``sts:AssumeRole``."""
        request: Json = {"roleArn": role_arn, "roleSessionName": session, "durationSeconds": duration}
        if external_id is not None:
            request["externalId"] = external_id
        if serial is not None:
            request["serialNumber"] = serial
        if source_identity is not None:
            request["sourceIdentity"] = source_identity
        role_name = role_arn.rsplit("/", 1)[1]
        role_account = role_arn.split(":")[4]
        role_id = "AROA" + stable("AROA", "role", role_name, length=17, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        response: Json = {
            "credentials": self.credentials(second, duration, key),
            "assumedRoleUser": {
                "assumedRoleId": f"{role_id}:{session}",
                "arn": f"arn:aws:sts::{role_account}:assumed-role/{role_name}/{session}",
            },
        }
        if source_identity is not None:
            response["sourceIdentity"] = source_identity
        resources = [{"accountId": role_account, "type": "AWS::IAM::Role", "ARN": role_arn}]
        return Call(S["sts"], "AssumeRole", True, request, response, resources=resources)

    def assume_role_with_web_identity(self, second: int, role_arn: str, subject: str, key: str) -> Call:
        """``sts:AssumeRoleWithWebIdentity`` from GitHub Actions' OIDC provider."""
        role_name = role_arn.rsplit("/", 1)[1]
        role_id = "AROA" + stable("AROA", "role", role_name, length=17, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        request = {"roleArn": role_arn, "roleSessionName": "GitHubActions", "durationSeconds": 3600}
        response = {
            "credentials": self.credentials(second, 3600, key),
            "subjectFromWebIdentityToken": subject,
            "assumedRoleUser": {
                "assumedRoleId": f"{role_id}:GitHubActions",
                "arn": f"arn:aws:sts::{self.account}:assumed-role/{role_name}/GitHubActions",
            },
            "provider": f"arn:aws:iam::{self.account}:oidc-provider/token.actions.githubusercontent.com",
            "audience": "sts.amazonaws.com",
        }
        return Call(
            S["sts"],
            "AssumeRoleWithWebIdentity",
            True,
            request,
            response,
            additional={"identityProviderConnectionVerificationMethod": "IAMTrustStore"},
            resources=[{"accountId": self.account, "type": "AWS::IAM::Role", "ARN": role_arn}],
        )

    def assume_role_with_saml(self, second: int, role_arn: str, provider_arn: str, user: str, key: str) -> Call:
        """``sts:AssumeRoleWithSAML`` as IAM Identity Center does it for a sign-in."""
        role_name = role_arn.rsplit("/", 1)[1]
        role_id = "AROA" + stable("AROA", "role", role_name, length=17, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        request = {
            "sAMLAssertionID": "_" + self.tokens.uuid(),
            "roleSessionName": user,
            "durationSeconds": 43200,
            "roleArn": role_arn,
            "principalArn": provider_arn,
        }
        response = {
            "credentials": self.credentials(second, 43200, key),
            "assumedRoleUser": {
                "assumedRoleId": f"{role_id}:{user}",
                "arn": f"arn:aws:sts::{self.account}:assumed-role/{role_name}/{user}",
            },
            "subject": user,
            "subjectType": "persistent",
            "issuer": f"https://portal.sso.us-east-1.amazonaws.com/saml/assertion/{stable('sso-issuer', length=32)}",
            "audience": "https://signin.aws.amazon.com/saml",
            "nameQualifier": stable(
                "name-qualifier", user, length=28, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"
            )
            + "=",
        }
        return Call(
            S["sts"],
            "AssumeRoleWithSAML",
            True,
            request,
            response,
            resources=[
                {"accountId": self.account, "type": "AWS::IAM::Role", "ARN": role_arn},
                {"accountId": self.account, "type": "AWS::IAM::SAMLProvider", "ARN": provider_arn},
            ],
        )

    def get_federation_token(self, second: int, name: str, key: str) -> Call:
        """``sts:GetFederationToken`` with an allow-everything session policy."""
        policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
        return Call(
            S["sts"],
            "GetFederationToken",
            False,
            {"name": name, "policy": policy, "durationSeconds": 129600},
            {
                "credentials": self.credentials(second, 129600, key),
                "federatedUser": {
                    "arn": f"arn:aws:sts::{self.account}:federated-user/{name}",
                    "federatedUserId": f"{self.account}:{name}",
                },
                "packedPolicySize": 6,
            },
        )

    # --- sign-in ---------------------------------------------------------------------------------

    def console_login(
        self, *, success: bool, mfa: bool | None, region: str, login_to: str | None = None, federated: bool = False
    ) -> Call:
        """``signin:ConsoleLogin`` (``eventType`` ``AwsConsoleSignIn``)."""
        additional: Json
        if federated:
            additional = {"MobileVersion": "No", "MFAUsed": "No"}
        else:
            additional = {
                "LoginTo": login_to or "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true",
                "MobileVersion": "No",
                "MFAUsed": "Yes" if mfa else "No",
            }
        return Call(
            S["signin"],
            "ConsoleLogin",
            False,
            None,
            {"ConsoleLogin": "Success" if success else "Failure"},
            additional=additional,
            event_type="AwsConsoleSignIn",
            region=region,
        )

    def check_mfa(self, region: str) -> Call:
        """``signin:CheckMfa`` before an IAM user's MFA prompt."""
        return Call(
            S["signin"],
            "CheckMfa",
            False,
            None,
            {"CheckMfa": "Success"},
            additional={"MfaType": "Virtual MFA"},
            event_type="AwsConsoleSignIn",
            region=region,
        )

    # --- S3 --------------------------------------------------------------------------------------

    def _s3_additional(self, bytes_in: int, bytes_out: int) -> Json:
        return {
            "SignatureVersion": "SigV4",
            "CipherSuite": "TLS_AES_128_GCM_SHA256",
            "bytesTransferredIn": bytes_in,
            "AuthenticationMethod": "AuthHeader",
            "x-amz-id-2": self.tokens.amz_id_2(),
            "bytesTransferredOut": bytes_out,
        }

    def s3_bucket_read(self, bucket: Bucket, name: str, subresource: str) -> Call:
        """A bucket-level read (``GetBucketPolicy``...): ``bucketName``, ``Host`` and the sub-resource key."""
        key = (bucket.name, name)
        call = self._bucket_calls.get(key)
        if call is None:
            call = Call(
                S["s3"],
                name,
                True,
                {"bucketName": bucket.name, "Host": bucket.host, subresource: ""},
                None,
                additional=None,
                resources=self._bucket_resources[bucket.name],
                host=bucket.host,
                region=bucket.region,
            )
            self._bucket_calls[key] = call
        return Call(
            call.service,
            name,
            True,
            call.request,
            None,
            self._s3_additional(0, 0 if name.startswith("Head") else 512),
            call.resources,
            False,
            "AwsApiCall",
            call.host,
            call.region,
        )

    def list_buckets(self, region: str = HOME) -> Call:
        """``s3:ListBuckets``."""
        host = "s3.amazonaws.com" if region == HOME else f"s3.{region}.amazonaws.com"
        return Call(
            S["s3"], "ListBuckets", True, {"Host": host}, None, additional=self._s3_additional(0, 1870), host=host
        )

    def _s3_data(
        self,
        bucket: Bucket,
        name: str,
        read_only: bool,
        request: Json,
        response: Json | None,
        transferred: tuple[int, int],
        target: Json,
    ) -> Call:
        """An S3 data event on ``target`` (an object, or objects by ``ARNPrefix``) in ``bucket``."""
        return Call(
            S["s3"],
            name,
            read_only,
            request,
            response,
            additional=self._s3_additional(*transferred),
            resources=[target, self._bucket_resources[bucket.name][0]],
            data=True,
            host=bucket.host,
            region=bucket.region,
        )

    def _s3_bucket_write(self, bucket: Bucket, name: str, request: Json, bytes_in: int) -> Call:
        """A bucket-level management write (``PutBucketPolicy``...)."""
        return Call(
            S["s3"],
            name,
            False,
            request,
            None,
            additional=self._s3_additional(bytes_in, 0),
            resources=self._bucket_resources[bucket.name],
            host=bucket.host,
            region=bucket.region,
        )

    def s3_object(self, name: str, bucket: Bucket, key: str, *, size: int = 0, extra: Json | None = None) -> Call:
        """An object-level data event (``GetObject``, ``PutObject``, ``DeleteObject``, ``HeadObject``...)."""
        request: Json = {"bucketName": bucket.name, "Host": bucket.host, "key": key}
        if extra:
            request.update(extra)
        read_only = name in {"GetObject", "HeadObject", "GetObjectAcl", "GetObjectTagging"}
        response: Json | None = None
        if name == "PutObject":
            response = {"x-amz-server-side-encryption": "aws:kms" if bucket.kms else "AES256"}
            if bucket.kms:
                response["x-amz-server-side-encryption-aws-kms-key-id"] = self.world.kms_arn("acme-data")
                response["x-amz-server-side-encryption-bucket-key-enabled"] = "true"
        transferred = (size if name == "PutObject" else 0, size if read_only else 0)
        target = {"type": "AWS::S3::Object", "ARN": f"{bucket.arn}/{key}"}
        return self._s3_data(bucket, name, read_only, request, response, transferred, target)

    def s3_list_objects(self, bucket: Bucket, prefix: str = "") -> Call:
        """``ListObjects`` (the v2 API records this name with ``list-type: 2``), a data event."""
        request = {"bucketName": bucket.name, "Host": bucket.host, "list-type": "2", "prefix": prefix}
        request["encoding-type"] = "url"
        target = {"type": "AWS::S3::Object", "ARNPrefix": f"{bucket.arn}/{prefix}"}
        return self._s3_data(bucket, "ListObjects", True, request, None, (0, 4096), target)

    def s3_list_object_versions(self, bucket: Bucket) -> Call:
        """``ListObjectVersions``, a data event."""
        request = {"bucketName": bucket.name, "Host": bucket.host, "versions": "", "encoding-type": "url"}
        target = {"type": "AWS::S3::Object", "ARNPrefix": f"{bucket.arn}/"}
        return self._s3_data(bucket, "ListObjectVersions", True, request, None, (0, 8192), target)

    def s3_delete_objects(self, bucket: Bucket) -> Call:
        """``DeleteObjects`` (a batch; CloudTrail does not list the keys)."""
        request = {"bucketName": bucket.name, "Host": bucket.host, "delete": "", "x-id": "DeleteObjects"}
        target = {"type": "AWS::S3::Object", "ARNPrefix": f"{bucket.arn}/"}
        return self._s3_data(bucket, "DeleteObjects", False, request, None, (2048, 1024), target)

    def s3_copy_sse_c(self, bucket: Bucket, key: str) -> Call:
        """``CopyObject`` of an object onto itself, encrypted with a customer-provided key (SSE-C)."""
        sse_c = {"x-amz-server-side-encryption-customer-algorithm": "AES256"}
        request = {"bucketName": bucket.name, "Host": bucket.host, **sse_c, "x-amz-copy-source": f"{bucket.name}/{key}"}
        request |= {"key": key, "x-id": "CopyObject"}
        target = {"type": "AWS::S3::Object", "ARN": f"{bucket.arn}/{key}"}
        return self._s3_data(bucket, "CopyObject", False, request, dict(sse_c), (0, 234), target)

    def put_bucket_policy(self, bucket: Bucket, statements: list[dict[str, Any]]) -> Call:
        """``PutBucketPolicy`` (CloudTrail shows the policy parsed, under ``bucketPolicy``)."""
        policy = {"Version": "2012-10-17", "Statement": statements}
        request = {"bucketPolicy": policy, "bucketName": bucket.name, "Host": bucket.host, "policy": ""}
        return self._s3_bucket_write(bucket, "PutBucketPolicy", request, len(json.dumps(statements)))

    def put_bucket_lifecycle(self, bucket: Bucket, rule_id: str, days: int, transition_days: int | None) -> Call:
        """``PutBucketLifecycle`` with one rule expiring objects after ``days``."""
        rule: Json = {"ID": rule_id, "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": days}}
        if transition_days is not None:
            rule["Transition"] = {"Days": transition_days, "StorageClass": "GLACIER"}
        configuration = {"xmlns": S3_XMLNS, "Rule": rule}
        request = {
            "bucketName": bucket.name,
            "Host": bucket.host,
            "lifecycle": "",
            "LifecycleConfiguration": configuration,
        }
        return self._s3_bucket_write(bucket, "PutBucketLifecycle", request, 412)

    def put_public_access_block(self, bucket: Bucket, *, blocked: bool) -> Call:
        """``PutBucketPublicAccessBlock`` with all four settings on or off."""
        settings = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
        configuration: Json = {"xmlns": S3_XMLNS, **dict.fromkeys(settings, blocked)}
        request = {"PublicAccessBlockConfiguration": configuration, "bucketName": bucket.name, "Host": bucket.host}
        request["publicAccessBlock"] = ""
        return self._s3_bucket_write(bucket, "PutBucketPublicAccessBlock", request, 312)

    def delete_public_access_block(self, bucket: Bucket) -> Call:
        """``DeleteBucketPublicAccessBlock``."""
        request = {"bucketName": bucket.name, "Host": bucket.host, "publicAccessBlock": ""}
        return self._s3_bucket_write(bucket, "DeleteBucketPublicAccessBlock", request, 0)

    def put_bucket_versioning(self, bucket: Bucket, status: str) -> Call:
        """``PutBucketVersioning``."""
        configuration = {"Status": status, "xmlns": S3_XMLNS}
        request = {
            "bucketName": bucket.name,
            "Host": bucket.host,
            "versioning": "",
            "VersioningConfiguration": configuration,
        }
        return self._s3_bucket_write(bucket, "PutBucketVersioning", request, 118)

    def put_bucket_tagging(self, bucket: Bucket, tags: dict[str, str]) -> Call:
        """``PutBucketTagging``."""
        tagging = {"xmlns": S3_XMLNS, "TagSet": {"Tag": [{"Key": k, "Value": v} for k, v in tags.items()]}}
        request = {"bucketName": bucket.name, "Host": bucket.host, "tagging": "", "Tagging": tagging}
        return self._s3_bucket_write(bucket, "PutBucketTagging", request, 260)

    # --- EC2 -------------------------------------------------------------------------------------

    def describe_instance_attribute(self, instance_id: str, attribute: str) -> Call:
        """``DescribeInstanceAttribute`` (``userData`` is what attackers read; Terraform reads it too)."""
        return Call(S["ec2"], "DescribeInstanceAttribute", True, {"instanceId": instance_id, "attribute": attribute})

    def security_group_rules(self, group_id: str) -> Call:
        """``DescribeSecurityGroupRules`` of one group, as the Go SDK sends it."""
        return Call(
            S["ec2"],
            "DescribeSecurityGroupRules",
            True,
            {
                "DescribeSecurityGroupRulesRequest": {
                    "Filter": {"Value": {"content": group_id, "tag": 1}, "Name": "group-id", "tag": 1},
                    "MaxResults": 1000,
                }
            },
        )

    def authorize_ingress(
        self, group_id: str, protocol: str, port: int | None, cidr: str, *, description: str | None = None
    ) -> Call:
        """``AuthorizeSecurityGroupIngress`` with ``ipPermissions.items`` (CLI, console, Terraform)."""
        rng: Json = {"cidrIp": cidr}
        if description:
            rng["description"] = description
        v6 = ":" in cidr
        permission: Json = {"ipProtocol": protocol}
        if port is not None:
            permission["fromPort"] = port
            permission["toPort"] = port
        permission["groups"] = {}
        if v6:
            permission["ipRanges"] = {}
            permission["ipv6Ranges"] = {"items": [{"cidrIpv6": cidr}]}
        else:
            permission["ipRanges"] = {"items": [rng]}
            permission["ipv6Ranges"] = {}
        permission["prefixListIds"] = {}
        rule: Json = {
            "groupOwnerId": self.account,
            "groupId": group_id,
            "securityGroupRuleId": "sgr-" + self.tokens.hex(17),
            "isEgress": False,
            "ipProtocol": protocol,
            "fromPort": port if port is not None else -1,
            "toPort": port if port is not None else -1,
            ("cidrIpv6" if v6 else "cidrIpv4"): cidr,
        }
        return Call(
            S["ec2"],
            "AuthorizeSecurityGroupIngress",
            False,
            {"groupId": group_id, "ipPermissions": {"items": [permission]}},
            self.ec2_response(securityGroupRuleSet={"items": [rule]}),
        )

    def authorize_ingress_flat(self, group_id: str, port: int, cidr: str) -> Call:
        """``AuthorizeSecurityGroupIngress`` with the legacy flat parameters some SDK tools send."""
        return Call(
            S["ec2"],
            "AuthorizeSecurityGroupIngress",
            False,
            {
                "groupId": group_id,
                "ipPermissions": {},
                "ipProtocol": "tcp",
                "fromPort": port,
                "toPort": port,
                "cidrIp": cidr,
            },
            self.ec2_response(
                securityGroupRuleSet={
                    "items": [
                        {
                            "groupOwnerId": self.account,
                            "groupId": group_id,
                            "securityGroupRuleId": "sgr-" + self.tokens.hex(17),
                            "isEgress": False,
                            "ipProtocol": "tcp",
                            "fromPort": port,
                            "toPort": port,
                            "cidrIpv4": cidr,
                        }
                    ]
                }
            ),
        )

    def revoke_ingress(self, group_id: str, port: int, cidr: str) -> Call:
        """``RevokeSecurityGroupIngress``."""
        return self._ec2_write(
            "RevokeSecurityGroupIngress",
            {
                "groupId": group_id,
                "ipPermissions": {
                    "items": [
                        {
                            "ipProtocol": "tcp",
                            "fromPort": port,
                            "toPort": port,
                            "groups": {},
                            "ipRanges": {"items": [{"cidrIp": cidr}]},
                            "ipv6Ranges": {},
                            "prefixListIds": {},
                        }
                    ]
                },
            },
        )

    def run_instances(
        self,
        second: int,
        image_id: str,
        instance_type: str,
        count: int,
        subnet: str,
        region: str,
        *,
        name: str,
        profile: str | None = None,
        key_name: str | None = None,
        group_id: str | None = None,
    ) -> Call:
        """``RunInstances`` and its reservation."""
        request: Json = {
            "instancesSet": {"items": [{"imageId": image_id, "minCount": 1, "maxCount": count}]},
            "instanceType": instance_type,
            "blockDeviceMapping": {},
            "monitoring": {"enabled": False},
            "disableApiTermination": False,
            "disableApiStop": False,
            "clientToken": self.tokens.uuid(),
            "subnetId": subnet,
        }
        if key_name:
            request["keyName"] = key_name
        if group_id:
            request["groupSet"] = {"items": [{"groupId": group_id}]}
        if profile:
            request["iamInstanceProfile"] = {"name": profile}
        request["metadataOptions"] = {"httpTokens": "required", "httpEndpoint": "enabled"}
        request["tagSpecificationSet"] = {
            "items": [{"resourceType": "instance", "tags": [{"key": "Name", "value": name}]}]
        }
        items = []
        for index in range(count):
            items.append(
                {
                    "instanceId": "i-" + self.tokens.hex(17),
                    "imageId": image_id,
                    "instanceState": {"code": 0, "name": "pending"},
                    "privateDnsName": f"ip-10-20-1-{self.tokens.hex(2)}.ec2.internal",
                    "amiLaunchIndex": index,
                    "productCodes": {},
                    "instanceType": instance_type,
                    "launchTime": second * 1000,
                    "placement": {"availabilityZone": f"{region}a", "tenancy": "default"},
                    "monitoring": {"state": "disabled"},
                    "subnetId": subnet,
                    "stateReason": {"code": "pending", "message": "pending"},
                    "architecture": "x86_64",
                    "rootDeviceType": "ebs",
                    "rootDeviceName": "/dev/xvda",
                    "virtualizationType": "hvm",
                    "hypervisor": "xen",
                    "ebsOptimized": False,
                    "enaSupport": True,
                    "metadataOptions": {"state": "pending", "httpTokens": "required", "httpEndpoint": "enabled"},
                }
            )
        response = {
            "requestId": self.tokens.uuid(),
            "reservationId": "r-" + self.tokens.hex(17),
            "ownerId": self.account,
            "groupSet": {},
            "instancesSet": {"items": items},
        }
        return Call(S["ec2"], "RunInstances", False, request, response)

    def instances_state(
        self, name: str, instance_ids: list[str], before: tuple[int, str], after: tuple[int, str]
    ) -> Call:
        """``StopInstances``/``StartInstances``/``TerminateInstances``."""
        request: Json = {"instancesSet": {"items": [{"instanceId": i} for i in instance_ids]}}
        if name == "StopInstances":
            request["force"] = False
        response = {
            "requestId": self.tokens.uuid(),
            "instancesSet": {
                "items": [
                    {
                        "instanceId": i,
                        "currentState": {"code": after[0], "name": after[1]},
                        "previousState": {"code": before[0], "name": before[1]},
                    }
                    for i in instance_ids
                ]
            },
        }
        return Call(S["ec2"], name, False, request, response)

    def create_tags(self, resource_id: str, tags: dict[str, str]) -> Call:
        """``CreateTags``."""
        return self._ec2_write(
            "CreateTags",
            {
                "resourcesSet": {"items": [{"resourceId": resource_id}]},
                "tagSet": {"items": [{"key": k, "value": v} for k, v in tags.items()]},
            },
        )

    def modify_instance_attribute(self, instance_id: str, attribute: str, value: Any) -> Call:
        """``ModifyInstanceAttribute`` (user data is recorded as ``<sensitiveDataRemoved>``)."""
        request: Json = {"instanceId": instance_id}
        if attribute == "userData":
            request["userData"] = "<sensitiveDataRemoved>"
        else:
            request[attribute] = {"value": value}
        return self._ec2_write("ModifyInstanceAttribute", request)

    def modify_snapshot_attribute(
        self, snapshot_id: str, *, add_user: str | None = None, add_group: str | None = None
    ) -> Call:
        """``ModifySnapshotAttribute`` adding ``createVolumePermission`` for an account or ``all``."""
        item: Json = {"userId": add_user} if add_user else {"group": add_group}
        return self._ec2_write(
            "ModifySnapshotAttribute",
            {
                "snapshotId": snapshot_id,
                "createVolumePermission": {"add": {"items": [item]}},
                "attributeType": "CREATE_VOLUME_PERMISSION",
            },
        )

    def create_snapshot(self, second: int, volume_id: str, description: str) -> tuple[Call, str]:
        """``CreateSnapshot``, and the new snapshot's id."""
        snapshot = "snap-" + self.tokens.hex(17)
        return (
            Call(
                S["ec2"],
                "CreateSnapshot",
                False,
                {"volumeId": volume_id, "description": description},
                {
                    "requestId": self.tokens.uuid(),
                    "snapshotId": snapshot,
                    "volumeId": volume_id,
                    "status": "pending",
                    "startTime": second * 1000,
                    "progress": "",
                    "ownerId": self.account,
                    "description": description,
                    "volumeSize": 50,
                    "encrypted": True,
                    "kmsKeyId": self.world.kms_arn("acme-data"),
                },
            ),
            snapshot,
        )

    def delete_snapshot(self, snapshot_id: str) -> Call:
        """``DeleteSnapshot``."""
        return self._ec2_write("DeleteSnapshot", {"snapshotId": snapshot_id})

    def create_image(self, instance_id: str, name: str) -> tuple[Call, str]:
        """``CreateImage`` and the new AMI's id."""
        image = "ami-" + self.tokens.hex(17)
        return (
            Call(
                S["ec2"],
                "CreateImage",
                False,
                {"instanceId": instance_id, "name": name, "noReboot": True, "blockDeviceMapping": {}},
                {"requestId": self.tokens.uuid(), "imageId": image},
            ),
            image,
        )

    def modify_image_attribute(
        self, image_id: str, *, add_user: str | None = None, add_group: str | None = None
    ) -> Call:
        """``ModifyImageAttribute`` adding a ``launchPermission``."""
        item: Json = {"userId": add_user} if add_user else {"group": add_group}
        return self._ec2_write(
            "ModifyImageAttribute",
            {"imageId": image_id, "launchPermission": {"add": {"items": [item]}}, "attributeType": "launchPermission"},
        )

    def delete_flow_logs(self, flow_log_id: str) -> Call:
        """``DeleteFlowLogs`` (recorded in the query API's raw shape)."""
        request_id = self.tokens.uuid()
        return Call(
            S["ec2"],
            "DeleteFlowLogs",
            False,
            {"DeleteFlowLogsRequest": {"FlowLogId": {"content": flow_log_id, "tag": 1}}},
            {"DeleteFlowLogsResponse": {"xmlns": EC2_XMLNS, "requestId": request_id, "unsuccessful": ""}},
        )

    def import_key_pair(self, name: str) -> Call:
        """``ImportKeyPair``."""
        return Call(
            S["ec2"],
            "ImportKeyPair",
            False,
            {"keyName": name, "publicKeyMaterial": "<sensitiveDataRemoved>"},
            {
                "requestId": self.tokens.uuid(),
                "keyName": name,
                "keyFingerprint": ":".join(self.tokens.hex(2) for _ in range(16)),
                "keyPairId": "key-" + self.tokens.hex(17),
            },
        )

    def enable_serial_console(self) -> Call:
        """``EnableSerialConsoleAccess``."""
        request_id = self.tokens.uuid()
        return Call(
            S["ec2"],
            "EnableSerialConsoleAccess",
            False,
            {"EnableSerialConsoleAccessRequest": ""},
            {
                "EnableSerialConsoleAccessResponse": {
                    "xmlns": EC2_XMLNS,
                    "requestId": request_id,
                    "serialConsoleAccessEnabled": True,
                }
            },
        )

    def deregister_image(self, image_id: str) -> Call:
        """``DeregisterImage``."""
        return self._ec2_write("DeregisterImage", {"imageId": image_id, "deleteAssociatedSnapshots": False})

    def create_security_group(self, name: str, vpc_id: str) -> tuple[Call, str]:
        """``CreateSecurityGroup`` and the new group's id."""
        group = "sg-" + self.tokens.hex(17)
        return (
            Call(
                S["ec2"],
                "CreateSecurityGroup",
                False,
                {"groupName": name, "groupDescription": f"{name} managed by Terraform", "vpcId": vpc_id},
                self.ec2_response(groupId=group),
            ),
            group,
        )

    # --- IAM -------------------------------------------------------------------------------------

    def iam_read(self, name: str, **request: Any) -> Call:
        """An IAM read with its identifying parameters (``userName``, ``roleName``, ``policyArn``...)."""
        if not request:
            return self.read("iam", name)
        return Call(S["iam"], name, True, request)

    def create_user(self, second: int, user: str, tags: dict[str, str] | None = None) -> Call:
        """``iam:CreateUser``."""
        request: Json = {"userName": user}
        tag_list = [{"key": k, "value": v} for k, v in (tags or {}).items()]
        if tag_list:
            request["tags"] = tag_list
        user_record: Json = {
            "path": "/",
            "userName": user,
            "userId": "AIDA" + stable("AIDA", "user", user, length=17, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
            "arn": f"arn:aws:iam::{self.account}:user/{user}",
            "createDate": java_date(second),
        }
        if tag_list:
            user_record["tags"] = tag_list
        return Call(S["iam"], "CreateUser", False, request, {"user": user_record})

    def create_access_key(self, second: int, user: str | None, key: str) -> Call:
        """``iam:CreateAccessKey`` for ``user``, or for the caller itself (the secret is never recorded)."""
        created: Json = {"accessKeyId": key, "status": "Active"}
        if user is not None:
            created["userName"] = user
        created["createDate"] = java_date(second)
        request = None if user is None else {"userName": user}
        return Call(S["iam"], "CreateAccessKey", False, request, {"accessKey": created})

    def update_access_key(self, user: str, key: str, status: str) -> Call:
        """``iam:UpdateAccessKey``."""
        return Call(S["iam"], "UpdateAccessKey", False, {"userName": user, "accessKeyId": key, "status": status})

    def delete_access_key(self, user: str, key: str) -> Call:
        """``iam:DeleteAccessKey``."""
        return Call(S["iam"], "DeleteAccessKey", False, {"userName": user, "accessKeyId": key})

    def create_login_profile(self, second: int, user: str, *, reset: bool) -> Call:
        """``iam:CreateLoginProfile`` (the password is never recorded)."""
        return Call(
            S["iam"],
            "CreateLoginProfile",
            False,
            {"userName": user, "passwordResetRequired": reset},
            {"loginProfile": {"userName": user, "createDate": java_date(second), "passwordResetRequired": reset}},
        )

    def update_login_profile(self, user: str, *, reset: bool | None = None) -> Call:
        """``iam:UpdateLoginProfile``."""
        request: Json = {"userName": user}
        if reset is not None:
            request["passwordResetRequired"] = reset
        return Call(S["iam"], "UpdateLoginProfile", False, request)

    def attach_policy(self, kind: str, name: str, policy_arn: str) -> Call:
        """``iam:Attach{User,Role,Group}Policy``."""
        return Call(S["iam"], f"Attach{kind}Policy", False, {f"{kind.lower()}Name": name, "policyArn": policy_arn})

    def detach_policy(self, kind: str, name: str, policy_arn: str) -> Call:
        """``iam:Detach{User,Role,Group}Policy``."""
        return Call(S["iam"], f"Detach{kind}Policy", False, {f"{kind.lower()}Name": name, "policyArn": policy_arn})

    def put_inline_policy(self, kind: str, name: str, policy_name: str, statements: list[dict[str, Any]]) -> Call:
        """``iam:Put{User,Role,Group}Policy``."""
        return Call(
            S["iam"],
            f"Put{kind}Policy",
            False,
            {f"{kind.lower()}Name": name, "policyName": policy_name, "policyDocument": policy_text(statements)},
        )

    def create_role(self, second: int, role: str, trust: str, *, description: str | None = None) -> Call:
        """``iam:CreateRole`` (the response repeats the trust policy, URL-encoded)."""
        from urllib.parse import quote

        request: Json = {"roleName": role, "assumeRolePolicyDocument": trust}
        if description:
            request["description"] = description
        return Call(
            S["iam"],
            "CreateRole",
            False,
            request,
            {
                "role": {
                    "path": "/",
                    "roleName": role,
                    "roleId": "AROA"
                    + stable("AROA", "role", role, length=17, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
                    "arn": f"arn:aws:iam::{self.account}:role/{role}",
                    "createDate": java_date(second),
                    "assumeRolePolicyDocument": quote(trust, safe=""),
                }
            },
        )

    def update_assume_role_policy(self, role: str, trust: str) -> Call:
        """``iam:UpdateAssumeRolePolicy``."""
        return Call(S["iam"], "UpdateAssumeRolePolicy", False, {"policyDocument": trust, "roleName": role})

    def create_policy_version(
        self, second: int, policy_arn: str, statements: list[dict[str, Any]], version: int
    ) -> Call:
        """``iam:CreatePolicyVersion`` set as default."""
        return Call(
            S["iam"],
            "CreatePolicyVersion",
            False,
            {"policyArn": policy_arn, "policyDocument": policy_text(statements), "setAsDefault": True},
            {"policyVersion": {"versionId": f"v{version}", "isDefaultVersion": True, "createDate": java_date(second)}},
        )

    def delete_policy_version(self, policy_arn: str, version: int) -> Call:
        """``iam:DeletePolicyVersion``."""
        return Call(S["iam"], "DeletePolicyVersion", False, {"policyArn": policy_arn, "versionId": f"v{version}"})

    def tag_role(self, role: str, tags: dict[str, str]) -> Call:
        """``iam:TagRole``."""
        return Call(
            S["iam"], "TagRole", False, {"roleName": role, "tags": [{"key": k, "value": v} for k, v in tags.items()]}
        )

    def add_user_to_group(self, user: str, group: str) -> Call:
        """``iam:AddUserToGroup``."""
        return Call(S["iam"], "AddUserToGroup", False, {"groupName": group, "userName": user})

    # --- RDS -------------------------------------------------------------------------------------

    def create_db_snapshot(self, name: str, instance: str) -> Call:
        """``CreateDBSnapshot`` of a PostgreSQL instance."""
        request = {"dBSnapshotIdentifier": name, "dBInstanceIdentifier": instance}
        return Call(S["rds"], "CreateDBSnapshot", False, request, {**request, **_CREATING_POSTGRES})

    def share_db_snapshot(self, name: str, account: str) -> Call:
        """``ModifyDBSnapshotAttribute`` adding ``account`` to the snapshot's ``restore`` attribute."""
        request = {"dBSnapshotIdentifier": name, "attributeName": "restore", "valuesToAdd": [account]}
        attributes = [{"attributeName": "restore", "attributeValues": [account]}]
        return Call(
            S["rds"],
            "ModifyDBSnapshotAttribute",
            False,
            request,
            {"dBSnapshotIdentifier": name, "dBSnapshotAttributes": attributes},
        )

    # --- Lambda ----------------------------------------------------------------------------------

    def lambda_read(self, name: str, function: str | None = None) -> Call:
        """A Lambda read (``GetFunction20150331v2`` etc.) of one function, or an account-wide one."""
        if function is None:
            return self.read("lambda", name)
        return Call(S["lambda"], name, True, {"functionName": function})

    def _function_config(
        self, second: int, function: str, region: str, *, layers: list[str] | None, version: str
    ) -> Json:
        fn = self.world.functions.get(function)
        runtime = fn.runtime if fn else "python3.12"
        config: Json = {
            "functionName": function,
            "functionArn": f"arn:aws:lambda:{region}:{self.account}:function:{function}"
            + ("" if version == "$LATEST" else f":{version}"),
            "runtime": runtime,
            "role": self.world.role_arn("acme-lambda-exec"),
            "handler": "handler.handler",
            "codeSize": 4181,
            "description": "",
            "timeout": 30,
            "memorySize": 256,
            "lastModified": datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            "codeSha256": self.tokens.text(43, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
            + "=",
            "version": version,
            "environment": {},
            "tracingConfig": {"mode": "PassThrough"},
            "revisionId": self.tokens.uuid(),
            "state": "Active",
            "lastUpdateStatus": "InProgress",
            "lastUpdateStatusReason": "The function is being created.",
            "lastUpdateStatusReasonCode": "Creating",
            "packageType": "Zip",
            "architectures": ["x86_64"],
            "ephemeralStorage": {"size": 512},
            "snapStart": {"applyOn": "None", "optimizationStatus": "Off"},
            "loggingConfig": {"logFormat": "Text", "logGroup": f"/aws/lambda/{function}"},
        }
        if layers:
            config["layers"] = [{"arn": arn, "codeSize": 2120, "uncompressedCodeSize": 2672} for arn in layers]
        return config

    def update_function_code(
        self, second: int, function: str, region: str, *, s3_key: str | None, publish: bool
    ) -> Call:
        """``UpdateFunctionCode20150331v2``: from the artifacts bucket (CI) or an uploaded zip (no S3 keys)."""
        arn = f"arn:aws:lambda:{region}:{self.account}:function:{function}"
        request: Json = {
            "fullyQualifiedArn": {
                "arnPrefix": {"partition": "aws", "region": region, "account": self.account},
                "relativeId": {"functionName": function},
                "functionQualifier": {},
            },
            "functionName": arn,
            "publish": publish,
            "dryRun": False,
        }
        if s3_key is not None:
            request["s3Bucket"] = "acme-artifacts"
            request["s3Key"] = s3_key
        version = "1" if publish else "$LATEST"
        return Call(
            S["lambda"],
            "UpdateFunctionCode20150331v2",
            False,
            request,
            self._function_config(second, function, region, layers=None, version=version),
        )

    def update_function_configuration(
        self, second: int, function: str, region: str, *, layers: list[str] | None = None, memory: int | None = None
    ) -> Call:
        """``UpdateFunctionConfiguration20150331v2`` (environment variables are never recorded)."""
        request: Json = {
            "functionName": f"arn:aws:lambda:{region}:{self.account}:function:{function}",
            "environment": {},
        }
        if layers is not None:
            request["layers"] = layers
        if memory is not None:
            request["memorySize"] = memory
        return Call(
            S["lambda"],
            "UpdateFunctionConfiguration20150331v2",
            False,
            request,
            self._function_config(second, function, region, layers=layers, version="$LATEST"),
        )

    def add_permission(
        self,
        function: str,
        region: str,
        *,
        statement_id: str,
        principal: str,
        action: str = "lambda:InvokeFunction",
        source_arn: str | None = None,
        url_auth: str | None = None,
    ) -> Call:
        """``AddPermission20150331v2`` (the new statement comes back as JSON text)."""
        arn = f"arn:aws:lambda:{region}:{self.account}:function:{function}"
        request: Json = {
            "functionName": function,
            "statementId": statement_id,
            "action": action,
            "principal": principal,
        }
        statement: Json = {
            "Sid": statement_id,
            "Effect": "Allow",
            "Principal": principal if principal == "*" else {"Service": principal},
            "Action": action,
            "Resource": arn,
        }
        if source_arn is not None:
            request["sourceArn"] = source_arn
            statement["Condition"] = {"ArnLike": {"AWS:SourceArn": source_arn}}
        if url_auth is not None:
            request["functionUrlAuthType"] = url_auth
            statement["Condition"] = {"StringEquals": {"lambda:FunctionUrlAuthType": url_auth}}
        return Call(
            S["lambda"],
            "AddPermission20150331v2",
            False,
            request,
            {"statement": json.dumps(statement, separators=(",", ":"))},
        )

    def create_function_url(self, second: int, function: str, region: str) -> Call:
        """``CreateFunctionUrlConfig20211031`` with ``authType`` NONE."""
        url_id = stable("fn-url", function, length=32, alphabet="abcdefghijklmnopqrstuvwxyz0123456789")
        return Call(
            S["lambda"],
            "CreateFunctionUrlConfig20211031",
            False,
            {"functionName": function, "authType": "NONE"},
            {
                "functionUrl": f"https://{url_id}.lambda-url.{region}.on.aws/",
                "functionArn": f"arn:aws:lambda:{region}:{self.account}:function:{function}",
                "authType": "NONE",
                "creationTime": datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S.000000Z"),
            },
        )

    def publish_layer_version(self, layer: str, region: str, account: str) -> Call:
        """``PublishLayerVersion20181031``."""
        arn = f"arn:aws:lambda:{region}:{account}:layer:{layer}"
        return Call(
            S["lambda"],
            "PublishLayerVersion20181031",
            False,
            {"layerName": layer, "compatibleRuntimes": ["python3.12"], "content": {}},
            {
                "layerArn": arn,
                "layerVersionArn": f"{arn}:1",
                "version": 1,
                "content": {"codeSize": 2120, "codeSha256": self.tokens.text(43) + "="},
                "compatibleRuntimes": ["python3.12"],
            },
        )

    # --- KMS, Secrets Manager, SSM ---------------------------------------------------------------

    def kms(self, name: str, key_arn: str, context: Json, *, key_spec: bool = False) -> Call:
        """A KMS cryptographic operation (``Decrypt``, ``GenerateDataKey``), read-only in CloudTrail's terms.

        Calls with the same key and encryption context are built once and shared.
        """
        cache_key = (name, key_arn, key_spec, *context.items())
        cached = self._kms.get(cache_key)
        if cached is not None:
            return cached
        if len(self._kms) > 4096:
            self._kms.clear()
        request: Json = {"encryptionContext": context}
        if name == "Decrypt":
            request["encryptionAlgorithm"] = "SYMMETRIC_DEFAULT"
        else:
            request["keyId"] = key_arn
        if key_spec:
            request["keySpec"] = "AES_256"
        call = Call(
            S["kms"],
            name,
            True,
            request,
            None,
            resources=[{"accountId": self.account, "type": "AWS::KMS::Key", "ARN": key_arn}],
        )
        self._kms[cache_key] = call
        return call

    def get_secret_value(self, secret_id: str) -> Call:
        """``secretsmanager:GetSecretValue`` (the value is never recorded)."""
        return Call(S["secretsmanager"], "GetSecretValue", True, {"secretId": secret_id})

    def batch_get_secret_value(self, secret_ids: list[str] | None, tag_filter: str | None = None) -> Call:
        """``secretsmanager:BatchGetSecretValue`` by id list or by filter."""
        request: Json = (
            {"secretIdList": secret_ids}
            if secret_ids is not None
            else {"filters": [{"key": "tag-key", "values": [tag_filter or "app"]}]}
        )
        return Call(S["secretsmanager"], "BatchGetSecretValue", True, request)

    def get_parameter(self, name: str, *, decrypt: bool) -> Call:
        """``ssm:GetParameter``."""
        return Call(S["ssm"], "GetParameter", True, {"name": name, "withDecryption": decrypt})

    def get_parameters(self, names: list[str], region: str, *, decrypt: bool) -> Call:
        """``ssm:GetParameters`` (CloudTrail lists each parameter as a resource)."""
        return Call(
            S["ssm"],
            "GetParameters",
            True,
            {"names": names, "withDecryption": decrypt},
            resources=[
                {"ARN": f"arn:aws:ssm:{region}:{self.account}:parameter{name}", "accountId": self.account}
                for name in names
            ],
        )

    def put_parameter(self, name: str, version: int) -> Call:
        """``ssm:PutParameter`` of a SecureString (the value is never recorded)."""
        return Call(
            S["ssm"],
            "PutParameter",
            False,
            {"name": name, "type": "SecureString", "overwrite": True, "tier": "Standard"},
            {"version": version, "tier": "Standard"},
        )

    def send_command(self, second: int, instance_ids: list[str], document: str, region: str) -> tuple[Call, str]:
        """``ssm:SendCommand`` and the command id."""
        command_id = self.tokens.uuid()
        command = {
            "commandId": command_id,
            "documentName": document,
            "documentVersion": "$DEFAULT",
            "comment": "",
            "expiresAfter": java_date(second + 7200, comma=True),
            "parameters": "HIDDEN_DUE_TO_SECURITY_REASONS",
            "instanceIds": instance_ids,
            "targets": [],
            "requestedDateTime": java_date(second, comma=True),
            "status": "Pending",
            "statusDetails": "Pending",
            "outputS3Region": region,
            "outputS3BucketName": "",
            "outputS3KeyPrefix": "",
            "maxConcurrency": "50",
            "maxErrors": "0",
            "targetCount": len(instance_ids),
            "completedCount": 0,
            "errorCount": 0,
            "deliveryTimedOutCount": 0,
            "serviceRole": "",
            "notificationConfig": {"notificationArn": "", "notificationEvents": [], "notificationType": ""},
            "cloudWatchOutputConfig": {"cloudWatchLogGroupName": "", "cloudWatchOutputEnabled": False},
            "timeoutSeconds": 3600,
            "alarmConfiguration": {"ignorePollAlarmFailure": False, "alarms": []},
            "triggeredAlarms": [],
        }
        return (
            Call(
                S["ssm"],
                "SendCommand",
                False,
                {
                    "instanceIds": instance_ids,
                    "documentName": document,
                    "parameters": "HIDDEN_DUE_TO_SECURITY_REASONS",
                    "interactive": False,
                },
                {"command": command},
            ),
            command_id,
        )

    def start_session(self, instance_id: str, session_id: str, region: str) -> Call:
        """``ssm:StartSession``."""
        return Call(
            S["ssm"],
            "StartSession",
            False,
            {"target": instance_id},
            {
                "sessionId": session_id,
                "tokenValue": "Value hidden due to security reasons.",
                "streamUrl": f"wss://ssmmessages.{region}.amazonaws.com/v1/data-channel/{session_id}"
                f"?role=publish_subscribe&cell-number={self.tokens.text(40)}",
            },
        )

    def terminate_session(self, session_id: str) -> Call:
        """``ssm:TerminateSession``."""
        return Call(S["ssm"], "TerminateSession", False, {"sessionId": session_id}, {"sessionId": session_id})

    def update_instance_information(self, instance_id: str, ip: str, region: str) -> Call:
        """``ssm:UpdateInstanceInformation``, the SSM agent's heartbeat."""
        domain = "ec2.internal" if region == HOME else f"{region}.compute.internal"
        return Call(
            S["ssm"],
            "UpdateInstanceInformation",
            False,
            {
                "instanceId": instance_id,
                "agentVersion": "3.3.987.0",
                "agentStatus": "Active",
                "platformType": "Linux",
                "platformName": "Amazon Linux",
                "platformVersion": "2023",
                "iPAddress": ip,
                "computerName": f"ip-{ip.replace('.', '-')}.{domain}",
                "agentName": "amazon-ssm-agent",
                "availabilityZone": f"{region}a",
            },
        )

    # --- logging, detection, configuration -------------------------------------------------------

    def put_event_selectors(self, trail: str, region: str, *, management: bool, read_write: str, data: bool) -> Call:
        """``cloudtrail:PutEventSelectors``."""
        resources: list[Json] = []
        if data:
            resources = [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::acme-customer-data/"]}]
        selector = {
            "readWriteType": read_write,
            "includeManagementEvents": management,
            "dataResources": resources,
            "excludeManagementEventSources": [],
        }
        return Call(
            S["cloudtrail"],
            "PutEventSelectors",
            False,
            {"trailName": trail, "eventSelectors": [selector]},
            {"trailARN": f"arn:aws:cloudtrail:{region}:{self.account}:trail/{trail}", "eventSelectors": [selector]},
        )

    def update_trail(self, trail: str, region: str, bucket: str) -> Call:
        """``cloudtrail:UpdateTrail`` pointing the trail at another bucket."""
        return Call(
            S["cloudtrail"],
            "UpdateTrail",
            False,
            {"name": trail, "s3BucketName": bucket},
            {
                "name": trail,
                "s3BucketName": bucket,
                "includeGlobalServiceEvents": True,
                "isMultiRegionTrail": True,
                "trailARN": f"arn:aws:cloudtrail:{region}:{self.account}:trail/{trail}",
                "logFileValidationEnabled": False,
                "isOrganizationTrail": False,
            },
        )

    def config_write(self, name: str, key: str, value: str) -> Call:
        """A Config recorder/channel write (``StopConfigurationRecorder``...)."""
        return Call(S["config"], name, False, {key: value})

    def guardduty_update_detector(self, detector: str, *, enable: bool, frequency: str | None) -> Call:
        """``guardduty:UpdateDetector``."""
        request: Json = {"detectorId": detector, "enable": enable}
        if frequency is not None:
            request["findingPublishingFrequency"] = frequency
        return Call(S["guardduty"], "UpdateDetector", False, request)


_STATIC_READS: dict[tuple[str, str], Json | None] = {
    ("ec2", "DescribeInstances"): {"instancesSet": {}, "filterSet": {}},
    ("ec2", "DescribeSecurityGroups"): {"securityGroupSet": {}, "securityGroupIdSet": {}, "filterSet": {}},
    ("ec2", "DescribeVpcs"): {"vpcSet": {}, "filterSet": {}},
    ("ec2", "DescribeSubnets"): {"subnetSet": {}, "filterSet": {}},
    ("ec2", "DescribeVolumes"): {"volumeSet": {}, "filterSet": {}},
    ("ec2", "DescribeSnapshots"): {
        "snapshotSet": {},
        "ownersSet": {"items": [{"owner": "self"}]},
        "sharedUsersSet": {},
        "filterSet": {},
    },
    ("ec2", "DescribeImages"): {
        "executableBySet": {},
        "imagesSet": {},
        "ownersSet": {"items": [{"owner": "self"}]},
        "filterSet": {},
    },
    ("ec2", "DescribeRegions"): {"regionSet": {}},
    ("ec2", "DescribeAvailabilityZones"): {"availabilityZoneSet": {}, "availabilityZoneIdSet": {}},
    ("ec2", "DescribeInstanceStatus"): {"instancesSet": {}, "filterSet": {}, "includeAllInstances": False},
    ("ec2", "DescribeAddresses"): {"publicIpsSet": {}, "allocationIdsSet": {}, "filterSet": {}},
    ("ec2", "DescribeNetworkInterfaces"): {"networkInterfaceIdSet": {}, "filterSet": {}},
    ("ec2", "DescribeRouteTables"): {"routeTableIdSet": {}, "filterSet": {}},
    ("ec2", "DescribeInternetGateways"): {"internetGatewayIdSet": {}, "filterSet": {}},
    ("ec2", "DescribeNetworkAcls"): {"networkAclIdSet": {}, "filterSet": {}},
    ("ec2", "DescribeFlowLogs"): {"DescribeFlowLogsRequest": ""},
    ("ec2", "DescribeKeyPairs"): {"keySet": {}, "filterSet": {}},
    ("ec2", "DescribeLaunchTemplates"): {"DescribeLaunchTemplatesRequest": ""},
    ("ec2", "DescribeAccountAttributes"): {"accountAttributeNameSet": {}, "filterSet": {}},
    ("ec2", "GetEbsEncryptionByDefault"): {"GetEbsEncryptionByDefaultRequest": ""},
    ("ec2", "DescribeVpcEndpoints"): {"DescribeVpcEndpointsRequest": ""},
    ("ec2", "DescribeNatGateways"): {"DescribeNatGatewaysRequest": ""},
    ("ec2", "DescribeTags"): {
        "filterSet": {"items": [{"name": "resource-type", "valueSet": {"items": [{"value": "instance"}]}}]}
    },
    ("ec2", "DescribeInstanceTypes"): {"DescribeInstanceTypesRequest": ""},
    ("s3", "ListBuckets"): {"Host": "s3.amazonaws.com"},
    ("iam", "GetAccountAuthorizationDetails"): {
        "filter": ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"]
    },
    ("iam", "ListPolicies"): {"scope": "Local", "onlyAttached": False},
    ("cloudtrail", "DescribeTrails"): {"includeShadowTrails": True},
    ("cloudtrail", "LookupEvents"): {
        "maxResults": 50,
        "lookupAttributes": [{"attributeKey": "ReadOnly", "attributeValue": "false"}],
    },
    ("logs", "DescribeLogGroups"): {"limit": 50},
    ("secretsmanager", "ListSecrets"): {"maxResults": 100},
    ("ssm", "DescribeParameters"): {"maxResults": 50},
    ("ssm", "DescribeInstanceInformation"): {"maxResults": 50},
    ("rds", "DescribeDBSnapshots"): {"snapshotType": "manual", "includeShared": False, "includePublic": False},
    ("route53resolver", "ListResolverQueryLogConfigs"): {"maxResults": 10},
    ("ecr", "DescribeRepositories"): {"maxResults": 1000},
    ("monitoring", "DescribeAlarms"): {"maxRecords": 100},
    ("health", "DescribeEventAggregates"): {
        "aggregateField": "eventTypeCategory",
        "filter": {"eventStatusCodes": ["open", "upcoming"]},
    },
    ("ce", "GetCostAndUsage"): {"granularity": "MONTHLY", "metrics": ["UnblendedCost"]},
    ("ses", "ListIdentities"): {"maxItems": 100},
    ("elasticloadbalancing", "DescribeLoadBalancers"): {"pageSize": 400},
    ("dynamodb", "ListTables"): {"limit": 100},
    ("sqs", "ListQueues"): {"maxResults": 1000},
    ("access-analyzer", "ListAnalyzers"): {"type": "ACCOUNT"},
}
