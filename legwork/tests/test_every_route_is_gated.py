"""Every route that names an object answers 404 to another coach and to another client.

Zulip's "untested URL" idea, for ownership: the URLconf is walked, every route with a
path parameter is probed, and a route that is neither probed nor allow-listed (with a
reason) fails the suite the day it is added.

Which object a parameter names is data, not code: a parameter called `<thing>_pk`
(or `_id`) names THING_PARAMETERS[<thing>_pk]; a plain `pk` (or `id`) names the object of
the path segment just before it (SEGMENTS: `sessions/<pk>/` is a session). A new route
under a known segment or with a known parameter is probed with no change here.

For each route, alice's and bob's objects are fetched by carol (another coach), dan
(another client), olive (an admin of alice's practice) and frank (a second coach of it), GET and
POST (the practice's admin pages, which olive may use, by carol, dan and frank): each answer is
the one the same request gets with their ids missing — 404, or 405 when the route never takes
that method, or 403 when a client asks for a coach's action (refused before their object is
read) — and API 404s are JSON. Where a route names two objects, each is also swapped for one of
the prober's own (carol's session with alice's agenda item). Last, alice or bob gets something other than 404 and 405
from it, so the probe used a real object of the right kind.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from conftest import join_practice, make_engagement, make_progress, make_session, make_user
from legwork.accounts.models import User
from legwork.api.models import ApiToken
from legwork.coaching.models import AgendaItem, Engagement, Goal
from legwork.coaching.services import invitation_create
from legwork.exercises.models import Exercise
from legwork.exercises.services import exercise_propose
from legwork.insights.models import Reflection
from legwork.notebook.models import JournalEntry, ThinkingTimeBlock
from legwork.practice.models import Membership
from legwork.practice.services import coach_invite, handover_propose, practice_of
from legwork.quality.models import CheckInScale
from legwork.reminders.models import Kind, PushSubscription, Reminder
from legwork.webhooks.models import Webhook

# The object a plain `pk` names, by the path segment before it.
SEGMENTS = {
    "engagements": "engagement",
    "goals": "goal",
    "sessions": "session",
    "agenda": "agenda_item",
    "agenda-items": "agenda_item",
    "homework": "homework",
    "review": "homework",
    "progress": "progress_entry",
    "notebook": "journal_entry",
    "journal": "journal_entry",
    "journal-entries": "journal_entry",
    "thinking-time": "thinking_block",
    "exercises": "exercise",
    "check-in-scales": "check_in_scale",
    "coaches": "member",  # the API's /practice/coaches/{id}; the pages name it member_pk
    "reflections": "reflection",
    "reminders": "reminder",
    "inbox": "reminder",
    "invitations": "invitation",
    "api-tokens": "api_token",
    "tokens": "api_token",
    "handovers": "handover",
    "webhooks": "webhook",
    "push": "push_subscription",
}
# The object a named parameter names, wherever it appears.
THING_PARAMETERS = {
    "engagement_pk": "engagement",
    "goal_pk": "goal",
    "session_pk": "session",
    "item_pk": "agenda_item",
    "homework_pk": "homework",
    "progress_pk": "progress_entry",
    "entry_pk": "journal_entry",
    "block_pk": "thinking_block",
    "exercise_pk": "exercise",
    "reflection_pk": "reflection",
    "reminder_pk": "reminder",
    "invitation_pk": "invitation",
    "token_pk": "api_token",
    # The practice's admin pages: reached by the practice's admins alone (the world's coach owns it).
    "member_pk": "member",
    "coach_invitation_pk": "coach_invitation",
    "handover_engagement_pk": "handover_engagement",
    "handover_pk": "practice_handover",
    # The API names its second object `<thing>_id`.
    "item_id": "agenda_item",
    "homework_id": "homework",
}

# Routes whose parameters are not an owned object's id, and why each is safe.
ALLOWED = {
    "join": "an invitation's secret token: whoever holds the link may accept it (coaching/tests)",
    "practice_join": "a coach invitation's secret token, for the invited address alone (practice/tests)",
    "join_setup": "an invitation's token signed for the invited address, mailed there alone (coaching/tests)",
    "reminders_unsubscribe": "a signed token from an email, used signed out (reminders/tests)",
    "calendar_feed_ics": "a calendar feed's secret, revocable token, read without a session (reminders/tests)",
    "account_confirm_email": "allauth's email confirmation key",
    "account_reset_password_from_key": "allauth's password reset key",
    # Single sign-on (practice/sso.py): the parameter names an identity provider, not anyone's thing; whoever
    # signs in through it is admitted by SocialAccountAdapter (practice/tests/test_sso_*).
    "openid_connect_login": "an identity provider's id, signed out (practice/tests/test_sso_oidc.py)",
    "openid_connect_callback": "an identity provider's id, signed out (practice/tests/test_sso_oidc.py)",
    "saml_login": "a SAML identity provider's short name, signed out (practice/tests/test_sso_saml.py)",
    "saml_acs": "a SAML identity provider's short name: its signed assertion (practice/tests/test_sso_saml.py)",
    "saml_finish_acs": "a SAML identity provider's short name (practice/tests/test_sso_saml.py)",
    "saml_sls": "a SAML identity provider's short name: single logout",
    "saml_metadata": "a SAML identity provider's short name: Legwork's public metadata for it",
    r"^api/(?P<path>.*)$": "the API's JSON 404 for any path it does not know",
}
# Django's admin: staff only, with its own permissions, and never a coach's or client's door.
ALLOWED_PREFIXES = {"admin/": "Django's admin, for staff only"}

PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    key: str  # the URL name, or the pattern where it has none
    pattern: str
    things: tuple[tuple[str, str], ...]  # (parameter, object kind); empty when a parameter is unknown
    unknown: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    def url(self, ids: dict[str, int]) -> str:
        return "/" + PARAMETER.sub(lambda match: str(ids[match["name"]]), self.pattern)


def _walk(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, str | None]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name


def _thing(pattern: str, parameter: str, start: int) -> str | None:
    if parameter in THING_PARAMETERS:
        return THING_PARAMETERS[parameter]
    if parameter in {"pk", "id"}:
        segments = [s for s in pattern[:start].split("/") if s]
        return SEGMENTS.get(segments[-1]) if segments else None
    return None


def routes_with_parameters() -> list[Route]:
    routes = []
    for pattern, name in _walk(get_resolver()):
        parameters = [(m["name"], m.start()) for m in PARAMETER.finditer(pattern)]
        if not parameters and "(?P<" not in pattern:
            continue
        things, unknown = [], []
        for parameter, start in parameters:
            thing = _thing(pattern, parameter, start)
            if thing is None:
                unknown.append(parameter)
            else:
                things.append((parameter, thing))
        if "(?P<" in pattern:
            unknown.append("(regex)")
        routes.append(Route(name or pattern, pattern, tuple(things), tuple(unknown)))
    return routes


def _allowed(route: Route) -> bool:
    return route.key in ALLOWED or any(route.pattern.startswith(prefix) for prefix in ALLOWED_PREFIXES)


PROBED = [route for route in routes_with_parameters() if not _allowed(route) and not route.unknown]


def test_every_route_with_a_parameter_is_probed_or_allowed_with_a_reason() -> None:
    routes = routes_with_parameters()
    uncovered = [f"{r.pattern} ({r.key}): {', '.join(r.unknown)}" for r in routes if r.unknown and not _allowed(r)]
    assert not uncovered, (
        "These routes take a parameter this test cannot map to an object: add it to SEGMENTS or "
        "THING_PARAMETERS (and to build_world), or to ALLOWED with the reason it needs no gate:\n"
        + "\n".join(uncovered)
    )
    stale = set(ALLOWED) - {r.key for r in routes}
    assert not stale, f"ALLOWED names routes that no longer exist: {sorted(stale)}"
    assert len(PROBED) >= 40  # the walk found the app's routes, not an empty URLconf


# Things only the practice's admins reach: olive, an admin of alice's practice, may; the others probe.
ADMIN_THINGS = {"member", "coach_invitation", "handover_engagement", "practice_handover"}


def build_world(coach: User, client: User, engagement: Engagement, colleague: User) -> dict[str, Model]:
    """One object of every kind a route can name, belonging to this coach and client (and the coach's
    practice, where `colleague` is a second coach)."""
    now = timezone.now()
    goal = Goal.objects.create(engagement=engagement, title="A role with more autonomy")
    last = make_session(engagement, at=now - dt.timedelta(days=7), status="held")
    session = make_session(engagement, at=now + dt.timedelta(days=7))
    exercise = Exercise.objects.create(
        owner=coach, slug="values", title="Values", fields=[{"name": "values", "label": "Values", "type": "list"}]
    )
    homework = exercise_propose(exercise=exercise, engagement=engagement, by=coach)
    homework.agreed_in = last
    homework.save(update_fields=["agreed_in"])
    homework.confirm()
    entry = JournalEntry.objects.create(client=client, title="Shared", body="What energises me")
    entry.share(engagement)
    invitation, _ = invitation_create(coach=coach, email=f"next-{coach.pk}@example.com", send_email=False)
    api_token, _ = ApiToken.issue(user=coach, name="laptop")
    practice = practice_of(coach).practice
    coach_invitation, _ = coach_invite(
        practice=practice, email=f"coach-{coach.pk}@example.com", role="coach", by=coach, send_email=False
    )
    handover = handover_propose(engagement=engagement, to_coach=colleague, by=coach)
    return {
        "member": Membership.objects.get(user=colleague),
        "coach_invitation": coach_invitation,
        "handover_engagement": engagement,
        "practice_handover": handover,
        "handover": handover,
        "engagement": engagement,
        "goal": goal,
        "session": session,
        "agenda_item": AgendaItem.objects.create(engagement=engagement, text="What gets in the way"),
        "homework": homework,
        "progress_entry": make_progress(homework, note="Listed five values", minutes=20),
        "journal_entry": entry,
        "thinking_block": ThinkingTimeBlock.objects.create(client=client, start_time=dt.time(9)),
        "exercise": exercise,
        "check_in_scale": CheckInScale.objects.create(
            engagement=engagement, question="How rested am I?", low_label="worn out", high_label="fresh"
        ),
        "reflection": Reflection.objects.create(session=session, what_i_did="Listed my values"),
        "reminder": Reminder.objects.create(
            recipient=client,
            kind=Kind.HOMEWORK_ANSWERED,
            title="A reminder",
            due_at=now,
            status=Reminder.Status.INBOX,
            dedupe_key=f"routes:{client.pk}",
        ),
        "invitation": invitation,
        "api_token": api_token,
        "webhook": Webhook.objects.create(coach=coach, url="https://example.org/hook", events=["homework.agreed"]),
        "push_subscription": PushSubscription.objects.create(
            user=client, endpoint=f"https://fcm.googleapis.com/fcm/send/{client.pk}", p256dh="key", auth="auth"
        ),
    }


@pytest.fixture
def people(db: Any) -> dict[str, User]:
    alice, carol = make_user("alice@example.com", is_coach=True), make_user("carol@example.com", is_coach=True)
    return {
        "alice": alice,
        "bob": make_user("bob@example.com"),
        "carol": carol,
        "dan": make_user("dan@example.com"),
        "olive": join_practice(alice, make_user("olive@example.com", is_coach=True), "admin"),
        "frank": join_practice(alice, make_user("frank@example.com", is_coach=True)),
        "cora": join_practice(carol, make_user("cora@example.com", is_coach=True)),
    }


@pytest.fixture
def worlds(people: dict[str, User]) -> dict[str, dict[str, Model]]:
    alice_bob = make_engagement(people["alice"], people["bob"])
    carol_dan = make_engagement(people["carol"], people["dan"])
    return {
        "alice": build_world(people["alice"], people["bob"], alice_bob, people["frank"]),
        "carol": build_world(people["carol"], people["dan"], carol_dan, people["cora"]),
    }


class Visitor:
    """One person's signed-in browser and API token, made once per test."""

    def __init__(self, user: User) -> None:
        self.browser = Client()
        self.browser.force_login(user)
        _, token = ApiToken.issue(user=user, name="probe")
        self.api = Client(headers={"Authorization": f"Bearer {token}"})


