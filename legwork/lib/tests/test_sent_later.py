"""'Written on your phone at 08:12, sent at 09:40' (lib/sent_later.py): when it is said, and how."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from types import SimpleNamespace

from django.template import Context, Template
from django.utils import timezone

from legwork.lib.sent_later import SENT_LATER_AFTER, sent_later_words, was_sent_later

UTC = dt.UTC
LONDON = zoneinfo.ZoneInfo("Europe/London")
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
WRITTEN = dt.datetime(2026, 3, 10, 8, 12, tzinfo=UTC)


def test_only_a_notable_wait_is_said() -> None:
    assert was_sent_later(WRITTEN, WRITTEN + dt.timedelta(hours=1, minutes=28))
    assert not was_sent_later(WRITTEN, WRITTEN + SENT_LATER_AFTER)
    assert not was_sent_later(WRITTEN, WRITTEN)
    assert not was_sent_later(WRITTEN, None)  # saved as it was written


def test_the_words_are_in_the_viewers_zone_with_the_days_when_they_differ() -> None:
    sent = WRITTEN + dt.timedelta(hours=1, minutes=28)
    assert sent_later_words(WRITTEN, sent, zone=LONDON) == "Written on your phone at 08:12, sent at 09:40"
    # In Tokyo (UTC+9) the same moments are 17:12 and 18:40.
    assert (
        sent_later_words(WRITTEN, sent, whose="their", zone=TOKYO) == "Written on their phone at 17:12, sent at 18:40"
    )
    overnight = dt.datetime(2026, 3, 9, 21, 50, tzinfo=UTC)
    assert (
        sent_later_words(overnight, sent, zone=LONDON)
        == "Written on your phone on Mon 9 Mar at 21:50, sent Tue 10 Mar at 09:40"
    )


def render(user: object, written: object, received: object, author: object) -> str:
    template = Template("{% sent_later written received author as later %}[{{ later }}]")
    return template.render(Context({"user": user, "written": written, "received": received, "author": author}))


def test_the_tag_says_whose_phone_to_the_viewer() -> None:
    sent = WRITTEN + dt.timedelta(hours=1, minutes=28)
    bob, alice = SimpleNamespace(pk=2), SimpleNamespace(pk=1)
    with timezone.override(LONDON):
        assert render(bob, WRITTEN, sent, 2) == "[Written on your phone at 08:12, sent at 09:40]"
        assert render(alice, WRITTEN, sent, 2) == "[Written on their phone at 08:12, sent at 09:40]"
        assert render(alice, WRITTEN, sent, None) == "[Written on a phone at 08:12, sent at 09:40]"
        assert render(bob, WRITTEN, None, 2) == "[]"
        assert render(bob, WRITTEN, WRITTEN + dt.timedelta(minutes=2), 2) == "[]"
        assert render(bob, "", "", 2) == "[]"
