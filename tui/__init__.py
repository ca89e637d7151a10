"""optiscope.tui: the terminal front ends (the headless CLI and the Textual explorer)."""
