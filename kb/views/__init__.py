"""What is computed from a loaded KB for people to read: chip comparisons and entities with their
references resolved. Every output (CLI, notes, the app) renders these; none computes its own."""
