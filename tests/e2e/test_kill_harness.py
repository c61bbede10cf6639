"""A few kill points of the soak harness in every test run (`make soak` runs hundreds).

A writer process records calls, adds timeline entries, imports contacts and recipients,
makes and renders letter batches, moves a template through review and writes backups,
journalling each action only after it returned; it is killed with SIGKILL at random points
and restarted on the same desk. After each kill every acknowledged write is in the desk, no
import or batch is half there, the renders resume to exactly one letter per recipient in
files pypdf opens, the backups verify, the desk passes its integrity checks and the audit
chain holds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.soak.harness import Soak
from tests.support.cli import run_cli

KILL_POINTS = 6
SEED = 20260320


@pytest.mark.slow
def test_kill_9_at_random_points_loses_no_acknowledged_write(tmp_path: Path) -> None:
    soak = Soak(tmp_path / "soak", SEED)
    totals = soak.run(KILL_POINTS)
    # a problem names what was lost or half-done, or a restarted writer that the lock the
    # killed one held kept out
    assert totals.problems == []
    assert totals.lost == 0
    assert totals.survived == totals.tried == KILL_POINTS
    assert totals.acks > 0, "the writer acknowledged nothing: nothing was tested"
    out = run_cli(soak.data_dir, "audit", "verify")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("OK:")

