"""The front door: "/" sends each person to their own home page."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from legwork.homework.views.home import client_home, coach_home
from legwork.lib.http import AuthedHttpRequest


def home(request: HttpRequest) -> HttpResponse:
    """Signed out: the welcome page. A coach: their practice. A client: this interval."""
    if not request.user.is_authenticated:
        return render(request, "welcome.html")
    if request.user.is_coach:
        return coach_home(cast(AuthedHttpRequest, request))
    return client_home(cast(AuthedHttpRequest, request))
