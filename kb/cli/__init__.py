"""The command line: `kb.cli.main` parses and dispatches; each command is one module here."""
