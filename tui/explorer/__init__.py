"""The explorer: one screen that owns the comparison it shows (``screen``), what it hands its
widgets (``snapshot``), the edits the controls send it (``edits``) and the helpers for what
leaves it and comes back (``files``, ``sessions``, ``maps``)."""
