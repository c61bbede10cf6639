"""The writer's journal: one JSON line per event, flushed and fsynced before it moves on.

A `begin` line is written before an action starts and an `ack` line only after the service
call has returned (committed), so the checker knows both what was promised (acks) and what
might be half-done (begins without an ack). A line cut short by the kill is ignored.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class Journal:
    def __init__(self, path: Path) -> None:
        self._fh = open(path, "a", encoding="utf-8")  # noqa: SIM115 (held for the run)
        if size(path) and not path.read_bytes().endswith(b"\n"):
            self._fh.write("\n")  # end the line the last kill tore

    def write(self, event: str, kind: str = "", **info: Any) -> None:
        self._fh.write(json.dumps({"t": event, "kind": kind, **info}) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def begin(self, kind: str, **info: Any) -> None:
        self.write("begin", kind, **info)

    def ack(self, kind: str, **info: Any) -> None:
        self.write("ack", kind, **info)

    def close(self) -> None:
        self._fh.close()


def size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def read(path: Path, offset: int = 0) -> list[dict[str, Any]]:
    """Every complete line of the journal from byte `offset` on (a torn last line is not an
    acknowledgement)."""
    if not path.exists():
        return []
    with open(path, "rb") as fh:
        fh.seek(offset)
        text = fh.read().decode("utf-8")
    lines = text.split("\n")
    if not text.endswith("\n"):
        lines = lines[:-1]
    events = []
    for line in lines:
        try:
            events.append(json.loads(line))
        except ValueError:  # a line torn by a kill, ended by the next writer
            continue
    return events
