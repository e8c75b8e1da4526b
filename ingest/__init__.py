"""Ingest pipelines: source files → validated, resolved nodes and edges → a kg store."""
