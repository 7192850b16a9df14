"""The pages' guards as FastAPI dependencies, like ``api.server.auth``'s: a route that
needs a signed-in reader takes ``ctx: Reader``; a public page takes ``ctx: Visitor``.

A page answers an anonymous reader with a redirect to the login (not a problem
document), so the guard raises :class:`PageAnswer`, a :class:`~api.server.problems.Problem`
that carries the page's own response.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from api.pages.web import Ctx, login_redirect, principal_of
from api.server.auth import ServicesDep
from api.server.problems import Problem

__all__ = ["PageAnswer", "Reader", "Visitor", "signed_in", "visitor"]


class PageAnswer(Problem):
    """A ready response raised from a dependency (the login redirect); answered as it is."""

    def __init__(self, answer: Response) -> None:
        super().__init__(answer.status_code, "page")
        self.answer = answer

    def response(self) -> Response:
        return self.answer


def signed_in(request: Request, svc: ServicesDep) -> Ctx:
    """The page's context for the signed-in reader; the login redirect when nobody is."""
    principal = principal_of(request, svc)
    if principal is None:
        raise PageAnswer(login_redirect(request))
    return Ctx(request, svc, principal)


def visitor(request: Request, svc: ServicesDep) -> Ctx:
    """A public page's context: nobody signed in, whatever the cookie says."""
    return Ctx(request, svc, None)


Reader = Annotated[Ctx, Depends(signed_in)]
Visitor = Annotated[Ctx, Depends(visitor)]
