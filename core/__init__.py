"""optiscope.core: surfaces, optimizers and trajectories in pure NumPy (no terminal libraries)."""
