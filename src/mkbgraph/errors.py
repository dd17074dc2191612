"""The one error model: every error a client sees is a `ServiceError` with an HTTP status, a stable
code and a title, and leaves the service in one JSON shape (`as_dict`) or, on a page, a Dutch
error page built from the same fields.

Why one base class at the bottom of the package: the SPARQL screen (in the sandboxed worker), the
engine, the network API and the pages all refuse things, and a client should not have to learn a
shape per layer. A layer adds a subclass with its own status and code; the app's exception
handlers render any of them. Stdlib only, so the query worker may import it.
"""

from __future__ import annotations

from collections.abc import Mapping


class ServiceError(Exception):
    """An error a client is told about: ``status`` the HTTP status, ``code`` a stable slug."""

    status = 500
    code = "internal_error"
    title = "Internal error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        title: str | None = None,
        extra: Mapping[str, object] | None = None,
    ) -> None:
        self.message = message
        # an error built on the spot (a framework 404, a 406) names its own status, code and title
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        if title is not None:
            self.title = title
        self.extra: dict[str, object] = dict(extra or {})
        super().__init__(message)

    def as_dict(self) -> dict[str, object]:
        """The one error shape: ``{"error": {"status", "title", "detail", "code", ...extra}}``."""
        error: dict[str, object] = {
            "status": self.status,
            "title": self.title,
            "detail": self.message,
            "code": self.code,
        }
        error.update(self.extra)
        return {"error": error}
