from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from legwork.reminders.models import CalendarFeed, Kind, Preferences, Reminder
from legwork.reminders.services import unsubscribe_token

from .conftest import drain

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_reminder(user: Any, status: str = Reminder.Status.SENT, **kwargs: Any) -> Reminder:
    kwargs.setdefault("title", "New homework for you")
    kwargs.setdefault("link", "/")
    kwargs.setdefault("dedupe_key", f"test:{user.pk}:{Reminder.objects.count()}")
    return Reminder.objects.create(
        recipient=user, kind=Kind.HOMEWORK_WAITING, due_at=timezone.now(), status=status, **kwargs
    )


def test_it_lists_a_persons_reminders_in_their_inbox(bob: Any, dan: Any) -> None:
    make_reminder(bob, title="Bob's <reminder>")
    make_reminder(bob, Reminder.Status.INBOX, title="Kept calm")
    make_reminder(bob, Reminder.Status.PENDING, title="Not yet due")
    make_reminder(dan, title="Dan's reminder")
    page = signed_in(bob).get(reverse("reminders_inbox")).content.decode()
    assert "Bob&#x27;s &lt;reminder&gt;" in page
    assert "Kept calm" in page
    assert "Not yet due" not in page
    assert "Dan's reminder" not in page


def test_it_answers_404_to_someone_elses_reminder(bob: Any, dan: Any, alice: Any) -> None:
    reminder = make_reminder(bob)
    assert signed_in(dan).get(reverse("reminder_open", args=[reminder.pk])).status_code == 404
    assert signed_in(alice).get(reverse("reminder_open", args=[reminder.pk])).status_code == 404
    assert signed_in(bob).get("/reminders/99999999999999999999/").status_code == 404
    reminder.refresh_from_db()
    assert reminder.read_at is None


def test_it_marks_read_and_follows_only_local_links(bob: Any) -> None:
    local = make_reminder(bob, link="/homework/1/")
    elsewhere = make_reminder(bob, link="//evil.example/")
    web = signed_in(bob)
    assert web.get(reverse("reminder_open", args=[local.pk]))["Location"] == "/homework/1/"
    assert web.get(reverse("reminder_open", args=[elsewhere.pk]))["Location"] == reverse("reminders_inbox")
    local.refresh_from_db()
    assert local.read_at is not None
    web.post(reverse("reminders_inbox_read"))
    assert not Reminder.objects.filter(recipient=bob, read_at__isnull=True).exists()


def test_it_offers_a_client_only_client_reminders_and_a_coach_only_coach_ones(alice_bob: Any) -> None:
    client_page = signed_in(alice_bob.client).get(reverse("reminders_preferences")).content.decode()
    coach_page = signed_in(alice_bob.coach).get(reverse("reminders_preferences")).content.decode()
    assert 'name="before_session"' in client_page
    assert 'name="coach_day"' not in client_page
    assert 'name="coach_day"' in coach_page
    assert 'name="before_session"' not in coach_page
    # A client posting a coach's field changes nothing.
    signed_in(alice_bob.client).post(
        reverse("reminders_preferences"),
        {"email_on": "on", "hour": "9", "quiet_from": "22", "quiet_until": "7", "emails_per_day": "1"},
    )
    prefs = Preferences.objects.get(user=alice_bob.client)
    assert prefs.coach_day is True
    assert prefs.hour == 9
    assert prefs.before_session is False  # unticked box


def test_it_moves_planned_reminders_to_a_new_hour(alice_bob: Any) -> None:
    from conftest import make_session
    from legwork.reminders.planning import reminders_plan

    bob = alice_bob.client
    session = make_session(alice_bob, at=timezone.now() + dt.timedelta(days=5))
    reminders_plan()
    before = Reminder.objects.get(recipient=bob, kind=Kind.BEFORE_SESSION)
    data = {"email_on": "on", "before_session": "on", "hour": "19", "quiet_from": "22", "quiet_until": "7"}
    signed_in(bob).post(reverse("reminders_preferences"), {**data, "emails_per_day": "1"})
    before.refresh_from_db()
    local = before.due_at.astimezone(bob.zone)
    assert (local.hour, local.date()) == (19, session.scheduled_at.astimezone(bob.zone).date() - dt.timedelta(days=1))


