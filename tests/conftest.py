"""Test setup shared by every file: deterministic colours for Textual snapshots."""

from __future__ import annotations

import os
import tempfile

# Snapshot tests compare colours; NO_COLOR (set in some shells) would strip them.
os.environ.pop("NO_COLOR", None)
# The developer's own preferences (theme, default view) must not change what tests see,
# and no test may write to the real config directory.
os.environ["OPTISCOPE_CONFIG_DIR"] = tempfile.mkdtemp(prefix="optiscope-test-config-")

#: Test files that time themselves (bursts must finish within a second), start servers or a
#: browser: pytest-xdist runs them one after another in one worker (--dist loadgroup), so
#: they never compete with each other for the cores.
TIMED = {
    "test_fuzz_keys.py",
    "test_web_e2e.py",
    "test_serve.py",
    "test_serve_limits.py",
    "test_serve_proxy.py",
    "test_cli_conventions.py",
}


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    import pytest

    for item in items:
        if item.path.name in TIMED:
            item.add_marker(pytest.mark.xdist_group("timed"))
