"""`cleanwire import-warc`: WARC records read (reader), cleaned and stored (importer)."""
