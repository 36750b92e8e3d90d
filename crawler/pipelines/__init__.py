"""Item pipelines: clean pages in the process pool (clean), then store them in batches (store)."""
