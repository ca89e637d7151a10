"""Write screenshots/*.svg from the real app, driven key by key through the shared scenes.

    python scripts/make_screenshots.py            # every scene at every size
    python scripts/make_screenshots.py explain    # only scenes whose name contains "explain"

The snapshot tests replay the same scenes (optiscope.tui.scenes), so the README's pictures
are the screens the tests check. Also writes screenshots/index.md with the captions.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

from optiscope.tui.app import OptiscopeApp
from optiscope.tui.scenes import SCENES, Scene

OUT = Path(__file__).resolve().parent.parent / "screenshots"


async def capture(scene: Scene, size: tuple[int, int], export_dir: Path) -> str:
    """The scene's screen as SVG text, after its keys have been pressed and handled."""
    app = OptiscopeApp(scene.model(), export_dir=export_dir)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in scene.keys:
            await pilot.press(key)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        return app.export_screenshot(title=f"optiscope: {scene.caption}")


def file_name(scene: Scene, size: tuple[int, int]) -> str:
    return f"{scene.name}-{size[0]}x{size[1]}.svg"


#: The high-dimensional view (key H) is a screen of its own, not an explorer scene.
HIGHDIM = "highdim.svg"
HIGHDIM_CAPTION = "High-dimensional view: D = 100, κ = 1e4, RMSprop's ηeff per coordinate"
HIGHDIM_KEYS = ("H", "o", "b", "b", *("n" * 40))


async def capture_highdim(export_dir: Path) -> str:
    """The high-dimensional view at 120x40, its basis panel measured."""
    app = OptiscopeApp(export_dir=export_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key in HIGHDIM_KEYS:
            await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause(0.5)  # the measured basis reaches the screen, notices time out
        await pilot.pause()
        return app.export_screenshot(title=f"optiscope: {HIGHDIM_CAPTION}")


async def main(pattern: str) -> int:
    os.environ.pop("NO_COLOR", None)  # colour is part of what the pictures show
    OUT.mkdir(exist_ok=True)
    chosen = [s for s in SCENES if pattern in s.name]
    if not chosen and pattern not in HIGHDIM:
        print(f"no scene matches {pattern!r}; scenes: {', '.join(s.name for s in SCENES)}")
        return 2
    lines = ["# Screenshots", "", "Made by `python scripts/make_screenshots.py`.", ""]
    with tempfile.TemporaryDirectory() as tmp:
        for scene in chosen:
            for size in scene.sizes:
                name = file_name(scene, size)
                (OUT / name).write_text(await capture(scene, size, Path(tmp)), encoding="utf-8")
                print(f"wrote screenshots/{name}")
                lines += [f"## {scene.caption} ({size[0]}x{size[1]})", "", f"![]({name})", ""]
        if pattern in HIGHDIM:
            (OUT / HIGHDIM).write_text(await capture_highdim(Path(tmp)), encoding="utf-8")
            print(f"wrote screenshots/{HIGHDIM}")
            lines += [f"## {HIGHDIM_CAPTION} (120x40)", "", f"![]({HIGHDIM})", ""]
    if not pattern:
        (OUT / "index.md").write_text("\n".join(lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pattern", nargs="?", default="", help="only scenes whose name has this")
    sys.exit(asyncio.run(main(parser.parse_args().pattern)))
