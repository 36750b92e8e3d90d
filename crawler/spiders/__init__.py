"""Scrapy spiders of cleanwire."""
