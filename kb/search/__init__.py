"""Full-text search: text analysis (English and Japanese), index documents (with the Japanese words
of `synonyms` for what the KB names in English), the incremental whoosh index kept in the cache
folder, the query language (with the figure and date filters of `figure_filter`), snippets and the
engine that runs and ranks a query."""
