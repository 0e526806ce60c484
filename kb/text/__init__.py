"""Plain-text rules every layer shares: terminal-safe text, passages of a source text, slugs and
"did you mean" suggestions. Imports nothing else of kb's."""
