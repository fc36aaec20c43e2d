"""The privilege-escalation methods cloudward models, one row per path of DataDog's pathfinding.cloud
catalogue (ids are theirs, so a finding links to its write-up).

A method is data: the actions it needs, what it yields and what must exist for it to work. The search in
:mod:`cloudward.iam.privesc.engine` interprets these rows; adding a method is adding a row (and, for a
new kind of target, a case in the engine).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

CATALOGUE_URL = "https://pathfinding.cloud/paths/{id}"


class Kind(enum.Enum):
    """What a method yields."""

    SELF = "self-escalation"
    """The caller changes its own permissions (or its group's): it becomes an administrator."""
    MODIFY_AND_USE = "modify-and-use"
    """The caller gives another principal administrator permissions, then acts as it."""
    PRINCIPAL_ACCESS = "principal-access"
    """The caller obtains another principal's credentials: it gets that principal's permissions."""
    NEW_PASSROLE = "new-passrole"
    """The caller creates a resource that runs as a role it passes: it gets the role's permissions."""
    EXISTING = "existing-passrole"
    """The caller takes over a resource that already runs as a role: it gets the role's permissions."""


@dataclass(frozen=True)
class Method:
    """One escalation method."""

    id: str
    kind: Kind
    actions: tuple[str, ...]
    """The actions it needs besides ``iam:PassRole`` (which NEW_PASSROLE methods always need)."""
    services: tuple[str, ...] = ()
    """Service principals the role must trust (the passed role, or the role an existing resource runs as)."""
    resource_type: str | None = None
    """EXISTING: the type of resource taken over. NEW_PASSROLE: a type that must already exist (a Glue job)."""
    instance_profile: bool = False
    """The role must be in an instance profile (EC2)."""

    @property
    def name(self) -> str:
        """The method as the catalogue names it: ``iam:PassRole + lambda:CreateFunction + ...``."""
        passrole = ("iam:PassRole",) if self.kind is Kind.NEW_PASSROLE else ()
        return " + ".join((*passrole, *self.actions))

    @property
    def url(self) -> str:
        """The method's page in the public catalogue."""
        return CATALOGUE_URL.format(id=self.id)


def _m(
    id: str,
    kind: Kind,
    *actions: str,
    services: tuple[str, ...] = (),
    resource_type: str | None = None,
    instance_profile: bool = False,
) -> Method:
    return Method(id, kind, actions, services, resource_type, instance_profile)


S, M, P, N, E = Kind.SELF, Kind.MODIFY_AND_USE, Kind.PRINCIPAL_ACCESS, Kind.NEW_PASSROLE, Kind.EXISTING
EC2 = ("ec2.amazonaws.com",)
LAMBDA = ("lambda.amazonaws.com",)
GLUE = ("glue.amazonaws.com",)
CFN = ("cloudformation.amazonaws.com",)
CODEBUILD = ("codebuild.amazonaws.com",)
ECS = ("ecs-tasks.amazonaws.com",)
SAGEMAKER = ("sagemaker.amazonaws.com",)
APPRUNNER = ("tasks.apprunner.amazonaws.com",)
AGENTCORE = ("bedrock-agentcore.amazonaws.com",)

METHODS: tuple[Method, ...] = (
    # the caller's own permissions
    _m("iam-001", S, "iam:CreatePolicyVersion"),
    _m("iam-005", S, "iam:PutRolePolicy"),
    _m("iam-007", S, "iam:PutUserPolicy"),
    _m("iam-008", S, "iam:AttachUserPolicy"),
    _m("iam-009", S, "iam:AttachRolePolicy"),
    _m("iam-010", S, "iam:AttachGroupPolicy"),
    _m("iam-011", S, "iam:PutGroupPolicy"),
    _m("iam-013", S, "iam:AddUserToGroup"),
    # another principal's permissions, then its credentials
    _m("iam-014", M, "iam:AttachRolePolicy", "sts:AssumeRole"),
    _m("iam-015", M, "iam:AttachUserPolicy", "iam:CreateAccessKey"),
    _m("iam-016", M, "iam:CreatePolicyVersion", "sts:AssumeRole"),
    _m("iam-017", M, "iam:PutRolePolicy", "sts:AssumeRole"),
    _m("iam-018", M, "iam:PutUserPolicy", "iam:CreateAccessKey"),
    _m("iam-019", M, "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"),
    _m("iam-020", M, "iam:CreatePolicyVersion", "iam:UpdateAssumeRolePolicy"),
    _m("iam-021", M, "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"),
    # another principal's credentials
    _m("iam-002", P, "iam:CreateAccessKey"),
    _m("iam-003", P, "iam:CreateAccessKey", "iam:DeleteAccessKey"),
    _m("iam-004", P, "iam:CreateLoginProfile"),
    _m("iam-006", P, "iam:UpdateLoginProfile"),
    _m("iam-012", P, "iam:UpdateAssumeRolePolicy"),
    _m("sts-001", P, "sts:AssumeRole"),
    # a new resource running as a passed role
    _m("ec2-001", N, "ec2:RunInstances", services=EC2, instance_profile=True),
    _m("ec2-003", N, "ec2:RequestSpotInstances", services=EC2, instance_profile=True),
    _m("lambda-001", N, "lambda:CreateFunction", "lambda:InvokeFunction", services=LAMBDA),
    _m("lambda-002", N, "lambda:CreateFunction", "lambda:CreateEventSourceMapping", services=LAMBDA),
    _m("lambda-006", N, "lambda:CreateFunction", "lambda:AddPermission", services=LAMBDA),
    _m("glue-001", N, "glue:CreateDevEndpoint", services=GLUE),
    _m("glue-003", N, "glue:CreateJob", "glue:StartJobRun", services=GLUE),
    _m("glue-004", N, "glue:CreateJob", "glue:CreateTrigger", services=GLUE),
    _m("glue-005", N, "glue:UpdateJob", "glue:StartJobRun", services=GLUE, resource_type="AWS::Glue::Job"),
    _m("glue-006", N, "glue:UpdateJob", "glue:CreateTrigger", services=GLUE, resource_type="AWS::Glue::Job"),
    _m("cloudformation-001", N, "cloudformation:CreateStack", services=CFN),
    _m(
        "cloudformation-003",
        N,
        "cloudformation:CreateStackSet",
        "cloudformation:CreateStackInstances",
        services=CFN,
    ),
    _m(
        "cloudformation-004",
        N,
        "cloudformation:UpdateStackSet",
        services=CFN,
        resource_type="AWS::CloudFormation::StackSet",
    ),
    _m("codebuild-001", N, "codebuild:CreateProject", "codebuild:StartBuild", services=CODEBUILD),
    _m("codebuild-004", N, "codebuild:CreateProject", "codebuild:StartBuildBatch", services=CODEBUILD),
    _m(
        "datapipeline-001",
        N,
        "datapipeline:CreatePipeline",
        "datapipeline:PutPipelineDefinition",
        "datapipeline:ActivatePipeline",
        services=("datapipeline.amazonaws.com", "elasticmapreduce.amazonaws.com"),
    ),
    _m("ecs-001", N, "ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:CreateService", services=ECS),
    _m("ecs-002", N, "ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:RunTask", services=ECS),
    _m(
        "ecs-003", N, "ecs:RegisterTaskDefinition", "ecs:CreateService", services=ECS, resource_type="AWS::ECS::Cluster"
    ),
    _m("ecs-004", N, "ecs:RegisterTaskDefinition", "ecs:RunTask", services=ECS, resource_type="AWS::ECS::Cluster"),
    _m("ecs-005", N, "ecs:RegisterTaskDefinition", "ecs:StartTask", services=ECS, resource_type="AWS::ECS::Cluster"),
    _m("sagemaker-001", N, "sagemaker:CreateNotebookInstance", services=SAGEMAKER),
    _m("sagemaker-002", N, "sagemaker:CreateTrainingJob", services=SAGEMAKER),
    _m("sagemaker-003", N, "sagemaker:CreateProcessingJob", services=SAGEMAKER),
    _m("apprunner-001", N, "apprunner:CreateService", services=APPRUNNER),
    _m(
        "bedrock-001",
        N,
        "bedrock-agentcore:CreateCodeInterpreter",
        "bedrock-agentcore:StartCodeInterpreterSession",
        "bedrock-agentcore:InvokeCodeInterpreter",
        services=AGENTCORE,
    ),
    # an existing resource that runs as a role
    _m("lambda-003", E, "lambda:UpdateFunctionCode", services=LAMBDA, resource_type="AWS::Lambda::Function"),
    _m(
        "lambda-004",
        E,
        "lambda:UpdateFunctionCode",
        "lambda:InvokeFunction",
        services=LAMBDA,
        resource_type="AWS::Lambda::Function",
    ),
    _m(
        "lambda-005",
        E,
        "lambda:UpdateFunctionCode",
        "lambda:AddPermission",
        services=LAMBDA,
        resource_type="AWS::Lambda::Function",
    ),
    _m(
        "ec2-002",
        E,
        "ec2:ModifyInstanceAttribute",
        "ec2:StopInstances",
        "ec2:StartInstances",
        services=EC2,
        resource_type="AWS::EC2::Instance",
        instance_profile=True,
    ),
    _m(
        "ec2-004",
        E,
        "ec2:CreateLaunchTemplateVersion",
        "ec2:ModifyLaunchTemplate",
        services=EC2,
        resource_type="AWS::EC2::LaunchTemplate",
        instance_profile=True,
    ),
    _m("ssm-001", E, "ssm:StartSession", services=EC2, resource_type="AWS::EC2::Instance", instance_profile=True),
    _m("ssm-002", E, "ssm:SendCommand", services=EC2, resource_type="AWS::EC2::Instance", instance_profile=True),
    _m(
        "ec2instanceconnect-003",
        E,
        "ec2-instance-connect:SendSSHPublicKey",
        "ec2:DescribeInstances",
        services=EC2,
        resource_type="AWS::EC2::Instance",
        instance_profile=True,
    ),
    _m("glue-002", E, "glue:UpdateDevEndpoint", services=GLUE, resource_type="AWS::Glue::DevEndpoint"),
    _m("codebuild-002", E, "codebuild:StartBuild", services=CODEBUILD, resource_type="AWS::CodeBuild::Project"),
    _m("codebuild-003", E, "codebuild:StartBuildBatch", services=CODEBUILD, resource_type="AWS::CodeBuild::Project"),
    _m(
        "cloudformation-002",
        E,
        "cloudformation:UpdateStack",
        services=CFN,
        resource_type="AWS::CloudFormation::Stack",
    ),
    _m(
        "cloudformation-005",
        E,
        "cloudformation:CreateChangeSet",
        "cloudformation:ExecuteChangeSet",
        services=CFN,
        resource_type="AWS::CloudFormation::Stack",
    ),
    _m("apprunner-002", E, "apprunner:UpdateService", services=APPRUNNER, resource_type="AWS::AppRunner::Service"),
    _m(
        "sagemaker-004",
        E,
        "sagemaker:CreatePresignedNotebookInstanceUrl",
        services=SAGEMAKER,
        resource_type="AWS::SageMaker::NotebookInstance",
    ),
    _m(
        "sagemaker-005",
        E,
        "sagemaker:CreateNotebookInstanceLifecycleConfig",
        "sagemaker:StopNotebookInstance",
        "sagemaker:UpdateNotebookInstance",
        "sagemaker:StartNotebookInstance",
        services=SAGEMAKER,
        resource_type="AWS::SageMaker::NotebookInstance",
    ),
    _m(
        "bedrock-002",
        E,
        "bedrock-agentcore:StartCodeInterpreterSession",
        "bedrock-agentcore:InvokeCodeInterpreter",
        services=AGENTCORE,
        resource_type="AWS::BedrockAgentCore::CodeInterpreterCustom",
    ),
)

SET_DEFAULT_VERSION = "cloudward-iam-001"
"""``iam:SetDefaultPolicyVersion`` back to an older version that grants more: a method Rhino Security Labs
documented that the pathfinding.cloud catalogue does not list, so cloudward gives it an id of its own."""
EXTRA_METHODS: tuple[Method, ...] = (_m(SET_DEFAULT_VERSION, S, "iam:SetDefaultPolicyVersion"),)

BY_ID = {method.id: method for method in (*METHODS, *EXTRA_METHODS)}

NOT_ON_RESOURCE = ("describe", "list", "get")
"""Actions whose name starts with these are read-only lookups evaluated on ``*``."""

ON_CREATED = frozenset(
    {
        "sagemaker:createnotebookinstancelifecycleconfig",
    }
)
"""Actions of EXISTING methods that act on a resource the caller creates, not on the one taken over."""
