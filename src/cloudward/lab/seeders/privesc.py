"""Privilege-escalation paths for the lab, and one trap that looks like one but is not.

- ``dave`` (developer) may pass any ``acme-*`` role and create and invoke Lambda functions: with
  ``acme-lambda-exec`` (an administrator, see zz_coverage) that is pathfinding.cloud's lambda-001.
- ``grace`` may assume ``acme-ops``, which may attach any managed policy to itself: sts-001 then
  iam-009, a two-hop path.
- ``acme-build`` (trusted by CodeBuild) may create versions of its own policy ``acme-build-policy``:
  iam-001, a self-escalation.
- ``heidi`` may create access keys for every user, but a second policy denies it: no path.
"""

from __future__ import annotations

import json
from typing import Any

from cloudward.lab.server import LAB_ACCOUNT_ID


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _trust(principal: dict[str, str]) -> str:
    return _doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})


def seed(lab: Any) -> None:
    """Three principals that can become administrator, one that cannot."""
    iam = lab.c("iam")
    account = f"arn:aws:iam::{LAB_ACCOUNT_ID}"
    for name in ("dave", "grace", "heidi"):
        iam.create_user(UserName=name, Tags=[{"Key": "team", "Value": "apps"}])
        lab.count("AWS::IAM::User")
    iam.put_user_policy(
        UserName="dave",
        PolicyName="deploy-functions",
        PolicyDocument=_doc(
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": f"{account}:role/acme-*"},
            {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*"},
        ),
    )
    iam.create_role(RoleName="acme-ops", AssumeRolePolicyDocument=_trust({"AWS": f"{account}:root"}))
    iam.create_role(RoleName="acme-build", AssumeRolePolicyDocument=_trust({"Service": "codebuild.amazonaws.com"}))
    lab.count("AWS::IAM::Role", 2)
    iam.put_role_policy(
        RoleName="acme-ops",
        PolicyName="manage-own-policies",
        PolicyDocument=_doc(
            {"Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": f"{account}:role/acme-ops"}
        ),
    )
    iam.put_user_policy(
        UserName="grace",
        PolicyName="assume-ops",
        PolicyDocument=_doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"{account}:role/acme-ops"}),
    )
    build_policy = iam.create_policy(
        PolicyName="acme-build-policy",
        PolicyDocument=_doc(
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": "arn:aws:s3:::acme-artifacts/*",
            },
            {"Effect": "Allow", "Action": "iam:CreatePolicyVersion", "Resource": f"{account}:policy/acme-build-policy"},
        ),
    )["Policy"]["Arn"]
    lab.count("AWS::IAM::Policy")
    iam.attach_role_policy(RoleName="acme-build", PolicyArn=build_policy)
    iam.put_user_policy(
        UserName="heidi",
        PolicyName="rotate-keys",
        PolicyDocument=_doc({"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": f"{account}:user/*"}),
    )
    iam.put_user_policy(
        UserName="heidi",
        PolicyName="no-key-creation",
        PolicyDocument=_doc({"Effect": "Deny", "Action": "iam:CreateAccessKey", "Resource": "*"}),
    )
