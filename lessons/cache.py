"""Caching of rendered lesson content, keyed by a content version.

Lesson and source pages are mostly content that changes only when the curriculum is
reloaded, so their rendered HTML is cached under a *content version*: a random token
kept in the default cache and replaced whenever a content row is saved, deleted or
relinked (load_curriculum, the admin, a test fixture). A new token makes every cached
fragment and page unreachable at once; nothing is deleted key by key.

Two layers use the version:

- `{% cache None "<fragment>" content_version ... %}` in the templates holds the
  content parts of a page for signed-in readers; progress, navigation and the
  resume button stay outside it and are rendered on every request.
- `cache_anonymous_page` keeps the whole response for a visitor who sends no cookies
  at all (no session, no messages, no CSRF token), which is what a classroom's first
  visit and a crawler look like.

With Redis (REDIS_URL) every app server sees a reload at once. Without it each
process caches in memory: a reload in the same process shows at once, and one run
from another process (manage.py load_curriculum beside a running gunicorn) is seen
within VERSION_TTL seconds, when each worker draws a fresh token. See
docs/decisions.md."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

VERSION_KEY = "lessons:content-version"
# How long a process keeps its own token when the cache is per process (LocMem).
VERSION_TTL = 60
PAGE_PREFIX = "lessons:page"
# Pages and fragments under an old version are never read again; this only bounds how
# long they occupy a shared cache.
PAGE_TTL = 24 * 3600


def _version_timeout() -> int | None:
    return VERSION_TTL if isinstance(cache, LocMemCache) else None


def content_version() -> str:
    """The current content version token; one cache read (none with LocMem beyond a
    dictionary lookup), no database query."""
    version = cache.get(VERSION_KEY)
    if version is None:
        # add() so that concurrent first readers on a shared cache agree on one token.
        cache.add(VERSION_KEY, secrets.token_hex(8), _version_timeout())
        version = cache.get(VERSION_KEY) or secrets.token_hex(8)
    return version


def bump_content_version() -> None:
    """Replace the content version now and again when the surrounding transaction
    commits, so that a page rendered from the old rows between the two is never
    served under the new version."""

    def bump() -> None:
        cache.set(VERSION_KEY, secrets.token_hex(8), _version_timeout())

    bump()
    transaction.on_commit(bump)


def cache_anonymous_page(view: Callable[..., HttpResponse]) -> Callable:
    """Serve a GET or HEAD without a query string and without any cookie from the
    cache, keyed by content version and path. Only a 200 that sets no cookie and
    rendered no CSRF token is stored; everything else goes to the view untouched."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if (
            request.method not in ("GET", "HEAD")
            or request.COOKIES
            or request.META.get("QUERY_STRING")
        ):
            return view(request, *args, **kwargs)
        key = f"{PAGE_PREFIX}:{content_version()}:{request.path}"
        stored = cache.get(key)
        if stored is not None:
            content, content_type = stored
            response = HttpResponse(content, content_type=content_type)
            patch_vary_headers(response, ["Cookie"])
            return response
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not request.META.get("CSRF_COOKIE_USED")
        ):
            stored = (response.content, response["Content-Type"])
            cache.set(key, stored, _version_timeout() or PAGE_TTL)
        return response

    return wrapper


def content_changed(**kwargs) -> None:
    """Signal receiver: any saved, deleted or relinked content row bumps the version."""
    bump_content_version()
