"""The web pages: reviewers and supervisors (``/ui/…``, login by token) and the public (``/public/…``).

Server-rendered (Jinja2) pages in Chinese over the read models, served by the same app as
the API. They plug in as one area of :func:`api.server.app.create_app`::

    from api.pages import area
    create_app(settings, areas=[*default_areas(), area()])

(``default_areas`` includes it.) Nothing is built or fetched at run time: the templates,
one stylesheet and one small script (the in-browser proof check) ship in this package.
"""

from __future__ import annotations

from api.pages import exports
from api.pages.routes import router
from api.pages.web import error_page
from api.server.problems import ERROR_PAGES
from api.server.state import Area, Services

router.include_router(exports.router)  # the tables' spreadsheets (download links)

__all__ = ["area", "router"]


def area() -> Area:
    """The pages as an :class:`~api.server.state.Area` of the app."""
    return Area("pages", router, start=_start)


def _start(svc: Services) -> None:
    """Errors under ``/ui/`` and ``/public/`` answer HTML pages (``api.server.problems``)."""
    svc.extras[ERROR_PAGES] = error_page
