"""Importing public datasets (Epoch AI's ML hardware, the MIT LL accelerator survey) into a KB:
rows read and checked, mapped to chips, compared with what the KB states, and written as YAML
files the importer owns. Imports kb.store and kb.text only."""
