"""optiscope: watch gradient-descent optimizers think, one step at a time.

The package's code lives in two subpackages: ``optiscope.core`` (pure NumPy: surfaces,
optimizers, trajectories) and ``optiscope.tui`` (the command line and the explorer). This
folder holds only what ``python -m optiscope`` needs.
"""
