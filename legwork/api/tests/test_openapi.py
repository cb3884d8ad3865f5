"""The OpenAPI document: valid, complete, and the same table the URLconf is built from."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
from django.test import Client
from django.urls import get_resolver

from legwork.api.endpoints import router

from .conftest import document


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def test_the_document_is_served_without_a_token(db: Any) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["openapi"] == "3.1.0"


def test_every_schema_is_valid_json_schema_and_every_reference_resolves(db: Any) -> None:
    doc = document()
    for name, schema in doc["components"]["schemas"].items():
        jsonschema.Draft202012Validator.check_schema(schema)
        assert name[0].isupper()
    for ref in set(_refs(doc)):
        node: Any = doc
        for part in ref.removeprefix("#/").split("/"):
            assert isinstance(node, dict), f"{ref} does not resolve"
            assert part in node, f"{ref} does not resolve"
            node = node[part]
    json.dumps(doc)


def test_every_route_of_the_urlconf_is_described_and_nothing_else(db: Any) -> None:
    routes = {str(p.pattern) for p in get_resolver("legwork.api.urls").url_patterns}
    api_routes = {route for route in routes if route.startswith("api/v1/")} - {"api/v1/openapi.json"}
    described = {"api/v1" + re.sub(r"\{(\w+)\}", r"<str:\1>", path) for path in document()["paths"]}
    assert api_routes == described


def test_every_operation_says_what_it_answers(db: Any) -> None:
    for operation in router.operations:
        described = document()["paths"][operation.path][operation.method.lower()]
        assert described["summary"], operation.path
        assert "401" in described["responses"]
        if operation.parameters:
            assert "404" in described["responses"], operation.path
        if operation.method in ("POST", "PUT", "PATCH") and operation.body is not None:
            body = described["requestBody"]["content"]["application/json"]["schema"]
            assert body.get("type") == "object" or "$ref" in body, operation.path


def test_a_bodys_schema_is_the_pages_form(db: Any) -> None:
    body = document()["paths"]["/homework/{id}/progress"]["post"]["requestBody"]["content"]["application/json"]
    schema = body["schema"]
    assert set(schema["properties"]) == {"note", "minutes", "occurred_on"}
    assert schema["properties"]["minutes"]["anyOf"][0] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 1440,
        "description": "Minutes",
    }
    assert schema["properties"]["note"]["anyOf"][0]["maxLength"] == 5000
    assert schema["additionalProperties"] is False
    review = document()["paths"]["/sessions/{id}/review/{homework_id}"]["post"]["requestBody"]
    outcome = review["content"]["application/json"]["schema"]["properties"]["outcome"]
    assert outcome["enum"] == ["done", "partly", "not_done", "dropped"]
    assert review["content"]["application/json"]["schema"]["required"] == ["outcome"]
