"""Attack scenarios of persistence and privilege escalation."""

from __future__ import annotations

from cloudward.lab.events.apis import ADMIN_POLICY, trust_text
from cloudward.lab.events.attacker import ATTACKER_ACCOUNT, Attack, Scenario, registrar
from cloudward.lab.events.identities import Actor, federated_user
from cloudward.lab.events.tokens import stable_key_id
from cloudward.lab.events.world import HOME

# --- persistence, privilege escalation -------------------------------------------------------------

SCENARIOS: dict[str, Scenario] = {}
scenario = registrar(SCENARIOS)


@scenario(
    "iam_access_key_for_other_user",
    ("T1098.001",),
    "persistence",
    "A stolen admin SSO session creates an access key for another user (iam CreateAccessKey with "
    "requestParameters.userName = frank, the caller being dan's AssumedRole session), and the new key is "
    "used from the attacker's address.",
)
def iam_access_key_for_other_user(a: Attack, t: int) -> None:
    """CreateAccessKey for frank, then the key is used."""
    actor = a.stolen_sso("dan", t)
    a.recon(t, actor, a.apis.iam_read("ListUsers"))
    t = a.after(t, 3, 30)
    a.recon(t, actor, a.apis.iam_read("ListAccessKeys", userName="frank"))
    t = a.after(t, 3, 30)
    key = stable_key_id("AKIA", "attacker-key", "frank", a.ctx.seed)
    a.call(t, actor, a.apis.create_access_key(t, "frank", key), HOME)
    user = a.new_user("frank", key)
    t = a.after(t, 60, 600)
    a.call(t, user, a.read("sts", "GetCallerIdentity"), HOME, key=False)
    a.recon(a.after(t, 2, 10), user, a.apis.list_buckets())


@scenario(
    "iam_login_profile_created",
    ("T1098.001",),
    "persistence",
    "A console password is added to ci-deploy, a user that never had one (iam CreateLoginProfile with "
    "requestParameters.userName = ci-deploy), and the attacker signs in as ci-deploy without MFA.",
)
def iam_login_profile_created(a: Attack, t: int) -> None:
    """CreateLoginProfile for a programmatic user, then a console sign-in."""
    actor = a.leaked_key("carol")
    a.recon(
        t,
        actor,
        a.apis.iam_read("GetLoginProfile", userName="ci-deploy"),
        error=("NoSuchEntity", "Login Profile for User ci-deploy cannot be found."),
    )
    t = a.after(t, 5, 30)
    a.call(t, actor, a.apis.create_login_profile(t, "ci-deploy", reset=False), HOME)
    t = a.after(t, 60, 400)
    a.console_sign_in(t, a.console_user("ci-deploy", "ci-console", t), phase="initial-access")


@scenario(
    "iam_login_profile_updated",
    ("T1098.001",),
    "privilege-escalation",
    "Another user's console password is reset (iam UpdateLoginProfile, requestParameters.userName = bob, the "
    "caller carol's leaked key) and the attacker signs in as bob without MFA.",
)
def iam_login_profile_updated(a: Attack, t: int) -> None:
    """UpdateLoginProfile for bob, then a console sign-in."""
    actor = a.leaked_key("carol")
    a.call(t, actor, a.apis.update_login_profile("bob", reset=False), HOME)
    t = a.after(t, 60, 300)
    a.console_sign_in(t, a.console_user("bob", "bob-reset", t), phase="initial-access")


@scenario(
    "iam_admin_policy_attached",
    ("T1098.003",),
    "privilege-escalation",
    "AdministratorAccess is attached to bob and to the instance role acme-ec2-app (iam AttachUserPolicy / "
    "AttachRolePolicy with requestParameters.policyArn arn:aws:iam::aws:policy/AdministratorAccess).",
)
def iam_admin_policy_attached(a: Attack, t: int) -> None:
    """AttachUserPolicy/AttachRolePolicy with AdministratorAccess."""
    actor = a.stolen_sso("dan", t)
    a.call(t, actor, a.apis.attach_policy("User", "bob", ADMIN_POLICY), HOME)
    t = a.after(t, 20, 200)
    a.call(t, actor, a.apis.attach_policy("Role", "acme-ec2-app", ADMIN_POLICY), HOME)


ALLOW_ALL = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]


