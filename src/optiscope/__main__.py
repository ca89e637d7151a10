"""``python -m optiscope``: the same as the ``optiscope`` command."""

from optiscope.tui.process import console_main

if __name__ == "__main__":
    console_main()
