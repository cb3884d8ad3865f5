"""Reply by email against a real IMAP server (dovecot, started here) and a real SMTP server."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from conftest import make_homework
from legwork.conversation import replies
from legwork.conversation.models import Message
from legwork.conversation.services import thread_post
from legwork.homework.models import Homework
from legwork.lib.rules import RuleBroken
from legwork.reminders.tests.conftest import drain
from legwork.reminders.worker import WorkerLoop

from .imap import DOVECOT, Dovecot

pytestmark = pytest.mark.django_db


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    if not Path(DOVECOT).exists():
        if os.environ.get("CI"):
            pytest.fail("CI needs Debian's dovecot-imapd for the reply-by-email tests: apt-get install dovecot-imapd")
        pytest.skip("dovecot not installed (apt-get install dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="legwork-imap-"))
    server = Dovecot(root)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def reply_settings(settings: Any, dovecot: Dovecot, smtp_settings: Any) -> Any:
    settings.REPLY_ADDRESS = "replies@legwork.test"
    settings.IMAP_HOST, settings.IMAP_PORT, settings.IMAP_SSL = "127.0.0.1", dovecot.port, False
    settings.IMAP_USER, settings.IMAP_PASSWORD = dovecot.user, dovecot.password
    return smtp_settings


def reply_email(*, sender: str, to: str, text: str, message_id: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Re: Alice Coach wrote on “Send the application to Acme”"
    message["Message-ID"] = message_id
    message.set_content(text)
    return message.as_bytes()


REPLY = (
    "Yes, Thursday works.\n"
    "I'll bring the list.\n"
    "\n"
    "On Tue, 1 Dec 2026 at 12:00, Legwork <noreply@legwork.test> wrote:\n"
    "> Alice Coach wrote on “Send the application to Acme”.\n"
    "> Read it and answer: http://127.0.0.1:8000/homework/1/#thread\n"
)


@time_machine.travel(dt.datetime(2026, 3, 3, 12, 0, tzinfo=dt.UTC), tick=False)
def test_a_reply_to_a_thread_email_appears_once_and_a_forged_one_is_refused(
    alice_bob: Any,
    alice: Any,
    bob: Any,
    dan: Any,
    reply_settings: Any,
    dovecot: Dovecot,
    django_capture_on_commit_callbacks: Any,
) -> None:
    homework = make_homework(alice_bob, status=Homework.Status.CONFIRMED)
    with django_capture_on_commit_callbacks(execute=True):
        thread_post(homework=homework, by=alice, body="How did the call go? Thursday to talk?")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10), tick=False):
        drain(WorkerLoop(lease=dt.timedelta(minutes=5)))
    [sent] = reply_settings.messages
    reply_to = str(sent["Reply-To"])
    assert reply_to.startswith("replies+")
    assert reply_to.endswith("@legwork.test")
    text = sent.get_body(("plain",)).get_content()
    assert "How did the call go" not in text  # the words stay in Legwork unless asked for
    assert f"/homework/{homework.pk}/#thread" in text

    answer = reply_email(sender="bob@example.com", to=reply_to, text=REPLY + "-- \nBob\n", message_id="<r1@mail.test>")
    dovecot.deliver(answer)
    assert replies.replies_poll() == 1
    dovecot.deliver(answer)  # the same email again (a client that sent it twice, a poll cut short)
    assert replies.replies_poll() == 1
    posted = Message.objects.filter(author=bob)
    assert [m.body for m in posted] == ["Yes, Thursday works.\nI'll bring the list."]
    assert posted[0].email_message_id == "<r1@mail.test>"
    assert dovecot.count() == 0

    # A forged token, and a genuine one sent by someone else: nothing posted, the sender told why.
    forged = reply_to.replace(reply_to.split("-")[-1].split("@")[0], "0" * 20)
    dovecot.deliver(reply_email(sender="bob@example.com", to=forged, text="Forged", message_id="<r2@mail.test>"))
    dovecot.deliver(reply_email(sender="dan@example.com", to=reply_to, text="Not mine", message_id="<r3@mail.test>"))
    assert replies.replies_poll() == 2
    assert Message.objects.filter(author=bob).count() == 1
    assert not Message.objects.filter(body__in=["Forged", "Not mine"]).exists()
    told = {str(m["To"]): m.get_content() for m in reply_settings.messages[1:]}
    assert "not one Legwork made" in told["bob@example.com"]
    assert "made for someone else" in told["dan@example.com"]


def test_an_expired_address_is_refused(alice_bob: Any, bob: Any, settings: Any) -> None:
    homework = make_homework(alice_bob)
    token = replies.reply_token(bob, homework, now=time.time() - (settings.REPLY_MAX_AGE_DAYS + 1) * 86400)
    with pytest.raises(RuleBroken, match="expired"):
        replies.check_token(token, sender="bob@example.com")
    fresh = replies.reply_token(bob, homework)
    assert replies.check_token(fresh, sender="BOB@example.com") == (bob, homework)


def test_a_message_that_fails_stays_in_the_mailbox(
    alice_bob: Any, bob: Any, reply_settings: Any, dovecot: Dovecot, monkeypatch: Any
) -> None:
    homework = make_homework(alice_bob)
    to = replies.reply_address(bob, homework)
    dovecot.deliver(reply_email(sender="bob@example.com", to=to, text="Kept safe", message_id="<r4@mail.test>"))

    def database_down(raw: bytes) -> replies.Outcome:
        raise ConnectionError("the database went away")

    monkeypatch.setattr(replies, "reply_receive", database_down)
    assert replies.replies_poll() == 0
    assert dovecot.count() == 1
    monkeypatch.undo()
    assert replies.replies_poll() == 1
    assert Message.objects.get().body == "Kept safe"


def test_a_mailbox_that_is_down_stops_nothing(settings: Any, db: Any) -> None:
    from legwork.lib.testing import free_port

    settings.IMAP_HOST, settings.IMAP_PORT, settings.IMAP_SSL = "127.0.0.1", free_port(), False
    with pytest.raises(OSError):
        replies.replies_poll()
    assert WorkerLoop().step() == 0  # the worker logs it and goes on


def test_it_strips_quotes_signatures_and_html() -> None:
    message = EmailMessage()
    message.set_content("Plain words\n> quoted\n-- \nsig")
    assert replies.reply_text(message) == "Plain words"
    html = EmailMessage()
    html.set_content(
        "<div>Hello <b>there</b><br>line two</div><blockquote>On Mon, X wrote:</blockquote>", subtype="html"
    )
    assert replies.reply_text(html).startswith("Hello there\nline two")


@time_machine.travel(dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False)
def test_busy_threads_stay_within_the_daily_cap(
    alice_bob: Any, alice: Any, bob: Any, smtp_settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from legwork.reminders.models import Kind, Reminder
    from legwork.reminders.tests.conftest import set_prefs

    set_prefs(bob, emails_per_day=3, include_message=True)
    homework = [make_homework(alice_bob, title=f"Homework {n}") for n in range(6)]
    loop = WorkerLoop(lease=dt.timedelta(minutes=5))
    for hour in range(10):
        with time_machine.travel(timezone.now() + dt.timedelta(hours=hour), tick=False):
            for item in homework:
                for n in range(3):
                    with django_capture_on_commit_callbacks(execute=True):
                        thread_post(homework=item, by=alice, body=f"Message {n} at hour {hour}")
            with time_machine.travel(timezone.now() + dt.timedelta(hours=hour, minutes=10), tick=False):
                drain(loop)
    to_bob = [m for m in smtp_settings.messages if str(m["To"]) == "bob@example.com"]
    print(f"\n180 thread messages over 10 hours: {len(to_bob)} emails to Bob (cap 3)")
    assert len(to_bob) == 3
    # The rest are in Bob's inbox, one per burst on a homework, none lost.
    assert Reminder.objects.filter(recipient=bob, kind=Kind.THREAD, status=Reminder.Status.INBOX).exists()
    # Bob asked for the words: they are in the email.
    assert "Message 0 at hour 0" in to_bob[0].get_body(("plain",)).get_content()