@scenario(
    "iam_inline_admin_policy",
    ("T1098.003",),
    "privilege-escalation",
    "Inline policies allowing every action on every resource: iam PutUserPolicy (frank) and PutRolePolicy "
    "(acme-lambda-exec) whose requestParameters.policyDocument has Action '*' and Resource '*'.",
)
def iam_inline_admin_policy(a: Attack, t: int) -> None:
    """PutUserPolicy/PutRolePolicy with '*:*'."""
    actor = a.leaked_key("carol")
    a.call(t, actor, a.apis.put_inline_policy("User", "frank", "backup-access", ALLOW_ALL), HOME)
    t = a.after(t, 30, 300)
    a.call(t, actor, a.apis.put_inline_policy("Role", "acme-lambda-exec", "maintenance", ALLOW_ALL), HOME)


@scenario(
    "iam_backdoor_user_created",
    ("T1136.003", "T1098.001"),
    "persistence",
    "A new administrator: iam CreateUser (svc-backup-sync), AttachUserPolicy AdministratorAccess, "
    "CreateAccessKey and CreateLoginProfile for it, then the new key calls GetCallerIdentity.",
)
def iam_backdoor_user_created(a: Attack, t: int) -> None:
    """CreateUser + AttachUserPolicy(Admin) + CreateAccessKey + CreateLoginProfile."""
    actor = a.stolen_sso("dan", t)
    user = "svc-backup-sync"
    a.call(t, actor, a.apis.create_user(t, user), HOME)
    t = a.after(t, 2, 10)
    a.call(t, actor, a.apis.attach_policy("User", user, ADMIN_POLICY), HOME, phase="privilege-escalation")
    t = a.after(t, 2, 10)
    key = stable_key_id("AKIA", "backdoor", user, a.ctx.seed)
    a.call(t, actor, a.apis.create_access_key(t, user, key), HOME)
    t = a.after(t, 2, 10)
    a.call(t, actor, a.apis.create_login_profile(t, user, reset=False), HOME)
    t = a.after(t, 120, 900)
    a.call(t, a.new_user(user, key), a.read("sts", "GetCallerIdentity"), HOME, key=False)


@scenario(
    "iam_role_trust_backdoored",
    ("T1098.003",),
    "persistence",
    "The trust policy of acme-ec2-app is rewritten to also trust an unknown account (iam UpdateAssumeRolePolicy "
    "whose policyDocument names arn:aws:iam::739562084613:root), and that account assumes the role "
    "(sts AssumeRole with userIdentity.type AWSAccount and a sharedEventID).",
)
def iam_role_trust_backdoored(a: Attack, t: int) -> None:
    """UpdateAssumeRolePolicy trusting the attacker's account, then a cross-account AssumeRole."""
    actor = a.leaked_key("carol")
    a.recon(t, actor, a.apis.iam_read("GetRole", roleName="acme-ec2-app"))
    trust = _policy_two_principals({"Service": "ec2.amazonaws.com"}, {"AWS": f"arn:aws:iam::{ATTACKER_ACCOUNT}:root"})
    t = a.after(t, 10, 60)
    a.call(t, actor, a.apis.update_assume_role_policy("acme-ec2-app", trust), HOME)
    t = a.after(t, 600, 3600)
    key, _record = a.external_assume(t, "acme-ec2-app", "maint")
    session = a.external_role_session("acme-ec2-app", "maint", key, t)
    a.recon(a.after(t, 3, 20), session, a.apis.list_buckets())


def _policy_two_principals(first: dict[str, str], second: dict[str, str]) -> str:
    from cloudward.lab.events.apis import policy_text

    return policy_text(
        [
            {"Effect": "Allow", "Principal": first, "Action": "sts:AssumeRole"},
            {"Effect": "Allow", "Principal": second, "Action": "sts:AssumeRole"},
        ]
    )


