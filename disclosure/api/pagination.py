"""Keyset pagination: the cursor is the last row's sort key, so page 1,000 costs what page 1 does.

A cursor is opaque to clients (URL-safe base64 of a JSON list); a forged or stale one is a 400
with a Chinese message, never a 500.
"""

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet
from ninja.errors import HttpError

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
BAD_CURSOR = "分页游标无效，请使用上一页响应中 next 给出的地址。"


def encode_cursor(key: Sequence[Any]) -> str:
    raw = json.dumps(list(key), ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, types: Sequence[type]) -> tuple:
    """The sort key in `cursor`, checked against the key's field types."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise HttpError(400, BAD_CURSOR) from None
    if not isinstance(key, list) or len(key) != len(types):
        raise HttpError(400, BAD_CURSOR)
    for value, kind in zip(key, types, strict=True):
        # bool is an int to Python, not to us; ints beyond 64 bits overflow the database.
        if type(value) is not kind or (kind is int and not 0 <= value < 2**63):
            raise HttpError(400, BAD_CURSOR)
    return tuple(key)


def after(fields: Sequence[str], key: Sequence[Any]) -> Q:
    """Rows whose (fields…) tuple sorts after `key`, all fields ascending."""
    condition = Q(pk__in=[])
    for i, name in enumerate(fields):
        equal = {f: v for f, v in zip(fields[:i], key[:i], strict=True)}
        condition |= Q(**equal, **{f"{name}__gt": key[i]})
    return condition


def keyset_page(
    rows: QuerySet, *, fields: Sequence[str], types: Sequence[type], cursor: str | None, limit: int
) -> tuple[list, str | None]:
    """One page of `rows` ordered by `fields`, and the cursor of the next page (None: last)."""
    if cursor:
        rows = rows.filter(after(fields, decode_cursor(cursor, types)))
    page = list(rows.order_by(*fields)[: limit + 1])
    if len(page) <= limit:
        return page, None
    page = page[:limit]
    return page, encode_cursor([_value(page[-1], f) for f in fields])


def _value(row, field: str):
    return getattr(row, field.replace("__", "_"))


def next_url(request, cursor: str | None) -> str | None:
    """This request's URL with `cursor` replaced: the client follows it as is."""
    if cursor is None:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
