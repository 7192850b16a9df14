"""``/docs`` and ``/redoc`` work offline: every asset they load is served by the ledger itself."""

from __future__ import annotations

import re

import pytest

from tests.helpers.http_world import World

_URL = re.compile(r"""(?:src|href|spec-url)\s*=\s*["']([^"']+)["']"""
                  r"""|url:\s*['"]([^'"]+)['"]|openapi_url.*?["']([^"']+)["']""")


def urls_of(html: str) -> set[str]:
    return {next(group for group in match.groups() if group) for match in _URL.finditer(html)}


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_api_pages_load_only_local_urls_and_each_answers(world: World, page: str) -> None:
    answer = world.client.get(page)
    assert answer.status_code == 200
    urls = urls_of(answer.text)
    assert "/openapi.json" in urls
    assert any(url.endswith(".js") for url in urls)
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), f"{page} loads {url} from elsewhere"
        assert world.client.get(url).status_code == 200, url
    assert "cdn" not in answer.text.lower() and "https://" not in answer.text


def test_the_swagger_ui_served_reads_openapi_3_1(world: World) -> None:
    """Swagger UI before 5.0 refuses an ``openapi: 3.1.x`` document, which FastAPI writes."""
    assert world.client.get("/openapi.json").json()["openapi"].startswith("3.1")
    script = world.client.get("/docs/assets/swagger-ui-bundle.js").text
    assert "OpenAPI31" in script or "openapi31" in script.lower()


def test_the_assets_are_not_in_the_api_description(world: World) -> None:
    paths = world.client.get("/openapi.json").json()["paths"]
    assert not any(path.startswith(("/docs", "/redoc")) for path in paths)


def test_urls_of_finds_a_cdn_reference() -> None:
    html = '<script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"></script>'
    assert urls_of(html) == {"https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"}
