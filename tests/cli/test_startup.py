"""Start-up stays light: `cloudward scan` must not pay for the detection engine's libraries."""

from __future__ import annotations

import subprocess
import sys


def test_the_cli_imports_no_detection_engine_at_start_up() -> None:
    probe = "import sys, cloudward.cli.app; print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    loaded = set(
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    )
    assert loaded.isdisjoint({"duckdb", "pyarrow", "sigma", "msgspec", "isal"})
