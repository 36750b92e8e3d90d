"""Item pipelines: store cleaned pages and fetch records in batches (store)."""
