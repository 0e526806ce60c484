"""One module per `chipkb` subcommand; see `kb.cli`."""