@scenario(
    "iam_role_external_trust_created",
    ("T1098.003",),
    "persistence",
    "A new role trusting an unknown account with AdministratorAccess: iam CreateRole (assumeRolePolicyDocument "
    "principal arn:aws:iam::739562084613:root), AttachRolePolicy AdministratorAccess, then the cross-account "
    "AssumeRole.",
)
def iam_role_external_trust_created(a: Attack, t: int) -> None:
    """CreateRole trusting the attacker's account + AttachRolePolicy(Admin)."""
    actor = a.stolen_sso("dan", t)
    role = "acme-support-ops"
    trust = trust_text({"AWS": f"arn:aws:iam::{ATTACKER_ACCOUNT}:root"})
    a.call(t, actor, a.apis.create_role(t, role, trust), HOME)
    t = a.after(t, 2, 15)
    a.call(t, actor, a.apis.attach_policy("Role", role, ADMIN_POLICY), HOME, phase="privilege-escalation")
    t = a.after(t, 300, 1800)
    key, _record = a.external_assume(t, role, "ops")
    a.call(
        a.after(t, 3, 20),
        a.external_role_session(role, "ops", key, t),
        a.read("sts", "GetCallerIdentity"),
        HOME,
        key=False,
    )


@scenario(
    "sts_federation_token_persistence",
    ("T1098.001", "T1550.001"),
    "persistence",
    "A leaked key mints federation credentials that outlive its revocation: sts GetFederationToken (session "
    "policy allowing '*'), then calls as userIdentity.type FederatedUser.",
)
def sts_federation_token_persistence(a: Attack, t: int) -> None:
    """GetFederationToken, then the federated user at work."""
    actor = a.leaked_key("carol")
    key = stable_key_id("ASIA", "federation", a.ctx.seed)
    a.call(t, actor, a.apis.get_federation_token(t, "carol", key), HOME)
    identity = federated_user(a.account, "carol", "carol", key, a.ctx.clock.iso(t))
    federated = Actor("federated/carol", identity, a.ip, a.tool, identity["arn"])
    for call in (
        a.read("sts", "GetCallerIdentity"),
        a.apis.iam_read("ListUsers"),
        a.apis.list_buckets(),
        a.read("ec2", "DescribeInstances"),
    ):
        t = a.after(t, 20, 300)
        a.recon(t, federated, call)


@scenario(
    "lambda_function_backdoor_public",
    ("T1546", "T1098"),
    "persistence",
    "acme-internal-api is opened to anyone: lambda AddPermission20150331v2 with requestParameters.principal '*' "
    "(action lambda:InvokeFunction), CreateFunctionUrlConfig20211031 with authType NONE and the matching "
    "AddPermission for lambda:InvokeFunctionUrl (benign grants name events.amazonaws.com with a sourceArn).",
)
def lambda_function_backdoor_public(a: Attack, t: int) -> None:
    """AddPermission principal '*' and a public function URL."""
    actor = a.stolen_sso("dan", t)
    fn = "acme-internal-api"
    a.recon(
        t,
        actor,
        a.apis.lambda_read("GetPolicy20150331v2", fn),
        error=("ResourceNotFoundException", "The resource you requested does not exist."),
    )
    t = a.after(t, 5, 40)
    a.call(t, actor, a.apis.add_permission(fn, HOME, statement_id="public-access", principal="*"), HOME)
    t = a.after(t, 5, 40)
    a.call(t, actor, a.apis.create_function_url(t, fn, HOME), HOME)
    t = a.after(t, 2, 10)
    a.call(
        t,
        actor,
        a.apis.add_permission(
            fn,
            HOME,
            statement_id="FunctionURLAllowPublicAccess",
            principal="*",
            action="lambda:InvokeFunctionUrl",
            url_auth="NONE",
        ),
        HOME,
    )


@scenario(
    "lambda_layer_extension",
    ("T1546",),
    "persistence",
    "A layer from the attacker's account is added to acme-internal-api: lambda "
    "UpdateFunctionConfiguration20150331v2 with requestParameters.layers naming "
    "arn:aws:lambda:us-east-1:739562084613:layer:... (benign: AWS's Lambda Insights layer, account 580247275435).",
)
def lambda_layer_extension(a: Attack, t: int) -> None:
    """UpdateFunctionConfiguration adding a foreign layer (a Lambda extension)."""
    actor = a.leaked_key("carol")
    fn = "acme-internal-api"
    a.recon(t, actor, a.apis.lambda_read("GetFunctionConfiguration20150331v2", fn))
    t = a.after(t, 10, 60)
    layer = f"arn:aws:lambda:{HOME}:{ATTACKER_ACCOUNT}:layer:telemetry-agent:7"
    a.call(t, actor, a.apis.update_function_configuration(t, fn, HOME, layers=[layer]), HOME)


