from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_back(request: HttpRequest, default: str, *args: object) -> HttpResponseRedirect:
    """Go to the `next` field if it is a safe local URL, else to `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(resolve_url(default, *args))


if TYPE_CHECKING:
    from django.contrib.auth.models import _User
    from django_htmx.middleware import HtmxDetails


class AuthedHttpRequest(HttpRequest):
    """The request a `login_required` view receives: a signed-in person, and htmx details."""

    # django-stubs resolves _User to settings.AUTH_USER_MODEL, so lib needs not name the accounts app.
    user: _User
    htmx: HtmxDetails
