"""Beyond two parameters: N-dimensional problems run by the same optimizers."""
