"""Scrapy extensions of a crawl: progress, logs, memory, throttling, lock heartbeats."""
