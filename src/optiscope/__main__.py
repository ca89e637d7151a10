"""``python -m optiscope``: the same as the ``optiscope`` command."""

from optiscope.tui.cli.main import console_main

if __name__ == "__main__":
    console_main()