def methods_for(route: Route) -> tuple[str, ...]:
    """Pages take GET and POST; the API also PATCH, PUT and DELETE (DELETE last: it may remove the object)."""
    return ("GET", "POST", "PATCH", "PUT", "DELETE") if route.is_api else ("GET", "POST")


def _request(route: Route, visitor: Visitor, method: str, ids: dict[str, int]) -> tuple[int, Any]:
    url = route.url(ids)
    if route.is_api:
        if method == "GET":
            response = visitor.api.get(url)
        else:
            response = visitor.api.generic(method, url, data="{}", content_type="application/json")
    else:
        response = visitor.browser.get(url) if method == "GET" else visitor.browser.post(url, {})
    return response.status_code, response


def _missing(route: Route, visitor: Visitor, method: str, ids: dict[str, int], foreign: set[str]) -> int:
    """What the same request gets with the foreign ids missing instead: 404; 405 when the route never
    takes this method; 403 when the role is refused first. The last two never read the foreign object."""
    status, _ = _request(route, visitor, method, {p: 10**9 if p in foreign else pk for p, pk in ids.items()})
    assert status in {403, 404, 405}, f"{method} {route.pattern} with a missing id answered {status}, not 404"
    return status


@pytest.mark.parametrize("route", PROBED, ids=[route.key for route in PROBED])
def test_another_coach_and_another_client_get_404(
    route: Route, people: dict[str, User], worlds: dict[str, dict[str, Model]]
) -> None:
    visitors = {name: Visitor(user) for name, user in people.items()}
    theirs = {parameter: worlds["alice"][thing].pk for parameter, thing in route.things}
    mine = {parameter: worlds["carol"][thing].pk for parameter, thing in route.things}
    # Their ids, then (for a route naming two objects) each of theirs beside the prober's own.
    probes = [(theirs, set(theirs))]
    if len(route.things) > 1:
        probes += [({**mine, parameter: theirs[parameter]}, {parameter}) for parameter, _ in route.things]
    admin_route = any(thing in ADMIN_THINGS for _, thing in route.things)
    probers = ("carol", "dan", "frank") if admin_route else ("carol", "dan", "olive", "frank")
    for name in probers:
        for method in methods_for(route):
            for ids, foreign in probes:
                expected = _missing(route, visitors[name], method, ids, foreign)
                status, response = _request(route, visitors[name], method, ids)
                assert status == expected, f"{name} {method} {route.url(ids)} answered {status}, not {expected}"
                if route.is_api and status == 404:
                    assert "error" in json.loads(response.content)

    answers = {
        (name, method): _request(route, visitors[name], method, theirs)[0]
        for name in ("alice", "bob")
        for method in methods_for(route)
    }
    assert set(answers.values()) - {404, 405}, f"neither alice nor bob can use {route.pattern}: {answers}"
