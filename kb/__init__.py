"""chipkb's knowledge base: schema, loading, validation, index, search, export and command line.

Nothing in this package imports `textual` or `tui`; the app builds on it, never the reverse.
"""

__version__ = "0.1.0"