@pytest.mark.parametrize(
    "bad",
    [
        {"hour": "25"},
        {"hour": "nine"},
        {"quiet_from": "-1"},
        {"emails_per_day": "1000"},
        {"hour": "9" * 500},
    ],
)
def test_it_rerenders_bad_preferences_with_the_error_beside_the_field(bob: Any, bad: dict[str, str]) -> None:
    data = {"email_on": "on", "hour": "8", "quiet_from": "21", "quiet_until": "7", "emails_per_day": "1", **bad}
    response = signed_in(bob).post(reverse("reminders_preferences"), data)
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert Preferences.objects.get(user=bob).hour == 8


def test_it_unsubscribes_with_one_click_and_without_signing_in(bob: Any) -> None:
    url = reverse("reminders_unsubscribe", args=[unsubscribe_token(bob)])
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.get(url).status_code == 200
    assert Preferences.objects.filter(user=bob, email_on=False).count() == 0  # a GET (link scanner) changes nothing
    response = anonymous.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Preferences.objects.get(user=bob).email_on is False


@pytest.mark.parametrize("token", ["nope", "MQ:bad-signature", "x" * 300])
def test_it_answers_404_to_a_forged_unsubscribe_link(bob: Any, token: str) -> None:
    assert Client().post(reverse("reminders_unsubscribe", args=[token])).status_code == 404
    assert Preferences.objects.filter(user=bob).count() == 0


def test_it_makes_a_feed_url_shown_once_and_a_new_one_replaces_it(alice_bob: Any) -> None:
    bob = alice_bob.client
    web = signed_in(bob)
    assert web.get(reverse("calendar_feed")).status_code == 200
    made = web.post(reverse("calendar_feed_new_url"))
    # Post/redirect/get: the address bar ends on the feed page, safe to reload.
    assert (made.status_code, made["Location"]) == (302, reverse("calendar_feed"))
    first = web.get(reverse("calendar_feed")).context["new_url"]
    assert Client().get(first).status_code == 200
    assert first.split("/")[-1].removesuffix(".ics") not in web.get(reverse("calendar_feed")).content.decode()
    web.post(reverse("calendar_feed_new_url"), {"replace": "yes"})
    second = web.get(reverse("calendar_feed")).context["new_url"]
    assert Client().get(first).status_code == 404
    calendar = icalendar.Calendar.from_ical(Client().get(second).content)
    assert calendar["PRODID"] == "-//Legwork//Calendar feed//EN"
    web.post(reverse("calendar_feed"), {"show_titles": "on"})
    assert CalendarFeed.objects.get(user=bob).show_titles is True


def test_it_asks_before_replacing_a_feed(alice_bob: Any) -> None:
    web = signed_in(alice_bob.client)
    web.post(reverse("calendar_feed_new_url"))
    first = web.get(reverse("calendar_feed")).context["new_url"]
    again = web.post(reverse("calendar_feed_new_url"), follow=True)
    assert again.redirect_chain == [(reverse("calendar_feed"), 302)]
    page = again.content.decode()
    assert "Tick the box to replace it" in page
    assert again.context["new_url"] is None
    assert 'name="replace"' in page
    assert Client().get(first).status_code == 200  # the old address still works


def test_the_client_home_counts_unread_reminders_of_every_inbox_status_and_no_others(alice_bob: Any) -> None:
    bob = alice_bob.client
    make_reminder(bob, Reminder.Status.SENT)
    make_reminder(bob, Reminder.Status.SENT)
    make_reminder(bob, Reminder.Status.INBOX)
    make_reminder(bob, Reminder.Status.PENDING)  # not yet due: not in the inbox
    make_reminder(bob, Reminder.Status.SENT, read_at=timezone.now())  # read
    make_reminder(alice_bob.coach, Reminder.Status.SENT)  # someone else's
    page = signed_in(bob).get("/").content.decode()
    assert "3 unread reminders</a>" in page
    make_reminder(bob, Reminder.Status.FAILED)
    make_reminder(bob, Reminder.Status.FAILED)
    page = signed_in(bob).get("/").content.decode()
    assert "2 reminders could not be emailed" in page


