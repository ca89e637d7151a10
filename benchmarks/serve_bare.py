"""The bare Textual app (``bare_app.py``) served by optiscope's own web server: the floor a
served tab's start-up is measured against in ``bench_serve.py`` (the same server, caps
and websocket path; only the app differs).

Run: ``python benchmarks/serve_bare.py PORT`` (prints one line once it listens).
"""

from __future__ import annotations

import sys
from pathlib import Path

from optiscope.tui.cli.web_server import OptiscopeServer

HERE = Path(__file__).parent


def main() -> None:
    port = int(sys.argv[1])
    url = f"http://127.0.0.1:{port}"
    server = OptiscopeServer(
        f"{sys.executable} {HERE / 'bare_app.py'}", "127.0.0.1", port, url, max_sessions=1000
    )
    print(f"serving the explorer (a bare Textual app in its place) at {url}", flush=True)
    server.serve()


if __name__ == "__main__":
    main()
