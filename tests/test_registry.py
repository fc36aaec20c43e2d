"""Registry invariants: unique ids, every requirement collectable, metadata complete."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudward.checks.model import Check
from cloudward.checks.registry import Registry, default_registry
from cloudward.core.errors import RegistryError
from cloudward.providers.aws.specs import ALL_SPECS

CHECKS = list(default_registry())


def test_at_least_thirty_checks_cover_every_layer_of_the_foundation() -> None:
    assert len(CHECKS) >= 30
    assert {check.meta.layer.value for check in CHECKS} >= {"identity", "network", "data", "detection"}


def test_duplicate_id_is_rejected_naming_both_modules() -> None:
    registry = Registry()
    check = CHECKS[0]
    registry.register(check)
    with pytest.raises(RegistryError, match=check.meta.id):
        registry.register(Check(meta=check.meta, evaluate=check.evaluate, module="somewhere.else"))


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.meta.id)
def test_every_requirement_is_produced_by_a_spec(check: Check) -> None:
    for type_name, supplements in check.meta.required_supplements().items():
        assert type_name in ALL_SPECS, f"{check.meta.id} requires {type_name}, which no collector produces"
        missing = supplements - set(ALL_SPECS[type_name].supplements)
        assert not missing, f"{check.meta.id} requires {sorted(missing)} of {type_name}, not collected by its spec"


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.meta.id)
def test_metadata_is_complete_and_module_named_after_the_id(check: Check) -> None:
    meta = check.meta
    assert check.module.rsplit(".", 1)[-1] == meta.id
    assert meta.description and meta.risk and meta.remediation.summary
    assert meta.remediation.console and meta.remediation.cli and meta.remediation.terraform
    assert meta.references and all(ref.startswith("https://") for ref in meta.references)


def test_unknown_check_id_suggests_close_matches() -> None:
    with pytest.raises(RegistryError, match="did you mean"):
        default_registry().get("s3_bucket_publik")


def test_user_checks_load_from_a_folder(tmp_path: Path) -> None:
    source = Path(__file__).parent.parent / "src/cloudward/checks/aws/s3/s3_bucket_public_access_block.py"
    text = source.read_text().replace('id="s3_bucket_public_access_block"', 'id="acme_bucket_pab"')
    (tmp_path / "acme_bucket_pab.py").write_text(text)
    registry = default_registry([tmp_path])
    assert "acme_bucket_pab" in registry


def test_user_check_reusing_a_builtin_id_is_rejected(tmp_path: Path) -> None:
    source = Path(__file__).parent.parent / "src/cloudward/checks/aws/s3/s3_bucket_public_access_block.py"
    (tmp_path / "copy.py").write_text(source.read_text())
    with pytest.raises(RegistryError, match="duplicate check id"):
        default_registry([tmp_path])


def test_broken_user_check_file_gives_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("import nonexistent_module_xyz\n")
    with pytest.raises(RegistryError, match=r"cannot import check file .*broken\.py"):
        default_registry([tmp_path])


def test_docs_checks_md_is_generated_from_the_registry() -> None:
    """docs/checks.md must match the code; regenerate with `cloudward checks docs > docs/checks.md`."""
    from cloudward.checks.docs import catalogue_markdown

    path = Path(__file__).parent.parent / "docs" / "checks.md"
    assert path.read_text() == catalogue_markdown(default_registry())
