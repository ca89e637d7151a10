"""Convergence maps: an optimizer from every start of a grid, classified and compared;
or from one start over a grid of hyperparameters.

``compute`` runs the grid; ``minima`` decides which minimum a start reached; ``classes``
turns a map into cell classes for a metric; ``diff`` compares two optimizers' maps;
``summary`` and ``export`` say it in words and as CSV/JSON. ``over`` maps (lr, β) from one
start, ``over_export`` writes it, ``stability`` gives the closed-form boundary on quadratics.
"""
