"""The headless command line: `optiscope run`, `optiscope list`."""
