"""The HTTP service (FastAPI): ``create_app(settings)``; see ``docs/http.md``."""

from api.server.app import create_app, default_areas

__all__ = ["create_app", "default_areas"]