def test_it_asks_to_sign_in_for_every_page_but_the_feed_and_unsubscribe(bob: Any) -> None:
    for name in ("reminders_inbox", "reminders_preferences", "calendar_feed"):
        response = Client().get(reverse(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert Client().post(reverse("calendar_feed_new_url")).status_code == 302
    assert not CalendarFeed.objects.exists()


def test_it_shows_unread_and_failed_reminders_on_the_client_home(alice_bob: Any) -> None:
    bob = alice_bob.client
    make_reminder(bob, Reminder.Status.FAILED)
    page = signed_in(bob).get("/").content.decode()
    assert "1 reminder could not be emailed" in page


def test_the_demo_practice_sends_reminders_and_prints_nothing(capsys: Any) -> None:
    from legwork.coaching.demo import build_demo_practice

    build_demo_practice()
    # `make run` shows the sign-ins and the address, nothing else: no feed addresses, no emails.
    assert capsys.readouterr().out == ""
    drain()
    recipients = {message.to[0] for message in mail.outbox}
    assert {"lee@legwork.test", "coach@legwork.test", "priya@legwork.test"} <= recipients
    assert CalendarFeed.objects.count() == 0


@pytest.mark.browser
def test_the_inbox_preferences_and_feed_pages_work_in_a_browser(open_browser: Any, alice_bob: Any) -> None:
    bob = alice_bob.client
    make_reminder(bob, title="New homework for you", items=[{"title": "Call Dana", "url": "/"}])
    make_reminder(bob, Reminder.Status.FAILED, title="Your session with Alice Coach is tomorrow at 10:00")
    tab = open_browser("reminders-client")
    tab.sign_in(bob.email)
    tab.page.click("text=Inbox")
    tab.page.wait_for_selector("text=could not be emailed")
    tab.assert_accessible()
    tab.screenshot("inbox")
    tab.page.goto(reverse("reminders_preferences"))
    tab.page.select_option("select[name=hour]", "18")
    tab.page.click("button[type=submit]")
    tab.page.wait_for_selector("text=Saved")
    tab.assert_accessible()
    tab.screenshot("preferences")
    assert Preferences.objects.get(user=bob).hour == 18
    tab.page.goto(reverse("calendar_feed"))
    tab.page.click("text=Make my feed address")
    url = tab.page.input_value("#feed-url")
    assert url.endswith(".ics")
    tab.assert_accessible()
    tab.screenshot("feed")
    tab.page.set_viewport_size({"width": 390, "height": 844})
    tab.page.goto(reverse("reminders_inbox"))
    tab.screenshot("inbox-phone")
    assert tab.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling


def test_the_inbox_and_the_feed_take_the_same_queries_for_many_rows(alice_bob: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conftest import make_homework, make_session
    from legwork.reminders.services import feed_regenerate

    bob = alice_bob.client
    web = signed_in(bob)
    token = feed_regenerate(user=bob)
    counts = []
    for rows in (1, 25):
        for _ in range(rows):
            make_reminder(bob)
            make_session(alice_bob)
            make_homework(alice_bob)
        with CaptureQueriesContext(connection) as inbox_queries:
            web.get(reverse("reminders_inbox"))
        with CaptureQueriesContext(connection) as feed_queries:
            Client().get(reverse("calendar_feed_ics", args=[token]))
        counts.append((len(inbox_queries), len(feed_queries)))
    assert counts[0] == counts[1]


@pytest.mark.browser
def test_a_coach_sets_their_morning_email_and_a_person_unsubscribes_in_a_browser(
    open_browser: Any, alice_bob: Any
) -> None:
    alice = alice_bob.coach
    tab = open_browser("reminders-coach")
    tab.sign_in(alice.email)
    tab.page.goto(reverse("profile"))
    tab.page.click("text=Reminder preferences")
    tab.page.uncheck("input[name=homework_answered]")
    tab.page.click("button[type=submit]")
    tab.page.wait_for_selector("text=Saved")
    tab.assert_accessible()
    tab.screenshot("preferences")
    prefs = Preferences.objects.get(user=alice)
    assert prefs.homework_answered is False
    assert prefs.coach_day is True
    anonymous = open_browser("reminders-unsubscribe")
    anonymous.page.goto(reverse("reminders_unsubscribe", args=[unsubscribe_token(alice_bob.client)]))
    anonymous.assert_accessible()
    anonymous.page.click("text=Stop reminder emails")
    anonymous.page.wait_for_selector("text=no more reminder emails")
    anonymous.screenshot("done")
    assert Preferences.objects.get(user=alice_bob.client).email_on is False
