"""The one error type the core raises for anything a user can get wrong."""


class OptiscopeError(ValueError):
    """A bad name, value or spec, with a message fit to show a user as it is.

    The CLI prints it as one line and exits 2; the explorer shows it inline.
    """
