"""Fuzz every page, form and API endpoint: hostile input never makes a server error.

Resolver-driven, so a new route is fuzzed the day it is added: the test walks the
URLconf (leaving out Django's admin), harvests every form on every page it can
GET (field names, the values the page offers, and the URL each form posts to),
and reads the API's keys from its OpenAPI document. Then, for each route, as the
coach, the client or nobody, Hypothesis sends GETs with odd query strings and
posts or JSON bodies made of: surrogates, NUL, CR/LF, huge strings, far and
malformed dates, huge and negative numbers, nested JSON; for path parameters,
the ids of real objects, huge numbers and garbage. Every answer must be < 500.

Bounded in time and repeatable: `FUZZ_EXAMPLES` examples per route (default 6),
no deadline, `derandomize=True` and no example database, so CI sees the same
inputs every run. Set FUZZ_EXAMPLES=200 to hunt harder by hand.

Left to the API's own tests (legwork/api, helper "api" bounds the parsing):
bodies nested thousands deep and numbers of more than 4,300 digits.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_engagement, make_homework, make_progress, make_session, make_user
from legwork.api.models import ApiToken
from legwork.coaching import services as coaching_services
from legwork.coaching.models import AgendaItem, Goal, Session

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
# The health pages answer 503 on purpose when the worker is not running (as in this test), for load balancers.
SKIPPED_PREFIXES = ("admin/", "health/")

SPECIAL = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r",
    "Nia\r\nBcc: eve@example.com",
    "line\nline",
    "0001-01-01",
    "9999-12-31",
    "1899-12-31",
    "2101-01-01",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "0001-01-01T00:00:00+00:00",
    "9999-12-31T23:59:59-05:00",
    "31/02/2026",
    "yesterday",
    "-1",
    "0",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "1" * 400,
    "1e309",
    "NaN",
    "x" * 70_000,
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%",
    "on",
    "true",
    "null",
    "[]",
    "😀",
    "\u202e\ufeff",
    "Europe/London",
    "FREQ=WEEKLY;BYDAY=SA",
]
JSON_ONLY_SPECIAL = ["\ud800", "\udfff", "a\ud83d\ude00b", "\ud83d"]


# --- Routes ----------------------------------------------------------------------------------------


def routes() -> list[tuple[str, str]]:
    """(route, name) for every URL pattern, as written in the URLconf (Django's route syntax or a regex)."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.name or pattern.lookup_str

    found = dict.fromkeys(walk(get_resolver().url_patterns, ""))
    return [route for route in found if not route[0].lstrip("^").startswith(SKIPPED_PREFIXES)]


ROUTE_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
REGEX_PARAM = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def fill(route: str, values: dict[str, str]) -> str | None:
    """The path for a route with its parameters filled in; None if a regex route can't be written plainly."""
    if "(?P<" in route:
        path = REGEX_PARAM.sub(lambda m: quote(values[m.group(1)], safe="/"), route).replace("^", "").replace("$", "")
    else:
        path = ROUTE_PARAM.sub(lambda m: quote(values[m.group(2)], safe=""), route)
    path = path.replace("\\.", ".")
    if re.search(r"[\\()\[\]*+?]", path):
        return None
    return "/" + path


def parameters(route: str) -> list[tuple[str, str]]:
    """[(name, converter)] of a route; regex groups count as str."""
    if "(?P<" in route:
        return [(m.group(1), "str") for m in REGEX_PARAM.finditer(route)]
    return [(m.group(2), m.group(1) or "str") for m in ROUTE_PARAM.finditer(route)]


# --- What the pages offer --------------------------------------------------------------------------


class _Forms(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.action = page
        self.select: str | None = None
        self.fields: dict[str, set[str]] = defaultdict(set)
        self.types: dict[str, str] = {}
        self.forms: dict[str, set[str]] = defaultdict(set)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.action = urlsplit(attr.get("action") or self.page).path or self.page
            for hx in ("hx-post", "hx-get"):
                if attr.get(hx):
                    self.action = urlsplit(attr[hx]).path
        name = attr.get("name")
        if tag in ("input", "textarea", "select", "button") and name:
            self.forms[self.action].add(name)
            self.types.setdefault(name, attr.get("type", tag) if tag == "input" else tag)
            if attr.get("value"):
                self.fields[name].add(attr["value"])
            if tag == "select":
                self.select = name
        if tag == "option" and self.select and "value" in attr:
            self.fields[self.select].add(attr["value"])
        for name in ("hx-post", "hx-get"):
            if attr.get(name) and tag != "form":
                self.forms[urlsplit(attr[name]).path].update(attr.get("name", "") and [attr["name"]] or [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None


def parent(path: str) -> str:
    trimmed = path.rstrip("/")
    return trimmed.rsplit("/", 1)[0] + ("/" if path.endswith("/") else "")


def route_of(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def request_properties(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The properties of every request body the API document describes (what clients may send)."""
    schemas = document.get("components", {}).get("schemas", {})
    bodies = [
        operation["requestBody"]
        for item in document.get("paths", {}).values()
        for operation in item.values()
        if isinstance(operation, dict) and "requestBody" in operation
    ]
    found: dict[str, dict[str, Any]] = {}
    for body in bodies:
        for ref in re.findall(r"#/components/schemas/(\w+)", json.dumps(body)):
            found.update(openapi_properties(schemas.get(ref, {})))
        found.update(openapi_properties(body))
    return found


def openapi_properties(document: Any) -> dict[str, dict[str, Any]]:
    """Every property any schema of the API document names, with its schema (the last one seen wins)."""
    found: dict[str, dict[str, Any]] = {}
    if isinstance(document, dict):
        for key, value in document.items():
            if key == "properties" and isinstance(value, dict):
                found.update({name: spec for name, spec in value.items() if isinstance(spec, dict)})
            else:
                found.update(openapi_properties(value))
    elif isinstance(document, list):
        for item in document:
            found.update(openapi_properties(item))
    return found


def plausible_json(spec: dict[str, Any]) -> Any:
    """A value the schema would accept, so the fuzz gets past the first check and into the service."""
    kinds = spec.get("type", "string")
    kind = next((k for k in kinds if k != "null"), "string") if isinstance(kinds, list) else kinds
    if spec.get("format") == "date":
        return timezone.localdate().isoformat()
    if spec.get("format") == "date-time":
        return timezone.now().isoformat()
    return {"integer": spec.get("minimum", 1), "number": 1.5, "boolean": True, "array": [], "object": {}}.get(
        kind, "Some words"
    )


def plausible_form(kind: str, offered: set[str]) -> str:
    """A value the field would accept, by its input type or what the page offers."""
    if offered:
        return sorted(offered)[0]
    today = timezone.localdate()
    return {
        "date": today.isoformat(),
        "datetime-local": f"{today + dt.timedelta(days=3)}T10:00",
        "time": "09:00",
        "number": "15",
        "email": "nia@example.com",
        "checkbox": "on",
        "url": "https://example.com/",
        "password": "correct horse battery staple",
    }.get(kind, "Some words")


# --- The world the fuzz runs in --------------------------------------------------------------------


def build_world() -> dict[str, Any]:
    """Alice coaches bob (a held session, one to come, homework with progress and an exercise, his journal and
    thinking time, a reflection, an invitation), and carol coaches dan, whose objects nobody here may reach."""
    from legwork.exercises.models import Exercise
    from legwork.exercises.services import exercise_propose
    from legwork.insights.models import Reflection
    from legwork.notebook.models import JournalEntry, ThinkingTimeBlock

    alice = make_user("alice@example.com", name="Alice Coach", is_coach=True)
    bob = make_user("bob@example.com", name="Bob Client")
    carol = make_user("carol@example.com", name="Carol Coach", is_coach=True)
    dan = make_user("dan@example.com", name="Dan Client")
    engagement = make_engagement(alice, bob)
    other = make_engagement(carol, dan)
    now = timezone.now()
    held = make_session(engagement, at=now - dt.timedelta(days=7), status=Session.Status.HELD)
    upcoming = make_session(engagement, at=now + dt.timedelta(days=7))
    make_session(other, at=now + dt.timedelta(days=3))
    goal = Goal.objects.create(engagement=engagement, title="A new job")
    homework = make_homework(engagement, agreed_in=held, goal=goal, status="confirmed", created_at=held.scheduled_at)
    make_progress(homework, note="Read the ad", minutes=15)
    make_homework(engagement, title="Proposed one")
    make_homework(other, title="Dan's")
    exercise = Exercise.objects.builtins().first()
    assert exercise is not None
    exercise_propose(exercise=exercise, engagement=engagement, by=alice)
    AgendaItem.objects.create(engagement=engagement, text="Talk about the interview")
    entry = JournalEntry.objects.create(client=bob, title="Monday", body="Tired but hopeful")
    entry.share(engagement)
    ThinkingTimeBlock.objects.create(client=bob, start_time=dt.time(9), timezone="Europe/London")
    Reflection.objects.create(session=upcoming, what_i_did="Some")
    _, invitation_token = coaching_services.invitation_create(coach=alice, email="nia@example.com", send_email=False)
    ids = sorted(
        {
            obj.pk
            for obj in (engagement, other, held, upcoming, homework, goal, exercise, entry, *AgendaItem.objects.all())
        }
    )
    return {
        "alice": alice,
        "bob": bob,
        "ids": ids,
        "tokens": [invitation_token],
    }


@dataclass
class Harvest:
    values: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # field name -> values offered
    forms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # route -> names its forms post
    types: dict[str, str] = field(default_factory=dict)  # field name -> input type
    reach: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))  # route -> (path, who)


def harvest(world: dict[str, Any], paths: list[str]) -> Harvest:
    """GET every path as the coach and the client: the forms each page offers, and who reaches which path."""
    found = Harvest()
    values, forms, types = found.values, found.forms, found.types
    for who in ("alice", "bob"):
        client = Client()
        client.force_login(world[who])
        _, token = ApiToken.issue(user=world[who], name="harvest")
        api = Client(headers={"Authorization": f"Bearer {token}"})
        for path in paths:
            response = (api if path.startswith("/api/") else client).get(path)
            if response.status_code == 200 and (route := route_of(path)):
                found.reach[route].append((path, who))
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = _Forms(path)
            parser.feed(response.content.decode(errors="replace"))
            for name, offered in parser.fields.items():
                values[name] |= offered
            types.update(parser.types)
            for action, names in parser.forms.items():
                if route := route_of(action):
                    forms[route] |= names
    return found


# --- Strategies -----------------------------------------------------------------------------------

texts = st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs", "Cc"]), max_size=30)
form_values = st.one_of(
    st.sampled_from(SPECIAL),
    texts,
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.dates().map(dt.date.isoformat),
    st.datetimes().map(lambda moment: moment.isoformat(timespec="minutes")),
)
json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(),
    st.sampled_from(SPECIAL + JSON_ONLY_SPECIAL),
    st.text(st.characters(categories=["L", "N", "Cs", "Cc", "So"]), max_size=20),
)
json_values = st.recursive(
    json_leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4), max_leaves=12
)


nasty = st.sampled_from(SPECIAL)
nasty_json = st.one_of(st.sampled_from(JSON_ONLY_SPECIAL), st.sampled_from(SPECIAL), json_values)


def mutated(baseline: dict[str, Any], values: st.SearchStrategy[Any], keys: list[str]) -> st.SearchStrategy[Any]:
    """The plausible input with one field (sometimes up to three) swapped for a hostile value, and at most
    one left out."""
    if not keys:
        return st.just(dict(baseline))
    return st.builds(
        lambda swaps, dropped: {
            **{key: value for key, value in baseline.items() if key not in dropped},
            **swaps,
        },
        # Mostly one hostile field among plausible ones, so it is that field's handling that is tried.
        st.one_of(
            st.dictionaries(st.sampled_from(keys), values, min_size=1, max_size=1),
            st.dictionaries(st.sampled_from(keys), values, min_size=1, max_size=1),
            st.dictionaries(st.sampled_from(keys), values, max_size=3),
        ),
        st.sets(st.sampled_from(keys), max_size=1),
    )


# --- The test --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_input_makes_a_server_error() -> None:
    world = build_world()
    all_routes = routes()
    ids = [str(pk) for pk in world["ids"]]
    # Every route with every id, so the forms of every object are harvested.
    paths = {
        path
        for route, _ in all_routes
        for pk in ids
        if (path := fill(route, {name: pk for name, _ in parameters(route)}))
    }
    found = harvest(world, sorted(paths))
    reached_paths = {pair for pairs in found.reach.values() for pair in pairs}
    values, forms, types = found.values, found.forms, found.types
    all_names = sorted(values.keys() | types.keys())
    properties = request_properties(Client().get("/api/v1/openapi.json").json())
    api_keys = sorted(properties)
    people = {"alice": world["alice"], "bob": world["bob"], "nobody": None}
    hits: dict[str, int] = defaultdict(int)

    def fuzz(route: str) -> None:
        params = parameters(route)
        is_api = route.lstrip("^").startswith("api/")
        own_names = sorted(forms.get(route, ()))
        form_baseline = {
            field: plausible_form(types.get(field, "text"), values.get(field, set())) for field in own_names
        }
        api_baseline = {key: plausible_json(spec) for key, spec in properties.items() if key not in ("id",)}

        def param_value(kind: str) -> st.SearchStrategy[str]:
            known = st.sampled_from(ids)
            if kind == "int":
                return st.one_of(known, known, known, st.integers(min_value=0, max_value=10**30).map(str))
            tokens = st.sampled_from([*world["tokens"], "lw_" + "x" * 40])
            odd = texts.filter(lambda text: text.strip() not in ("", ".", ".."))
            return st.one_of(known, known, tokens, odd)

        if is_api:
            body_strategy = st.one_of(
                mutated(api_baseline, nasty_json, api_keys),
                mutated(api_baseline, nasty_json, api_keys),
                json_values,
            )
        else:
            body_strategy = st.one_of(
                mutated(form_baseline, st.one_of(nasty, form_values), own_names),
                mutated(form_baseline, st.one_of(nasty, form_values), own_names),
                st.dictionaries(st.sampled_from(all_names or ["x"]), st.one_of(nasty, form_values), max_size=6),
            )

        anywhere = st.tuples(
            st.fixed_dictionaries({param: param_value(kind) for param, kind in params}).map(lambda v: fill(route, v)),
            st.sampled_from(["alice", "bob", "alice", "bob", "nobody"]),
        )
        reached = found.reach.get(route) or [
            # A route that only takes writes is reachable where the page above it is: /homework/5/progress/
            # for whoever reaches /homework/5/.
            (path, who)
            for pk in ids
            if (path := fill(route, {name: pk for name, _ in params}))
            for who in ("alice", "bob")
            if (parent(path), who) in reached_paths
        ]
        # Mostly a path the person can reach (their own objects), so the input gets past the access gate.
        target = st.one_of(st.sampled_from(reached), st.sampled_from(reached), anywhere) if reached else anywhere

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(
            target=target,
            query=st.dictionaries(
                st.sampled_from(["q", "open", "next", "page", *own_names[:4]]), form_values, max_size=2
            ),
            body=body_strategy,
            method=st.sampled_from(["PUT", "PATCH", "DELETE"]),
        )
        def check(target: tuple[str | None, str], query: dict[str, str], body: Any, method: str) -> None:
            path, person = target
            if path is None:
                return
            user = people[person]
            if is_api:
                headers = {}
                if user is not None:
                    _, token = ApiToken.issue(user=user, name="fuzz")
                    headers["Authorization"] = f"Bearer {token}"
                client = Client(headers=headers)
                answers = [
                    client.get(path, query),
                    client.post(path, json.dumps(body), content_type="application/json"),
                    client.generic(method, path, json.dumps(body), content_type="application/json"),
                ]
            else:
                client = Client()
                if user is not None:
                    client.force_login(user)
                answers = [client.get(path, query), client.post(path, body)]
            for response in answers:
                hits[route] += 1
                assert response.status_code < 500, (route, path, person, response.status_code)

        check()

    for route, _name in all_routes:
        fuzz(route)

    # Every route was reached with requests (the fuzz did not silently skip any).
    assert not [route for route, _ in all_routes if not hits[route]]
