"""The public JSON API, /api/v1/ (Django Ninja): published data only, read-only, versioned.

api.py builds the NinjaAPI (errors in Chinese, docs without a CDN); views.py holds the
operations, thin over selectors.py; schemas.py the response shapes (money as decimal strings);
pagination.py the keyset cursors; siblings.py the `.json` siblings of the public pages.
Responses are kept and revalidated by disclosure.caching, as the pages are.
"""
