"""Raw captures of fetched pages as WARC/1.1 files (warc.py writes, component.py hooks Scrapy)."""
