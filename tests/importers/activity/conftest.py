"""Shared helpers for the activity importer tests: paths into ../shared/data/activity."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def activity_dir(shared_data: Path) -> Path:
    """``../shared/data/activity``."""
    return shared_data / "activity"
