"""Caching of what the public sees: pages, CSVs and API responses of published revisions.

published.py decides what is kept, under which key, for how long, and answers revalidations
(ETag, Last-Modified, 304); backend.py keeps a Redis outage from ever becoming a 500.
"""
