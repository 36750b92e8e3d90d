"""The site-health report: one self-contained HTML file of charts, read-only over the store.

A presentation layer over storage.health's History: data.py turns it into chart rows,
charts.py draws them with Vega-Lite (altair) rendered to inline SVG by vl-convert (no
script, font or request at view time), page.py writes the HTML, queries.py holds the SQL
behind each chart as Datasette canned queries. It only reads, so it lives in storage;
like the rest of storage it imports nothing from the crawler.
"""
