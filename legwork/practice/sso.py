"""Single sign-on for a practice's coaches, through django-allauth's OpenID Connect and SAML providers.

Each identity provider (an allauth SocialApp, from settings.SOCIALACCOUNT_PROVIDERS or the Django
admin) belongs to one practice: the practice whose "identity provider" field names it, or else the
practice whose id its settings carry (SSO_OIDC_PRACTICE, SSO_SAML_PRACTICE). Through it:

- a person already linked to it signs in, if they are still an active member of that practice;
- a person with an account under the same (verified) address is linked, not duplicated, if they are
  that practice's coach, or a coach of no practice yet, or the only coach of a practice of one;
- a new person whose address is at one of the practice's domains (any, if it lists none) becomes a
  coach of that practice just in time.

Nobody else: never a client's account, never a coach of another practice. And when the practice
turns password sign-in off, its people sign in through its provider alone (`AccountAdapter.pre_login`:
the one place every sign-in of allauth's passes, by password, emailed code or email confirmation).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from allauth.account.internal.stagekit import clear_login
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.csp import CSP

from legwork.accounts.adapter import AccountAdapter as BaseAccountAdapter

from .models import Membership, Practice

if TYPE_CHECKING:
    from allauth.socialaccount.models import SocialLogin

    from legwork.accounts.models import User

logger = logging.getLogger("legwork.practice.sso")


class Refused(Exception):
    """Why this person may not sign in through this identity provider (shown to them)."""


# --- Which practice, which people ----------------------------------------------------------------


def practice_for_app(app: Any) -> Practice | None:
    """The practice an identity provider (an allauth SocialApp) belongs to, or None."""
    provider_id = app.provider_id or app.provider
    claiming = list(Practice.objects.filter(sso_provider=provider_id)[:2])
    if len(claiming) > 1:
        # Two practices naming one provider: which one its new people join is not Legwork's guess to make.
        logger.error("Practices %s both name identity provider %s", [p.pk for p in claiming], provider_id)
        return None
    if claiming:
        return claiming[0]
    practice_id = str((app.settings or {}).get("practice") or "").strip()
    if practice_id.isdigit():
        return Practice.objects.filter(pk=int(practice_id)).first()
    return None


def providers_of(practice: Practice) -> list[Any]:
    """The identity providers (allauth SocialApps, from the admin or the environment) tied to `practice`."""
    from allauth.socialaccount.adapter import get_adapter

    return [app for app in get_adapter().list_apps(None) if practice_for_app(app) == practice]


def require_provider_before_sso_only(practice: Practice, password_sign_in: bool) -> None:
    """Password sign-in goes off only for a practice with an identity provider: else nobody could sign in."""
    if not password_sign_in and not providers_of(practice):
        raise Refused(
            "Single sign-on is not set up for this practice yet: keep password sign-in until the site's "
            "staff tie an identity provider to it."
        )


def allowed_domains(practice: Practice, app: Any) -> list[str]:
    """The practice's own list wins; else the provider's (SSO_*_DOMAINS); empty means any address."""
    return practice.domains() or [d.strip().lower().lstrip("@") for d in (app.settings or {}).get("domains", [])]


def password_sign_in_refused(user: User) -> Practice | None:
    """The practice whose coaches sign in only through single sign-on, if `user` is one of them."""
    membership = Membership.objects.select_related("practice").filter(user=user).first()
    if membership is None or membership.practice.password_sign_in:
        return None
    return membership.practice


def sso_admit(*, practice: Practice, app: Any, email: str, linked_user: User | None) -> User | None:
    """Check that this sign-in may go ahead; return the existing account to link, if any.

    `linked_user` is the account already linked to this identity at the provider (allauth's
    SocialAccount), None for a first sign-in. Raises Refused.
    """
    from legwork.accounts.models import User

    if linked_user is not None:
        membership = Membership.objects.filter(user=linked_user).first()
        if membership is None or membership.practice_id != practice.pk or not membership.is_active:
            raise Refused(f"This account is not a coach of {practice}.")
        return None
    email = (email or "").strip().lower()
    if not email:
        raise Refused("The identity provider did not say your email address.")
    domains = allowed_domains(practice, app)
    if domains and email.rpartition("@")[2] not in domains:
        raise Refused(f"{email} is not an address of {practice}: only {', '.join(domains)} may sign in here.")
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return None  # a new coach, made by SocialAccountAdapter.save_user
    if not user.is_coach:
        raise Refused(f"{email} is a client's account: clients sign in with their password or an emailed code.")
    if not EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists():
        # Someone could have signed up with the address before its owner: never hand them the owner's sign-in.
        raise Refused(f"The account for {email} has not confirmed its address: sign in with a password first.")
    membership = Membership.objects.filter(user=user).first()
    if (
        membership is not None
        and membership.practice_id != practice.pk
        and Membership.objects.filter(practice_id=membership.practice_id).exclude(pk=membership.pk).exists()
    ):
        raise Refused(f"{email} is a coach of {membership.practice}: ask its admin to let you go first.")
    return user


@transaction.atomic
def sso_join(*, practice: Practice, user: User) -> Membership:
    """Make `user` a coach of `practice`: a coach of no practice joins; a practice of one moves over whole."""
    membership = Membership.objects.select_for_update().filter(user=user).first()
    if membership is not None and membership.practice_id == practice.pk:
        return membership
    if membership is not None:
        old = membership.practice
        membership.delete()
        if not old.memberships.exists():
            old.delete()
    if not user.is_coach:
        user.is_coach = True
        user.save(update_fields=["is_coach"])
    return Membership.objects.create(practice=practice, user=user, role=Membership.Role.COACH)


def refusal(request: HttpRequest, message: str, practice: Practice | None = None) -> HttpResponse:
    return render(request, "practice/sso_refused.html", {"message": message, "practice": practice}, status=403)


# --- The sign-in page's Content-Security-Policy -------------------------------------------------


def _origin(url: Any) -> str | None:
    parts = urlsplit(str(url or ""))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("https", "http") and parts.netloc else None


def provider_origins() -> list[str]:
    """Where the identity providers' sign-in pages are: an OpenID Connect provider's `server_url`, a SAML
    IdP's `sso_url` (else its `metadata_url`), for every provider of the admin and the environment."""
    from allauth.socialaccount.adapter import get_adapter

    origins = []
    for app in get_adapter().list_apps(None):
        config = app.settings or {}
        idp = config.get("idp") or {}
        origin = _origin(config.get("server_url")) or _origin(idp.get("sso_url")) or _origin(idp.get("metadata_url"))
        if origin and origin not in origins:
            origins.append(origin)
    return origins


