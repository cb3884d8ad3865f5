from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponseRedirect, QueryDict
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


# Post/redirect/get with errors kept: a form that fails is put aside in the session and the browser is
# sent back to the page (a GET, safe to reload); the page takes the form back, once, and shows it as
# posted with its errors beside the fields. One form per page key at a time: the latest post wins.
_KEPT = "kept-post:"


def keep_post(request: HttpRequest, page: str, form: str, errors: dict[str, list[str]] | None = None) -> None:
    """Put the request's POST aside for `page` (e.g. "session:12"), naming which `form` it filled."""
    data = {key: values for key, values in request.POST.lists() if key != "csrfmiddlewaretoken"}
    request.session[_KEPT + page] = {"form": form, "data": data, "errors": errors or {}}


def take_kept_post(request: HttpRequest, page: str) -> tuple[str, QueryDict, dict[str, list[str]]] | None:
    """The form put aside for `page`, gone once taken: (form, data, errors), or None."""
    kept = request.session.pop(_KEPT + page, None)
    if not isinstance(kept, dict):
        return None
    data = QueryDict(mutable=True)
    for key, values in kept.get("data", {}).items():
        data.setlist(key, [str(value) for value in values])
    return str(kept.get("form", "")), data, dict(kept.get("errors", {}))
