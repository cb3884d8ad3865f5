"""Account work that pages in other apps call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.account.adapter import get_adapter
from django.http import HttpRequest

if TYPE_CHECKING:
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
