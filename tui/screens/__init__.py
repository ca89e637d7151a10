"""Modal screens of the explorer: help, jump to a step, add an optimizer."""
