"""The time zone picker: one list without old aliases, grouped by region, each zone with its offset now,
the same on sign-up, joining, the profile and thinking time; an old alias lands on its zone."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import make_user
from legwork.accounts.models import User
from legwork.accounts.zones import canonical_timezone, offset_label, timezone_choices, timezone_names
from legwork.coaching import services

WINTER = dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC)
SUMMER = dt.datetime(2026, 7, 15, 12, tzinfo=dt.UTC)


def test_the_list_has_the_zones_people_live_in_and_no_old_aliases() -> None:
    names = set(timezone_names())
    assert {"UTC", "Europe/London", "Europe/Amsterdam", "Asia/Kolkata", "Europe/Kyiv", "America/St_Johns"} <= names
    assert not names & {"Asia/Calcutta", "US/Eastern", "GB", "Europe/Kiev", "Etc/GMT+5", "EST5EDT", "localtime"}
    assert 400 < len(names) < 450


@pytest.mark.parametrize(
    ("name", "zone"),
    [
        ("Europe/London", "Europe/London"),
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("US/Eastern", "America/New_York"),
        ("Etc/UTC", "UTC"),
        ("Etc/GMT+5", None),
        ("Mars/Olympus", None),
    ],
)
def test_an_alias_names_its_zone(name: str, zone: str | None) -> None:
    assert canonical_timezone(name) == zone


def test_offsets_read_like_a_clock() -> None:
    assert [offset_label(dt.timedelta(minutes=m)) for m in (0, 60, 330, -180, -210)] == [
        "UTC+0",
        "UTC+1",
        "UTC+5:30",
        "UTC−3",
        "UTC−3:30",
    ]


def test_choices_are_grouped_by_region_with_the_offset_of_the_day() -> None:
    winter, summer = dict(timezone_choices(WINTER)), dict(timezone_choices(SUMMER))
    assert winter["UTC"] == "UTC"
    assert list(winter)[1:] == [
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    ]
    assert ("Europe/London", "London (UTC+0)") in winter["Europe"]
    assert ("Europe/London", "London (UTC+1)") in summer["Europe"]
    assert ("Asia/Kolkata", "Kolkata (UTC+5:30)") in winter["Asia"]
    assert ("America/Argentina/Buenos_Aires", "Argentina / Buenos Aires (UTC−3)") in winter["America"]
    assert ("America/St_Johns", "St Johns (UTC−3:30)") in winter["America"]
    # Sorted by the name people read, so typing "Lo" on the select finds London.
    labels = [label for _, label in winter["Europe"]]
    assert labels == sorted(labels)


def options_of(page: str) -> tuple[list[str], list[str]]:
    select = re.search(r'<select name="timezone".*?</select>', page, re.S)
    assert select is not None, page
    groups = re.findall(r'<optgroup label="([^"]+)"', select.group(0))
    values = re.findall(r'<option value="([^"]+)"', select.group(0))
    return groups, values


def assert_the_picker(page: str, *, guessed: bool) -> None:
    groups, values = options_of(page)
    assert groups[:2] == ["Africa", "America"]
    assert "Europe" in groups
    assert values == ["UTC", *[v for v in values if v != "UTC"]]
    assert sorted(values) == timezone_names()
    guess = re.search(r"data-guess-timezone=\"([^\"]*)\"", page)
    if guessed:
        assert guess is not None
        aliases = json.loads(guess.group(1).replace("&quot;", '"'))
        assert aliases["Asia/Calcutta"] == "Asia/Kolkata"
    else:
        assert guess is None


@pytest.mark.django_db
def test_sign_up_join_profile_and_thinking_time_offer_the_same_picker(client: Client, alice: User) -> None:
    assert_the_picker(client.get(reverse("account_signup")).content.decode(), guessed=True)
    _, token = services.invitation_create(coach=alice, email="nia@example.com")
    [email] = mail.outbox
    join = re.search(r"https?://[^/\s]+(/\S+)", str(email.body))
    assert join is not None
    assert_the_picker(Client().get(join.group(1)).content.decode(), guessed=True)
    client.force_login(alice)
    assert_the_picker(client.get(reverse("profile")).content.decode(), guessed=False)
    assert_the_picker(client.get(reverse("thinking_time")).content.decode(), guessed=False)


@pytest.mark.django_db
def test_a_person_saved_with_an_old_alias_sees_and_keeps_its_zone(client: Client) -> None:
    priya = make_user("priya@example.com", name="Priya")
    User.objects.filter(pk=priya.pk).update(timezone="Asia/Calcutta")  # from before the list lost its aliases
    client.force_login(priya)
    page = client.get(reverse("profile")).content.decode()
    assert '<option value="Asia/Kolkata" selected>' in page
    response = client.post(reverse("profile"), {"name": "Priya", "timezone": "Asia/Calcutta"})
    assert response.status_code == 302
    priya.refresh_from_db()
    assert priya.timezone == "Asia/Kolkata"


@pytest.mark.django_db
def test_an_unknown_or_fixed_offset_zone_is_refused(client: Client, alice: User) -> None:
    client.force_login(alice)
    for zone in ("Etc/GMT+5", "Mars/Olympus"):
        response = client.post(reverse("profile"), {"name": "Alice", "timezone": zone})
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("browser_zone", "picked"), [("Asia/Calcutta", "Asia/Kolkata"), ("America/Chicago", "America/Chicago")]
)
def test_the_browser_guess_is_preselected_for_a_new_person(
    browser: Any, live_server: Any, browser_zone: str, picked: str
) -> None:
    context = browser.new_context(base_url=live_server.url, timezone_id=browser_zone)
    try:
        page = context.new_page()
        page.goto(reverse("account_signup"))
        assert page.locator("select[name=timezone]").input_value() == picked
        label = page.locator("select[name=timezone] option:checked").inner_text()
        assert re.fullmatch(r".+ \(UTC[+−]\d+(:\d\d)?\)", label), label
    finally:
        context.close()