@scenario(
    "lambda_code_overwritten",
    ("T1648", "T1546"),
    "persistence",
    "acme-public-webhook's code is replaced by an uploaded zip: lambda UpdateFunctionCode20150331v2 without "
    "s3Bucket/s3Key in requestParameters (CI deploys from the acme-artifacts bucket), from an unknown address.",
)
def lambda_code_overwritten(a: Attack, t: int) -> None:
    """UpdateFunctionCode with a zip upload."""
    actor = a.stolen_sso("dan", t)
    fn = "acme-public-webhook"
    a.recon(t, actor, a.apis.lambda_read("GetFunction20150331v2", fn))
    t = a.after(t, 20, 120)
    a.call(t, actor, a.apis.update_function_code(t, fn, HOME, s3_key=None, publish=True), HOME)


ATTACKER_CA = (
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBfzCCASWgAwIBAgIUU2VsZlNpZ25lZExhYkNBMDAwMDAwMDAwCgYIKoZIzj0EAwIwFTETMBEGA1UEAwwKb3BzLXJvb3Qt\n"
    "Y2EwHhcNMjYwOTAxMDAwMDAwWhcNMzYwOTAxMDAwMDAwWjAVMRMwEQYDVQQDDApvcHMtcm9vdC1jYTBZMBMGByqGSM49AgEG\n"
    "-----END CERTIFICATE-----"
)


@scenario(
    "roles_anywhere_trust_anchor",
    ("T1098.001", "T1556"),
    "persistence",
    "IAM Roles Anywhere is set up to trust the attacker's certificate authority: iam CreateRole trusting "
    "rolesanywhere.amazonaws.com with AdministratorAccess, rolesanywhere CreateTrustAnchor "
    "(source.sourceType CERTIFICATE_BUNDLE) and CreateProfile naming the role.",
)
def roles_anywhere_trust_anchor(a: Attack, t: int) -> None:
    """A Roles Anywhere trust anchor and profile for an admin role."""
    actor = a.leaked_key("carol")
    role = "ra-automation"
    trust = policy_trust_rolesanywhere()
    a.call(t, actor, a.apis.create_role(t, role, trust), HOME)
    t = a.after(t, 2, 10)
    a.call(t, actor, a.apis.attach_policy("Role", role, ADMIN_POLICY), HOME, phase="privilege-escalation")
    t = a.after(t, 10, 60)
    anchor_id = stable_uuid_like(a, "anchor")
    a.call(
        t,
        actor,
        a.write(
            "rolesanywhere",
            "CreateTrustAnchor",
            {
                "enabled": True,
                "name": "ops-automation",
                "source": {"sourceData": {"x509CertificateData": ATTACKER_CA}, "sourceType": "CERTIFICATE_BUNDLE"},
            },
            {
                "trustAnchor": {
                    "enabled": True,
                    "name": "ops-automation",
                    "trustAnchorId": anchor_id,
                    "trustAnchorArn": f"arn:aws:rolesanywhere:{HOME}:{a.account}:trust-anchor/{anchor_id}",
                    "source": {"sourceData": {"x509CertificateData": ATTACKER_CA}, "sourceType": "CERTIFICATE_BUNDLE"},
                }
            },
        ),
    )
    t = a.after(t, 3, 20)
    profile_id = stable_uuid_like(a, "profile")
    a.call(
        t,
        actor,
        a.write(
            "rolesanywhere",
            "CreateProfile",
            {
                "durationSeconds": 3600,
                "enabled": True,
                "name": "ops-automation",
                "roleArns": [f"arn:aws:iam::{a.account}:role/{role}"],
            },
            {
                "profile": {
                    "profileId": profile_id,
                    "profileArn": f"arn:aws:rolesanywhere:{HOME}:{a.account}:profile/{profile_id}",
                    "name": "ops-automation",
                    "enabled": True,
                    "createdBy": actor.arn,
                }
            },
        ),
    )


def policy_trust_rolesanywhere() -> str:
    """A trust policy letting IAM Roles Anywhere assume the role."""
    from cloudward.lab.events.apis import policy_text

    return policy_text(
        [
            {
                "Effect": "Allow",
                "Principal": {"Service": "rolesanywhere.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
            }
        ]
    )


def stable_uuid_like(a: Attack, what: str) -> str:
    """A UUID for a resource the scenario creates (stable per seed)."""
    from cloudward.lab.events.tokens import stable_uuid

    return stable_uuid(what, a.ctx.seed, a.spec.name)
