"""Plot machinery shared by the explorer's plot widgets: plotext-exact mapping, frames, layers."""
