"""Responses of published data, kept whole and revalidated: pages, CSVs, XLSX and the API.

Published revisions never change; what the public sees changes only when something is published
(a correction's publication supersedes the revision it corrects), when findings are refreshed,
or when an agency is edited. `last_change()` is the newest of those moments. Every cache key
carries it, so a publication makes every older key unused at once: the disclosure's own pages,
and the home, year and agency lists and API lists it appears in. Nothing is deleted; old
entries expire after CACHE_SECONDS.

The moment itself is kept in the cache for RECHECK_SECONDS (and by each process for
LOCAL_SECONDS): a cached hit costs no query and one cache read.
A publication sets it at once (`published_changed`, called after the commit); a change made
outside the workflow (an agency renamed in the admin, `reconcile_all`) is picked up when the
moment is read again, within RECHECK_SECONDS. Without Redis each process keeps its own cache,
so a publication made in another process also shows within RECHECK_SECONDS.

Each process also keeps the entries it served last (`_recent`, up to RECENT_BYTES): a key names
one immutable response (the moment and the release are in it), so a copy can never be stale, and
a hit on a popular page then costs no round trip to Redis (most of what a hit cost: the page's
bytes sent, received and unpickled, under load mostly waiting on the socket).

Every response gets Last-Modified (the moment) and an ETag naming what it is (`_identity`: the
release, the moment, the language, the host, the view and its arguments), not a hash of its body:
two renders of one page differ only in the print footer's second, and must revalidate alike. A
request whose If-None-Match names the current identity gets 304 before anything is rendered or
read; If-Modified-Since is answered after. CACHE_SECONDS=0 turns the keeping of responses off;
the moment and revalidation stay.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from functools import cache, wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db.models import Max
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.http import ConditionalGetMiddleware
from django.utils.cache import get_conditional_response
from django.utils.decorators import decorator_from_middleware
from django.utils.http import http_date, parse_http_date_safe

from bureaus.models import Agency
from disclosure.models import Disclosure
from disclosure.models.states import FROZEN_STATUSES

MOMENT_KEY = "public:moment"
RECHECK_SECONDS = 10
# Each process also trusts the moment it last read for a second: a kept page then costs one
# cache read, not two. Another process's publication shows within that second.
LOCAL_SECONDS = 1.0
_seen = (0, 0.0)  # (moment, monotonic time until which this process trusts it)
# A response bigger than this is served but not kept (a national /all.csv runs to gigabytes).
MAX_BYTES = 4 * 2**20
# What each process keeps of the entries it served, most recently used last (see the docstring).
RECENT_BYTES = 32 * 2**20
_recent: OrderedDict = OrderedDict()  # key → entry
_recent_size = 0
_recent_lock = threading.Lock()  # gthread workers serve several requests at once
# Response headers kept with the body; the middleware adds its own (CSP, Vary …) on every hit.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language", "Cache-Control")

# ETag from the body only, for what is not published data (the API's schema and docs page).
etag_only = decorator_from_middleware(ConditionalGetMiddleware)


def last_change():
    """Two queries: the newest update or reconciliation of a frozen (published or superseded)
    disclosure, and the newest audited change of an agency. None when there is neither."""
    row = Disclosure.objects.filter(status__in=FROZEN_STATUSES).aggregate(
        updated=Max("updated_at"), checked=Max("reconciliation__checked_at")
    )
    agencies = Agency.history.aggregate(changed=Max("history_date"))
    moments = [m for m in (*row.values(), agencies["changed"]) if m is not None]
    return max(moments) if moments else None


def _timestamp(moment) -> int:
    """Microseconds: two publications within one second must still give two keys."""
    return round(moment.timestamp() * 1_000_000) if moment is not None else 0


def _cache():
    return caches["default"]


def keeping() -> bool:
    return settings.CACHE_SECONDS > 0


def _remember(value: int) -> int:
    global _seen
    _seen = (value, time.monotonic() + LOCAL_SECONDS)
    return value


def forget() -> None:
    """This process reads the moment afresh at its next request and forgets the entries it
    served (tests start from nothing)."""
    global _seen, _recent_size
    _seen = (0, 0.0)
    with _recent_lock:
        _recent.clear()
        _recent_size = 0


def _recall(key: str) -> dict | None:
    with _recent_lock:
        entry = _recent.get(key)
        if entry is not None:
            _recent.move_to_end(key)
        return entry


def _note(key: str, entry: dict) -> None:
    global _recent_size
    with _recent_lock:
        if key in _recent:
            return
        _recent[key] = entry
        _recent_size += len(entry["content"])
        while _recent_size > RECENT_BYTES and _recent:
            _, dropped = _recent.popitem(last=False)
            _recent_size -= len(dropped["content"])


def _lookup(key: str) -> dict | None:
    """The kept entry: this process's copy, else the shared cache's (then copied here)."""
    entry = _recall(key)
    if entry is None:
        entry = _cache().get(key)
        if entry is not None:
            _note(key, entry)
    return entry


def published_changed(*_published) -> None:
    """After a publication (or a correction's) has committed: every key moves on at once."""
    value = _timestamp(last_change())
    _cache().set(MOMENT_KEY, value, RECHECK_SECONDS)
    _remember(value)


def moment() -> int:
    """The newest change of published data, in microseconds since the epoch (0: none).
    Kept even when responses are not (CACHE_SECONDS=0): its two queries were a third of the
    home page's time."""
    value, until = _seen
    if time.monotonic() < until:
        return value
    value = _cache().get(MOMENT_KEY)
    if value is None:
        value = _timestamp(last_change())
        # add, not set: a publication's set made meanwhile must not be overwritten by this
        # older reading.
        _cache().add(MOMENT_KEY, value, RECHECK_SECONDS)
    return _remember(value)


@cache
def release() -> str:
    """A hash of the code and templates that render the responses: a deploy starts new keys,
    so no page rendered by the previous release is served after it."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.md5(usedforsecurity=False)
    # The compiled translations too: a deploy that only changes the English wording must not
    # serve pages kept with the old one.
    sources = (
        ("disclosure", "*.py"),
        ("disclosure", "*.mo"),
        ("bureaus", "*.py"),
        ("templates", "*"),
    )
    for folder, pattern in sources:
        for path in sorted((root / folder).rglob(pattern)):
            if path.is_file():
                digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())  # hashed static names are in the pages
    return digest.hexdigest()[:12]


def _key(request, at: int) -> str:
    # The absolute URI: host and scheme appear in the page (its print footer), the query
    # string selects an API page; the language selects the translation.
    address = hashlib.md5(request.build_absolute_uri().encode(), usedforsecurity=False)
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return f"public:{release()}:{at}:{language}:{address.hexdigest()}"


def _identity(request, view, args, kwargs, at: int) -> str:
    """The ETag of what `view` answers at moment `at`: weak, since renders of it differ in the
    print footer's second. Named by the view and its arguments, not the path, so a `.json`
    sibling that hands its request to the API's view shares the API resource's ETag."""
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    parts = (
        release(),
        str(at),
        language,
        request.scheme,
        request.get_host(),
        f"{view.__module__}.{view.__qualname__}",
        repr(args),
        repr(sorted(kwargs.items())),
        request.META.get("QUERY_STRING", ""),
    )
    digest = hashlib.md5("\0".join(parts).encode(), usedforsecurity=False)
    return f'W/"{digest.hexdigest()}"'


def _revalidated(request, response):
    """304 when the client's copy is current (If-None-Match, then If-Modified-Since)."""
    if response.status_code != 200:
        return response
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    return get_conditional_response(
        request, etag=response.get("ETag"), last_modified=last_modified, response=response
    )


def _names(request, etag: str) -> bool:
    """If-None-Match names this ETag (weak comparison, as RFC 9110 asks for it)."""
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    wanted = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" not in wanted and etag.removeprefix("W/") in wanted


def _not_modified(etag: str, at: int) -> HttpResponse:
    """304 before the view runs: the client holds what this moment's response is."""
    response = HttpResponseNotModified()
    response["ETag"] = etag
    response["Last-Modified"] = http_date(at // 1_000_000)
    return response


def _keepable(request, response) -> bool:
    """Only a plain 200 that is the same for everyone: no cookie set or needed, nothing marked
    private (staff previews are), no CSRF token in the body."""
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def _stored(entry: dict) -> HttpResponse:
    response = HttpResponse(entry["content"])
    for name, value in entry["headers"]:
        response[name] = value
    return response


def _keep(key: str, response, content: bytes) -> None:
    headers = [(n, v) for n, v in response.items() if n in KEPT_HEADERS]
    entry = {"content": content, "headers": [*headers, ("ETag", response["ETag"])]}
    entry["headers"].append(("Last-Modified", response["Last-Modified"]))
    _cache().set(key, entry, settings.CACHE_SECONDS)
    _note(key, entry)


def _teed(key: str, response, content):
    """The streamed body as it goes out, kept at its end if it stayed under MAX_BYTES (a client
    that disconnects early leaves nothing kept)."""
    chunks, size = [], 0
    for chunk in content:
        if chunks is not None:
            size += len(chunk)
            if size <= MAX_BYTES:
                chunks.append(chunk)
            else:
                chunks = None
        yield chunk
    if chunks is not None:
        _keep(key, response, b"".join(chunks))


def _caught_up(at: int) -> bool:
    """With read replicas (more than one database), a page may be read from one that has not
    replayed the publication whose moment is in its key: kept, it would stay stale until the
    next change. Read the moment where the page is about to be read; keep only if it is there.
    Before the view runs, so that the view reads data at least that new."""
    if not reads_may_lag():
        return True
    return _timestamp(last_change()) >= at


def reads_may_lag() -> bool:
    return len(settings.DATABASES) > 1


def _fresh(request, view, args, kwargs, *, at: int, key: str | None, etag: str | None):
    """The view's response with Last-Modified and its ETag, kept under `key` when there is one
    and the response may be kept. Read from a replica behind the moment, it is neither kept nor
    named: its body may be older than the moment the ETag would say."""
    if not _caught_up(at):
        key = etag = None
    response = view(request, *args, **kwargs)
    if response.status_code != 200:
        return response
    if at:
        response["Last-Modified"] = http_date(at // 1_000_000)  # HTTP dates: whole seconds
    if etag is not None and _keepable(request, response):
        response["ETag"] = etag
    keep = key is not None and etag is not None and _keepable(request, response)
    if response.streaming:
        if keep:
            response.streaming_content = _teed(key, response, response.streaming_content)
        return response
    if keep and len(response.content) <= MAX_BYTES:
        _keep(key, response, response.content)
    return response


def published(view=None, *, per_user: bool = False):
    """Keep and revalidate a view's GET and HEAD answers (see the module's docstring).

    `per_user`: the view shows a signed-in reader something else (a staff preview of a draft):
    signed-in readers then always get a fresh response, neither kept nor dated.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            if per_user and request.user.is_authenticated:
                return view(request, *args, **kwargs)
            at = moment()
            etag = _identity(request, view, args, kwargs, at) if at else None
            if etag is not None and _names(request, etag):
                return _not_modified(etag, at)
            key = _key(request, at) if keeping() else None
            entry = _lookup(key) if key else None
            if entry is not None:
                response = _stored(entry)
            else:
                response = _fresh(request, view, args, kwargs, at=at, key=key, etag=etag)
            return _revalidated(request, response)

        return wrapped

    return decorate(view) if view is not None else decorate
