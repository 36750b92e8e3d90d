"""Downloader middlewares: safe destinations, polite retries, robots.txt."""
