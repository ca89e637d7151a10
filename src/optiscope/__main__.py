"""``python -m optiscope``: the same as the ``optiscope`` command."""

import sys

from optiscope.tui.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
