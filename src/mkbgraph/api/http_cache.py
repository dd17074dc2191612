"""HTTP caching that an existing cache can use: an ETag on every GET answer, 304 for a matching
``If-None-Match``, and ``Cache-Control`` for shared caches.

Why the ETag comes from the request and not from the body: the data is read-only between
releases, and every answer is a function of the graph version, the software version and the
request (path, query string, ``Accept``, ``Accept-Language`` and cookies, which choose the
representation). So the tag can be computed before the route runs, and a revalidation is
answered with 304 without rendering a page or running a query. A reload changes the version and
with it every tag. Only 200 answers are tagged; errors, ``/health`` and ``/ready`` are not
cacheable (they describe this process, not the data).

A pure ASGI middleware (no ``BaseHTTPMiddleware``): it must not buffer bodies or add a thread hop
in front of the SPARQL hot path.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from mkbgraph._version import __version__

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: Answers about this process, never about the data: never stored by a shared cache.
NO_STORE_PATHS = frozenset({"/health", "/ready"})

#: Request headers that choose a representation: part of the tag, named in ``Vary``.
VARYING_HEADERS = (b"accept", b"accept-language", b"cookie")


def entity_tag(version: str, scope: Scope) -> str:
    """The strong ETag of the answer to this request for this graph version."""
    digest = hashlib.blake2b(digest_size=12)
    for part in (
        version.encode(),
        __version__.encode(),
        scope["path"].encode(),
        scope.get("query_string", b""),
    ):
        digest.update(len(part).to_bytes(4, "big") + part)
    headers = dict(_varying(scope))
    for name in VARYING_HEADERS:
        value = headers.get(name, b"")
        digest.update(name + b"=" + len(value).to_bytes(4, "big") + value)
    return f'"{digest.hexdigest()}"'


def _varying(scope: Scope) -> list[tuple[bytes, bytes]]:
    return [
        (name.lower(), value) for name, value in scope.get("headers", ()) if name.lower() in VARYING_HEADERS
    ]


def matches(if_none_match: bytes, tag: str) -> bool:
    """Whether an ``If-None-Match`` header names this tag (weak comparison, ``*`` included)."""
    wanted = tag.encode()
    for candidate in if_none_match.split(b","):
        candidate = candidate.strip()
        if candidate == b"*" or candidate.removeprefix(b"W/") == wanted:
            return True
    return False


class ConditionalGetMiddleware:
    """ETag, ``Cache-Control`` and ``Vary`` on every 200 GET answer; 304 when the client has it."""

    def __init__(self, app: Any, *, max_age: int, stale_while_revalidate: int) -> None:
        self.app = app
        self.cache_control = (
            f"public, max-age={max_age}, stale-while-revalidate={stale_while_revalidate}".encode()
            if max_age > 0
            else b"no-cache"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] in NO_STORE_PATHS:
            await self.app(scope, receive, send)
            return
        tag = entity_tag(scope["app"].state.live.current.version, scope)
        validators = self._headers(tag)
        if_none_match = next((v for k, v in scope.get("headers", ()) if k.lower() == b"if-none-match"), None)
        if if_none_match is not None and matches(if_none_match, tag):
            await send({"type": "http.response.start", "status": 304, "headers": validators})
            await send({"type": "http.response.body", "body": b""})
            return

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                present = {name.lower() for name, _ in message.get("headers", ())}
                extra = [(k, v) for k, v in validators if k not in present or k == b"vary"]
                message["headers"] = _merge_vary([*message.get("headers", ()), *extra])
            await send(message)

        await self.app(scope, receive, tagged)

    def _headers(self, tag: str) -> list[tuple[bytes, bytes]]:
        return [
            (b"etag", tag.encode()),
            (b"cache-control", self.cache_control),
            (b"vary", b"Accept, Accept-Language, Cookie"),
        ]


def _merge_vary(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """One ``Vary`` header holding every name any part of the app asked for."""
    names: list[str] = []
    rest = []
    for name, value in headers:
        if name.lower() == b"vary":
            for item in value.decode("latin-1").split(","):
                if item.strip() and item.strip().lower() not in (n.lower() for n in names):
                    names.append(item.strip())
        else:
            rest.append((name, value))
    return [*rest, (b"vary", ", ".join(names).encode("latin-1"))] if names else rest
