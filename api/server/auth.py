"""Authentication: ``Authorization: Bearer <token>`` → a :class:`Principal`.

In a route::

    from api.server.auth import Authenticated, ServicesDep

    @router.get("/v1/cases/{number}")
    def case_file(number: str, principal: Authenticated, svc: ServicesDep) -> ...:
        if not svc.access.can_read(principal, f"case/{number}"):
            raise forbidden("...")

``Authenticated`` answers 401 (problem+json, ``WWW-Authenticate: Bearer``) when the
token is missing, unknown, expired or revoked, or its identity has no officer stream;
``AdminOnly`` answers 403 unless the identity holds the ``admin`` role. Roles and agency
are read from the identity's officer stream at every request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.server.access import Principal
from api.server.problems import Problem
from api.server.state import Services, services

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="enforcement-ledger token create 创建的令牌 (elt_<编号>_<密文>)",
)

ServicesDep = Annotated[Services, Depends(services)]


def unauthenticated(detail: str) -> Problem:
    return Problem(401, "unauthenticated", detail, headers={"WWW-Authenticate": 'Bearer realm="enforcement-ledger"'})


def forbidden(detail: str, *, rule: str | None = None) -> Problem:
    return Problem(403, "forbidden", detail, rule=rule)


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def resolve_principal(svc: Services, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    """The principal a bearer token stands for (blocking: reads the token table and the officer stream).

    For routes that do all their work in one worker thread (the recording routes); others
    use ``Authenticated``. Answers are remembered for ``LEDGER_HTTP_AUTH_CACHE`` seconds.
    """
    if credentials is None:
        raise unauthenticated("需要令牌: Authorization: Bearer <token>")
    cached = svc.principals.get(credentials.credentials)
    if cached is not None:
        return cached
    record = svc.tokens.authenticate(credentials.credentials)
    if record is None:
        raise unauthenticated("令牌无效、已过期或已撤销")
    officer = svc.ledger.officer(record.identity)
    if officer is None:
        raise unauthenticated(f"令牌的身份 {record.identity} 在账本中未登记")
    principal = Principal(record.identity, officer, record.id)
    svc.principals.put(credentials.credentials, principal)
    return principal


async def current_principal(svc: ServicesDep, credentials: Credentials) -> Principal:
    if credentials is None:
        raise unauthenticated("需要令牌: Authorization: Bearer <token>")
    cached = svc.principals.get(credentials.credentials)
    if cached is not None:
        return cached
    return await run_in_threadpool(resolve_principal, svc, credentials)


Authenticated = Annotated[Principal, Depends(current_principal)]


async def admin_principal(principal: Authenticated) -> Principal:
    if not principal.is_admin:
        raise forbidden(f"{principal.identity} 不是管理员")
    return principal


AdminOnly = Annotated[Principal, Depends(admin_principal)]
