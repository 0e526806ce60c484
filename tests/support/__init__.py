"""Helpers shared by the tests, imported one way: `from tests.support.<module> import ...`.

paths          where the repository, the fixture KBs and the bundled KB are
kb_files       small KBs a test writes into its own folder
pilot          starting the app headless and waiting until it is ready
search_kb      a small English and Japanese KB for the search tests
kb_strategies  hypothesis strategies for generated KBs
markdown_vault reading an exported vault back as markdown
hostile_corpus the bad KBs of tests/fixtures/hostile and the exact problems of each
"""
