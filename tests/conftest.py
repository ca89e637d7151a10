"""Test setup shared by every file: deterministic colours for Textual snapshots."""

from __future__ import annotations

import os
import tempfile

# Snapshot tests compare colours; NO_COLOR (set in some shells) would strip them.
os.environ.pop("NO_COLOR", None)
# The developer's own preferences (theme, default view) must not change what tests see,
# and no test may write to the real config directory.
os.environ["OPTISCOPE_CONFIG_DIR"] = tempfile.mkdtemp(prefix="optiscope-test-config-")
