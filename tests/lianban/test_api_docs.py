"""The API's own documentation pages: no CDN, and a schema built once."""

import pytest

from lianban.api import api


@pytest.mark.django_db
def test_the_api_docs_load_swagger_from_our_own_static_files(client):
    body = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "cdn" not in body.lower() and "unpkg" not in body


@pytest.mark.django_db
def test_the_schema_is_built_once_per_language(client, monkeypatch):
    api.schemas.clear()
    built = []
    original = type(api).__mro__[1].get_openapi_schema

    def counting(self, **kwargs):
        built.append(kwargs.get("path_prefix"))
        return original(self, **kwargs)

    monkeypatch.setattr(type(api).__mro__[1], "get_openapi_schema", counting)
    first = client.get("/api/openapi.json").json()
    again = client.get("/api/openapi.json").json()
    english = client.get("/api/openapi.json", headers={"accept-language": "en"}).json()

    assert first == again
    assert first["paths"] and english["paths"].keys() == first["paths"].keys()
    assert len(built) == 2  # zh-hans once, en once