class SignInFormActionMiddleware:
    """Lets the single sign-on buttons reach their identity providers.

    A button posts to Legwork (allauth's provider login), which redirects to the provider; browsers
    hold that redirect to the page's `form-action`, which is 'self' everywhere (settings.SECURE_CSP),
    so without this the button does nothing. Under /accounts/ only, the providers' own origins are
    added, and nothing else: a form elsewhere still posts to Legwork alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/accounts/") and "html" in response.get("Content-Type", ""):
            origins = provider_origins()
            if origins:
                config = getattr(response, "_csp_config", settings.SECURE_CSP)
                response._csp_config = {  # type: ignore[attr-defined]  # read by Django's CSP middleware
                    **config,
                    "form-action": [*config.get("form-action", [CSP.SELF]), *origins],
                }
        return response


# --- The adapters allauth calls ------------------------------------------------------------------


class AccountAdapter(BaseAccountAdapter):
    """Legwork's account adapter, and: no password sign-in for a practice that signs in only through SSO."""

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        if not (kwargs.get("signal_kwargs") or {}).get("sociallogin") and user.is_active:
            practice = password_sign_in_refused(user)
            if practice is not None:
                clear_login(request)
                return refusal(
                    request, f"{practice} signs its coaches in through its identity provider only.", practice
                )
        response: HttpResponse | None = super().pre_login(request, user, **kwargs)
        return response


class SocialAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    """Who may sign in through a practice's identity provider, and the coach account made just in time."""

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        app = sociallogin.provider.app
        practice = practice_for_app(app)
        if practice is None:
            logger.warning("Sign-in through %s, which belongs to no practice", app.provider_id or app.provider)
            raise ImmediateHttpResponse(refusal(request, "This identity provider is not set up for any practice."))
        email = sociallogin.user.email if sociallogin.user else ""
        if not email and sociallogin.email_addresses:
            email = sociallogin.email_addresses[0].email
        try:
            existing = sso_admit(
                practice=practice,
                app=app,
                email=email,
                linked_user=sociallogin.user if sociallogin.is_existing else None,
            )
        except Refused as error:
            raise ImmediateHttpResponse(refusal(request, str(error), practice)) from None
        if existing is not None:
            with transaction.atomic():
                sso_join(practice=practice, user=existing)
                sociallogin.connect(request, existing)

    def is_email_verified(self, provider: Any, email: str) -> bool:
        """A practice's own identity provider vouches for its people's addresses (the domains limit which)."""
        if provider.app is not None and practice_for_app(provider.app) is not None:
            return True
        return bool(super().is_email_verified(provider, email))

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict[str, Any]) -> Any:
        user = super().populate_user(request, sociallogin, data)
        name = data.get("name") or " ".join(part for part in (data.get("first_name"), data.get("last_name")) if part)
        user.name = (name or "")[:100]
        user.email = (user.email or "").lower()
        return user

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        """Just in time: a new coach of the provider's practice (pre_social_login has admitted them)."""
        practice = practice_for_app(sociallogin.provider.app)
        if practice is None:  # pre_social_login refuses this; never make an account outside a practice
            raise ImmediateHttpResponse(refusal(request, "This identity provider is not set up for any practice."))
        with transaction.atomic():
            sociallogin.user.is_coach = True
            user = super().save_user(request, sociallogin, form)
            Membership.objects.create(practice=practice, user=user, role=Membership.Role.COACH)
        logger.info("Single sign-on made coach %s in practice %s", user.pk, practice.pk)
        return user
