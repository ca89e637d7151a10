"""What leaves the explorer as files: the runs as CSV and JSON, and SVG screenshots.

Plain functions with explicit arguments: the screen says which runs, which folder and
whether the files also go to a browser. Files are written whole or not at all (through
a temporary file and a rename), so a failed export never leaves half a CSV behind.
"""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

from optiscope.core.export import csv_text, json_text
from optiscope.core.session.file import write_text_atomically

from ..model import ExplorerModel


def stamped(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/optiscope-<stem>-<YYYYmmdd-HHMMSS><suffix>``: names that sort by time."""
    return folder / f"optiscope-{stem}-{time.strftime('%Y%m%d-%H%M%S')}{suffix}"


def export_runs(model: ExplorerModel, folder: Path) -> tuple[Path, Path]:
    """Every run's records up to what is computed, as CSV and JSON in ``folder``.

    Raises OptiscopeError (a file could not be written) or ValueError (the runs hold a
    number JSON cannot say); nothing is left behind either way.
    """
    runs = [r.trajectory for r in model.runs]
    csv_path = stamped(folder, model.surface.name, ".csv")
    json_path = csv_path.with_suffix(".json")
    table = csv_text(model.surface, runs)
    text = json_text(model.surface, model.start, runs, model.noise, model.schedule)
    write_text_atomically(csv_path, table, "export")
    try:
        write_text_atomically(json_path, text, "export")
    except BaseException:
        csv_path.unlink(missing_ok=True)
        raise
    return csv_path, json_path


def bundle(paths: tuple[Path, ...]) -> Path:
    """One zip of ``paths`` beside the first: a browser opens one download per key press."""
    target = paths[0].with_suffix(".zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in paths:
            zf.write(path, path.name)
    return target
