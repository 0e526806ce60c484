"""Reading a KB folder: YAML files -> entities -> a validated `KnowledgeBase` (`kb.store.knowledge.load_kb`).

Imports nothing of kb's but `kb.text` and `kb.locations`: reading never depends on search or notes.
"""
