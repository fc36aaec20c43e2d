"""The AWS collector: fans ResourceSpecs out over regions in a bounded thread pool.

It owns pagination, retries (botocore adaptive mode, set in the client factory), error capture and
progress. Every failed call becomes an :class:`Unknown` attribute or a listing error, recorded per
service and region; none is dropped, and none turns into a default that would let a check PASS.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from cloudward.core.errors import CollectionSetupError
from cloudward.inventory import CollectionError, Inventory, Resource, Unknown
from cloudward.inventory.attrs import normalize
from cloudward.inventory.inventory import GLOBAL_REGION
from cloudward.inventory.resource import CONFIGURATION, SUPPLEMENTARY
from cloudward.providers.aws.clients import ClientFactory
from cloudward.providers.aws.spec import Bulk, Call, Context, Item, ResourceSpec, Scope

Needs = Mapping[str, frozenset[str]]
"""Resource type -> the supplements to read for it."""


class Progress(Protocol):
    """Receives progress per (service, region): calls planned and calls done."""

    def planned(self, service: str, region: str, calls: int) -> None:
        """More calls are queued for this service and region."""

    def done(self, service: str, region: str, calls: int = 1) -> None:
        """Calls finished (successfully or not)."""


class _NoProgress:
    def planned(self, service: str, region: str, calls: int) -> None:
        return None

    def done(self, service: str, region: str, calls: int = 1) -> None:
        return None


@dataclass(frozen=True, slots=True)
class _Failure:
    code: str
    message: str


@dataclass
class _Partial:
    """A resource being assembled: its listing item, home region and supplements read so far."""

    spec: ResourceSpec
    item: Item
    region: str
    supplements: dict[str, Any] = field(default_factory=dict)


def _error_code(exc: Exception) -> _Failure:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code") or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "Error"))
        return _Failure(code, str(error.get("Message") or "")[:300])
    return _Failure(type(exc).__name__, str(exc)[:300])


class _Tasks:
    """Tasks that may submit further tasks; ``wait`` returns when all, including new ones, are done."""

    def __init__(self, pool: ThreadPoolExecutor) -> None:
        self._pool = pool
        self._futures: set[Future[None]] = set()
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., None], *args: Any) -> None:
        future = self._pool.submit(fn, *args)
        with self._lock:
            self._futures.add(future)

    def wait(self) -> None:
        while True:
            with self._lock:
                pending = {future for future in self._futures if not future.done()}
            if not pending:
                break
            wait(pending, return_when=FIRST_COMPLETED)
        for future in self._futures:
            future.result()


class _OnceCache:
    """Results of identical calls, computed once even when many threads ask at the same time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._futures: dict[tuple[Any, ...], Future[Any]] = {}

    def get(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        with self._lock:
            future = self._futures.get(key)
            owner = future is None
            if future is None:
                future = Future()
                self._futures[key] = future
        if owner:
            try:
                future.set_result(compute())
            except BaseException as exc:
                future.set_exception(exc)
        return future.result()


def _freeze(params: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(sorted((key, repr(value)) for key, value in params.items()))


class AwsCollector:
    """Collects the resource types a set of checks needs, from one AWS account."""

    def __init__(
        self,
        clients: ClientFactory,
        specs: Mapping[str, ResourceSpec],
        max_workers: int = 16,
        progress: Progress | None = None,
    ) -> None:
        self._clients = clients
        self._specs = specs
        self._max_workers = max_workers
        self._progress: Progress = progress or _NoProgress()

    def identify(self) -> str:
        """The account id of the credentials in use (a clear error when there are none)."""
        try:
            identity = self._clients.client("sts", self._clients.home_region).get_caller_identity()
        except (ClientError, BotoCoreError) as exc:
            failure = _error_code(exc)
            raise CollectionSetupError(
                f"cannot identify the AWS account ({failure.code}: {failure.message}); check credentials, "
                "--profile and --endpoint-url"
            ) from exc
        return str(identity["Account"])

    def enabled_regions(self) -> list[str]:
        """Regions enabled for the account (opt-in regions only when opted in)."""
        try:
            response = self._clients.client("ec2", self._clients.home_region).describe_regions(AllRegions=False)
        except (ClientError, BotoCoreError) as exc:
            failure = _error_code(exc)
            raise CollectionSetupError(
                f"cannot list enabled regions ({failure.code}: {failure.message}); pass --regions explicitly"
            ) from exc
        return sorted(region["RegionName"] for region in response["Regions"])

    def collect(self, needs: Needs, regions: Sequence[str] | None = None) -> Inventory:
        """Read every needed type and supplement; return the inventory with every failure recorded."""
        unknown_types = set(needs) - set(self._specs)
        if unknown_types:
            raise CollectionSetupError(f"no collector for resource type(s): {', '.join(sorted(unknown_types))}")
        for type_name, supplements in needs.items():
            unknown_supplements = supplements - set(self._specs[type_name].supplements)
            if unknown_supplements:
                raise CollectionSetupError(
                    f"no collector for {type_name} supplement(s): {', '.join(sorted(unknown_supplements))}"
                )
        started = datetime.now(UTC)
        account_id = self.identify()
        scan_regions = list(regions) if regions else self.enabled_regions()
        run = _CollectionRun(self._clients, account_id, self._progress)
        with ThreadPoolExecutor(max_workers=self._max_workers, thread_name_prefix="cloudward-collect") as pool:
            tasks = _Tasks(pool)
            for type_name in sorted(needs):
                spec = self._specs[type_name]
                for region in [GLOBAL_REGION] if spec.scope is Scope.GLOBAL else scan_regions:
                    self._progress.planned(spec.service, region, 1)
                    tasks.submit(run.list_type, tasks, spec, region, needs[type_name])
            tasks.wait()
        inventory = Inventory(
            account_id=account_id, collected_at=started, regions=tuple(scan_regions), collected=dict(needs)
        )
        inventory.add(run.resources())
        inventory.errors.extend(run.errors())
        return inventory


class _CollectionRun:
    """The state of one collection: partial resources, the call cache and failures."""

    def __init__(self, clients: ClientFactory, account_id: str, progress: Progress) -> None:
        self._clients = clients
        self._account_id = account_id
        self._progress = progress
        self._cache = _OnceCache()
        self._lock = threading.Lock()
        self._partials: list[_Partial] = []
        self._failures: Counter[tuple[str, str, str, str, str, str, str]] = Counter()

    def _client_region(self, region: str) -> str:
        return self._clients.home_region if region == GLOBAL_REGION else region

    def _record(
        self, spec: ResourceSpec, service: str, region: str, operation: str, failure: _Failure, supplement: str = ""
    ) -> None:
        key = (service, region, spec.type, operation, failure.code, failure.message, supplement)
        with self._lock:
            self._failures[key] += 1

    def _invoke(self, service: str, region: str, call: Call, params: dict[str, Any]) -> Any:
        client = self._clients.client(service, self._client_region(region))
        if call.custom is not None:
            return call.custom(client, params)
        return getattr(client, call.operation)(**params)

    def _paginate(self, service: str, region: str, operation: str, params: Mapping[str, Any]) -> list[Any]:
        def compute() -> list[Any]:
            client = self._clients.client(service, self._client_region(region))
            if client.can_paginate(operation):
                return list(client.get_paginator(operation).paginate(**params))
            return [getattr(client, operation)(**params)]

        result: list[Any] = self._cache.get(("list", service, region, operation, _freeze(params)), compute)
        return result

    def list_type(self, tasks: _Tasks, spec: ResourceSpec, region: str, supplements: frozenset[str]) -> None:
        try:
            items = self._list_items(spec, region)
            if spec.keep is not None:
                ctx = Context(self._account_id, region)
                items = [item for item in items if spec.keep(item, ctx)]
            partials = [_Partial(spec, spec.redact(item) if spec.redact else item, region) for item in items]
        except Exception as exc:
            operation = spec.listing.operation if spec.listing else "synthesize"
            self._record(spec, spec.service, region, operation, _error_code(exc))
            return
        finally:
            self._progress.done(spec.service, region)
        with self._lock:
            self._partials.extend(partials)
        for partial in partials:
            if spec.region_of is not None:
                self._progress.planned(spec.service, region, 1)
                tasks.submit(self._locate_then_supplement, tasks, partial, supplements)
            else:
                self._submit_supplements(tasks, partial, supplements)

    def _list_items(self, spec: ResourceSpec, region: str) -> list[Item]:
        if spec.listing is None:  # the account and region pseudo-resources
            key = "AccountId" if spec.scope is Scope.GLOBAL else "RegionName"
            return [{key: self._account_id if spec.scope is Scope.GLOBAL else region}]
        try:
            pages = self._paginate(spec.service, region, spec.listing.operation, spec.listing.params)
        except ClientError as exc:
            if _error_code(exc).code in spec.listing.none_configured:
                return []
            raise
        return [item for page in pages for item in spec.listing.items(page)]

    def _locate_then_supplement(self, tasks: _Tasks, partial: _Partial, supplements: frozenset[str]) -> None:
        spec = partial.spec
        assert spec.region_of is not None
        call = spec.region_of
        listed_in = partial.region
        try:
            params = call.params(partial.item, Context(self._account_id, listed_in))
            partial.region = str(call.select(self._invoke(spec.service, listed_in, call, params)))
        except Exception as exc:
            failure = _error_code(exc)
            self._record(spec, spec.service, listed_in, call.operation, failure, "Region")
            reason = f"{failure.code}: {call.permission}"
            partial.supplements.update({name: Unknown(reason) for name in supplements})
            return
        finally:
            self._progress.done(spec.service, listed_in)
        self._submit_supplements(tasks, partial, supplements)

    def _submit_supplements(self, tasks: _Tasks, partial: _Partial, supplements: frozenset[str]) -> None:
        for name in sorted(supplements):
            supplement = partial.spec.supplements[name]
            call = supplement.call if isinstance(supplement, Bulk) else supplement
            self._progress.planned(call.service or partial.spec.service, partial.region, 1)
            tasks.submit(self._read_supplement, partial, name)

    def _bulk_mapping(self, service: str, region: str, call: Call, params: dict[str, Any]) -> dict[str, Any]:
        """A Bulk call's key -> value mapping over every page (lists under one key are concatenated)."""
        if call.custom is not None:
            return dict(call.select(self._invoke(service, region, call, params)))
        merged: dict[str, Any] = {}
        for page in self._paginate(service, region, call.operation, params):
            for key, value in call.select(page).items():
                if isinstance(value, list) and isinstance(merged.get(key), list):
                    merged[key] = merged[key] + value
                else:
                    merged[key] = value
        return merged

    def _read_supplement(self, partial: _Partial, name: str) -> None:
        spec = partial.spec
        supplement = spec.supplements[name]
        call = supplement.call if isinstance(supplement, Bulk) else supplement
        service = call.service or spec.service
        ctx = Context(self._account_id, partial.region)
        try:
            if isinstance(supplement, Bulk):
                mapping = self._cache.get(
                    ("bulk", service, partial.region, call.operation, id(call)),
                    lambda: self._bulk_mapping(service, partial.region, call, call.params(partial.item, ctx)),
                )
                value = mapping.get(supplement.key(partial.item, ctx), supplement.missing)
                if isinstance(value, Unknown):  # the bulk answer lacks this resource: say so in the errors too
                    self._record(spec, service, partial.region, call.operation, _Failure("Missing", value.reason), name)
            else:
                value = call.select(self._invoke(service, partial.region, call, call.params(partial.item, ctx)))
        except Exception as exc:
            failure = _error_code(exc)
            if failure.code in call.not_configured:
                value = call.not_configured[failure.code]
            else:
                self._record(spec, service, partial.region, call.operation, failure, name)
                value = Unknown(f"{failure.code}: {call.permission}")
        finally:
            self._progress.done(service, partial.region)
        partial.supplements[name] = value

    def resources(self) -> Iterable[Resource]:
        for partial in self._partials:
            spec = partial.spec
            ctx = Context(self._account_id, partial.region)
            try:
                resource = Resource(
                    arn=spec.arn(partial.item, ctx),
                    type=spec.type,
                    account_id=self._account_id,
                    region=partial.region,
                    name=spec.name(partial.item),
                    tags=spec.tags(partial.item),
                    attrs={
                        CONFIGURATION: normalize(partial.item),
                        SUPPLEMENTARY: normalize(partial.supplements),
                    },
                )
            except Exception as exc:  # an item without the fields the spec expects: recorded, not dropped silently
                operation = spec.listing.operation if spec.listing else "assemble"
                self._record(
                    spec,
                    spec.service,
                    partial.region,
                    operation,
                    _Failure("MalformedItem", f"{type(exc).__name__}: {exc}"),
                )
                continue
            yield resource

    def errors(self) -> list[CollectionError]:
        return [
            CollectionError(service, region, resource_type, operation, code, message, supplement, count)
            for (service, region, resource_type, operation, code, message, supplement), count in sorted(
                self._failures.items()
            )
        ]
