"""Account work that pages in other apps call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.account.adapter import get_adapter
from django.http import HttpRequest

from .signals import device_signed_out

if TYPE_CHECKING:
    from allauth.usersessions.models import UserSession

    from .models import User


def password_confirm(*, request: HttpRequest, user: User, password: str) -> bool:
    """Whether `password` is this person's, counted against the same failure limits as signing in.

    A password check that is not limited lets anyone holding a signed-in session
    guess the password, so it shares sign-in's count per account and address.
    Past the limit it raises allauth's ImmediateHttpResponse: a 429 page, which
    allauth's middleware sends, as it does for the sign-in form.
    """
    found = get_adapter(request).authenticate(request, email=user.email, password=password)
    return found is not None and found.pk == user.pk


def device_end(*, session: UserSession) -> None:
    """End one sign-in (its Django session is deleted: that device is signed out on its next
    request), and tell the apps that tie something to a sign-in, such as push (`device_signed_out`)."""
    session_key, user = session.session_key, session.user
    session.end()
    device_signed_out.send(sender=type(user), user=user, session_key=session_key)


def devices_end(*, user: User, keep: str | None) -> int:
    """Sign `user` out everywhere but the session `keep` (this browser); how many sign-ins ended."""
    from allauth.usersessions.models import UserSession

    ended = 0
    for session in UserSession.objects.filter(user=user).exclude(session_key=keep or ""):
        device_end(session=session)
        ended += 1
    return ended


# The few names a person recognises their own phone or browser by, in the order to look for them
# (Edge and Chrome on Android both say "Chrome"; every browser on an iPhone says "Safari").
_BROWSERS = [("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
_SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Mac OS X", "Mac"),
    ("Windows", "Windows"),
    ("Linux", "Linux"),
]


def describe_device(user_agent: str) -> str:
    """'Chrome on Android', from a User-Agent header; 'A browser' when it says nothing we know."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), "A browser")
    system = next((name for token, name in _SYSTEMS if token in user_agent), "")
    return f"{browser} on {system}" if system else browser
