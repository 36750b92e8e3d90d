"""Alembic revisions, oldest first: 0001 creates sites, crawl_runs, articles, fetches."""
