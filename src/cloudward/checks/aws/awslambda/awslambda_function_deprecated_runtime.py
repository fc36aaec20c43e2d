"""Lambda functions do not run on a runtime AWS has deprecated."""

from __future__ import annotations

from datetime import UTC, datetime

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

# Runtime identifier -> the deprecation date in the Lambda developer guide's deprecated-runtimes table (the
# day Lambda stops security patches and support). Only dates that have passed are listed: projected dates
# move (AWS has postponed several), so a runtime is added here once its deprecation has happened.
DEPRECATED_RUNTIMES: dict[str, str] = {
    "nodejs": "2016-10-31",
    "dotnetcore2.0": "2019-05-30",
    "dotnetcore1.0": "2019-07-30",
    "nodejs6.10": "2019-08-12",
    "nodejs4.3": "2020-03-05",
    "nodejs4.3-edge": "2020-03-05",
    "nodejs8.10": "2020-03-06",
    "python2.7": "2021-07-15",
    "nodejs10.x": "2021-07-30",
    "ruby2.5": "2021-07-30",
    "dotnetcore2.1": "2022-01-05",
    "dotnet5.0": "2022-05-10",
    "python3.6": "2022-07-18",
    "nodejs12.x": "2023-03-31",
    "dotnetcore3.1": "2023-04-03",
    "nodejs14.x": "2023-12-04",
    "python3.7": "2023-12-04",
    "ruby2.7": "2023-12-07",
    "java8": "2024-01-08",  # Amazon Linux 1; java8.al2 is a different runtime
    "go1.x": "2024-01-08",
    "provided": "2024-01-08",  # the Amazon Linux 1 OS-only runtime; provided.al2 and .al2023 are others
    "dotnet7": "2024-05-14",
    "nodejs16.x": "2024-06-12",
    "python3.8": "2024-10-14",
    "dotnet6": "2024-12-20",
    "nodejs18.x": "2025-09-01",
    "python3.9": "2025-12-15",
}

meta = CheckMeta(
    id="awslambda_function_deprecated_runtime",
    title="Lambda function does not use a deprecated runtime",
    service="lambda",
    resource_type="AWS::Lambda::Function",
    severity=Severity.MEDIUM,
    layer=Layer.POSTURE,
    threat=Threat.SUPPLY_CHAIN,
    service_model=ServiceModel.PAAS,
    description=(
        "Fails when the function's Runtime is in cloudward's table of deprecated Lambda runtimes and its "
        "deprecation date is on or before the time the inventory was collected, naming the date: python2.7, "
        "python3.6 to 3.9, nodejs up to nodejs18.x, the dotnetcore and dotnet 5 to 7 runtimes, ruby2.5 and "
        "2.7, java8 (Amazon Linux 1; java8.al2 is not deprecated by this table), go1.x and provided (Amazon "
        "Linux 1). Dates are those of the Lambda developer guide's deprecated-runtimes table; runtimes whose "
        "deprecation is only projected are not listed until the date passes. Other runtimes pass. Container "
        "image functions (PackageType=Image, no Runtime) are not applicable: their runtime is inside the "
        "image. Security Hub Lambda.2 is a similar control with a list of supported runtimes instead."
    ),
    risk=(
        "A deprecated runtime no longer receives security patches to its language runtime and operating "
        "system: known vulnerabilities stay exploitable through the function's input, and AWS eventually "
        "blocks updates to the function, so an urgent fix cannot be deployed."
    ),
    remediation=Remediation(
        summary="Move the function to a supported runtime of the same language, test it, and deploy.",
        console=(
            "Open the Lambda console and choose the function.",
            "Code tab > Runtime settings > Edit.",
            "Choose a supported runtime (for example python3.13 or nodejs22.x) and save, after testing the code on it.",
        ),
        cli="aws lambda update-function-configuration --function-name FUNCTION --runtime python3.13",
        terraform=('resource "aws_lambda_function" "this" {\n  # ...\n  runtime = "python3.13"\n}'),
    ),
    references=(
        "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/runtime-support-policy.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/lambda-controls.html#lambda-2",
    ),
)


def _deprecated_on(runtime: str) -> datetime | None:
    date = DEPRECATED_RUNTIMES.get(runtime)
    return datetime.fromisoformat(date).replace(tzinfo=UTC) if date else None


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming the runtime and its deprecation date when that date has passed."""
    configuration = resource.configuration or {}
    runtime = configuration.get("Runtime")
    if not runtime:
        package = configuration.get("PackageType")
        if package == "Image":
            return CheckResult.not_applicable("container image function: the runtime is inside the image")
        raise UnknownAttributeError("Runtime", f"absent from the function's configuration (PackageType={package})")
    deprecated = _deprecated_on(str(runtime))
    if deprecated is None:
        return CheckResult.passed(f"Runtime={runtime} is not in the deprecated-runtimes table")
    if deprecated <= inventory.collected_at:
        days = (inventory.collected_at - deprecated).days
        return CheckResult.failed(f"Runtime={runtime} deprecated on {deprecated.date()} ({days} days before the scan)")
    return CheckResult.passed(f"Runtime={runtime} is deprecated only from {deprecated.date()}, after the scan")
