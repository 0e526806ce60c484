"""Writing the KB for people: markdown notes (escaped), the Obsidian/zk vault export, and the
plain-text rendering of `chipkb show`."""
