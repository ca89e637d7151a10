"""Test setup shared by every file: deterministic colours for Textual snapshots."""

from __future__ import annotations

import os

# Snapshot tests compare colours; NO_COLOR (set in some shells) would strip them.
os.environ.pop("NO_COLOR", None)
