"""Every VPC has an active flow log."""

from __future__ import annotations

from typing import Any

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
    id="vpc_flow_logs_enabled",
    title="VPC flow logging is enabled",
    service="vpc",
    resource_type="AWS::EC2::VPC",
    severity=Severity.MEDIUM,
    layer=Layer.DETECTION,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.IAAS,
    description=(
        "Passes when at least one flow log attached to the VPC itself (DescribeFlowLogs ResourceId = "
        "the VPC id) has FlowLogStatus ACTIVE and a DeliverLogsStatus other than FAILED (a flow log whose "
        "delivery fails records nothing). Any traffic type (ALL, ACCEPT or REJECT) and any destination "
        "counts; CIS asks for at least REJECT, and the traffic type is named in the reason. Flow logs on "
        "subnets or interfaces only do not count. A flow log without FlowLogStatus is not assumed "
        "active: when no flow log is known to be active and one lacks its status, the result is ERROR."
    ),
    risk=(
        "Without flow logs there is no record of which addresses talked to which instances, so "
        "scanning, lateral movement and exfiltration over the network cannot be detected or "
        "reconstructed after an incident."
    ),
    remediation=Remediation(
        summary="Create a flow log for the VPC (traffic type ALL or REJECT) to CloudWatch Logs or S3.",
        console=(
            "Open the VPC console > Your VPCs and choose the VPC.",
            "Flow logs tab > Create flow log.",
            "Filter 'All' (or 'Reject'), destination CloudWatch Logs (with a role) or an S3 bucket, create.",
        ),
        cli=(
            "aws ec2 create-flow-logs --resource-type VPC --resource-ids VPC_ID --traffic-type ALL "
            "--log-destination-type s3 --log-destination arn:aws:s3:::FLOW_LOG_BUCKET"
        ),
        terraform=(
            'resource "aws_flow_log" "this" {\n'
            "  vpc_id               = aws_vpc.this.id\n"
            '  traffic_type         = "ALL"\n'
            '  log_destination_type = "s3"\n'
            "  log_destination      = aws_s3_bucket.flow_logs.arn\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=("FlowLogs",),
)


def _label(flow_log: Any) -> str:
    return str(flow_log.get("FlowLogId") or "flow log without id")


def _delivering(flow_log: Any) -> bool:
    return str(flow_log.get("DeliverLogsStatus", "")).upper() != "FAILED"


def _why_not(flow_log: Any) -> str:
    why = f"{_label(flow_log)}: FlowLogStatus={flow_log.get('FlowLogStatus')}"
    if "DeliverLogsStatus" in flow_log:
        why += f", DeliverLogsStatus={flow_log['DeliverLogsStatus']}"
    if flow_log.get("DeliverLogsErrorMessage"):
        why += f" ({flow_log['DeliverLogsErrorMessage']})"
    return why


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming an active flow log; FAIL naming why each flow log does not count."""
    flow_logs = list(resource.supplement("FlowLogs") or [])
    for flow_log in flow_logs:
        if str(flow_log.get("FlowLogStatus", "")).upper() == "ACTIVE" and _delivering(flow_log):
            destination = flow_log.get("LogDestinationType") or "cloud-watch-logs"
            return CheckResult.passed(
                f"{_label(flow_log)} is ACTIVE (TrafficType={flow_log.get('TrafficType', '?')}, "
                f"destination {destination})"
            )
    statusless = [_label(f) for f in flow_logs if "FlowLogStatus" not in f and _delivering(f)]
    if statusless:
        raise UnknownAttributeError("FlowLogStatus", f"absent for {', '.join(statusless)}")
    if not flow_logs:
        return CheckResult.failed("no flow log for the VPC")
    return CheckResult.failed("no active flow log: " + "; ".join(_why_not(f) for f in flow_logs))
