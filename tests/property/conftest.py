"""The fixture every importer's property tests share: a folder of input files per module."""

from __future__ import annotations

import pytest

from tests.support.importers import Files


@pytest.fixture(scope="module")
def files(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Files:
    """A fresh folder for the module's examples (named after it, to find a failing input)."""
    return Files(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1]))
