"""Full-text search: text analysis (English and Japanese), index documents, the incremental whoosh
index kept in the cache folder, the query language, snippets and the engine that runs a query."""
