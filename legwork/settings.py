"""Legwork settings, read from environment variables.

Defaults run anywhere with nothing set: SQLite in var/, DEBUG off, a secret key
generated into var/ on first run. Production sets DATABASE_URL, SECRET_KEY,
ALLOWED_HOSTS and the EMAIL_* variables.
"""

from __future__ import annotations

import base64
import email.utils
import ipaddress
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

# Django's generic classes subscriptable at run time as in their types: ModelForm[Goal], ModelAdmin[User].
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LEGWORK_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(name: str, default: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Comma-separated IP addresses or networks (`10.0.0.0/8`)."""
    networks = []
    for value in env_list(name, default):
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {value!r} is not an IP address or network") from None
    return networks


def _secret_key() -> str:
    if key := env_str("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The API signs in by token, not cookie; a CSRF refusal under /api/ still answers JSON.
CSRF_FAILURE_VIEW = "legwork.api.errors.csrf_failure"
SITE_ROOT = env_str("SITE_ROOT", "http://127.0.0.1:8000").rstrip("/")
# The name people see on pages and in every email (allauth's included), and an address
# to write to for help: without one, no page or email promises "contact us".
SITE_NAME = env_str("LEGWORK_SITE_NAME", "Legwork")
CONTACT_EMAIL = env_str("LEGWORK_CONTACT_EMAIL")

INSTALLED_APPS = [
    "legwork.lib",
    "legwork.accounts",
    "legwork.coaching",
    "legwork.homework",
    # A practice of several coaches, handovers, single sign-on (docs/practice.md).
    "legwork.practice",
    "legwork.notebook",
    "legwork.exercises",
    "legwork.reminders",
    "legwork.insights",
    "legwork.conversation",
    # Quality at review, check-ins, selves to steps (issue 14): beside conversation, below the API and exports.
    "legwork.quality",
    # Webhooks (issue 17): events told to a coach's URLs through the worker, signed (docs/webhooks.md).
    "legwork.webhooks",
    "legwork.api",
    "legwork.exports",
    "legwork.phone",
    "legwork.ops",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Phone (issue 15): every signed-in session recorded per person, listed and revocable as a "device".
    "allauth.usersessions",
    # Single sign-on for a practice's coaches (docs/practice.md, "Single sign-on"; legwork/practice/sso.py).
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "django.contrib.humanize",  # allauth's own sessions page (/accounts/sessions/) needs it
]

MIDDLEWARE = [
    # Outermost, so a request is timed whole (legwork/ops/metrics.py).
    "legwork.ops.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "legwork.lib.middleware.PrivateResponsesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Single sign-on: the sign-in pages' form-action reaches the identity providers (practice/sso.py).
    "legwork.practice.sso.SignInFormActionMiddleware",
    # Phone (issue 15): signing out clears this browser's caches and offline queue.
    "legwork.phone.middleware.ClearSiteDataOnSignOutMiddleware",
    "legwork.accounts.middleware.TimezoneMiddleware",
    # Innermost, so a write request is one transaction around the view alone (lib/middleware.py).
    "legwork.lib.middleware.AtomicWritesMiddleware",
]

ROOT_URLCONF = "legwork.urls"
WSGI_APPLICATION = "legwork.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "legwork.lib.context_processors.site",
                "django.template.context_processors.csp",
            ],
            # {% load panels %}: how a higher app adds a part to a lower app's page (legwork/lib/panels.py).
            "libraries": {"panels": "legwork.lib.panels", "nav": "legwork.lib.nav"},
            # Relative times in plain words, `{{ when|ago }}`, in every template (legwork/lib/relative.py);
            # "Written on your phone at 08:12, sent at 09:40", `{% sent_later … %}` (legwork/lib/sent_later.py);
            # icons and the logo as inline SVG, `{% icon "home" %}`, `{% logo %}` (legwork/lib/icons.py).
            "builtins": ["legwork.lib.relative", "legwork.lib.sent_later", "legwork.lib.icons"],
        },
    },
]

# Databases: SQLite in var/ unless DATABASE_URL says otherwise.
# IMMEDIATE transactions and a busy timeout stop "database is locked" under
# concurrent writers; WAL lets readers go on while one writes.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
# Tests run on a file, as Legwork does, not on Django's default in-memory database:
# WAL, locking and a second connection from another thread behave as deployed.
# One file per test process, so two suites running side by side never share one.
SQLITE_TEST = {"NAME": str(Path(tempfile.gettempdir()) / f"legwork-test-{os.getpid()}.sqlite3")}
default_db: dict[str, Any]
if database_url := env_str("DATABASE_URL"):
    try:
        default_db = dict(dj_database_url.parse(database_url, conn_max_age=600, conn_health_checks=True))
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {error}") from None
else:
    default_db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "legwork.sqlite3")}
if default_db["ENGINE"] == "django.db.backends.sqlite3":
    default_db["OPTIONS"] = SQLITE_OPTIONS
    default_db["TEST"] = SQLITE_TEST
elif default_db["ENGINE"] == "django.db.backends.postgresql":
    # Legwork only runs short queries; PostgreSQL's JIT compiled the coach home's
    # client list on every request (0.5 s of compiling for 4 ms of work).
    default_db.setdefault("OPTIONS", {})["options"] = "-c jit=off"
DATABASES = {"default": default_db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# No state lives in a web process: sessions and rate-limit counters go to the database.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "legwork_cache",
    }
}

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email and password, verified email, rate-limited login.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
# A password reset for an address with no account sends nothing (the page says the
# same either way): otherwise anyone could have Legwork mail any address at will.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# legwork.practice.sso's adapter is accounts' own plus one refusal: a password (or emailed code)
# sign-in by a coach whose practice signs in only through single sign-on.
ACCOUNT_ADAPTER = "legwork.practice.sso.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "legwork.accounts.forms.CoachSignupForm"
# Limits count per client address (see TRUSTED_PROXIES) and, for failed sign-ins,
# per account *and* address (legwork.accounts.adapter): a stranger's wrong
# passwords lock out the stranger, never the account's owner. The same failure
# count guards the password check on account deletion. A limited request answers 429.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    # Legwork's own: invitation emails a coach sends, and the join page's "email me the link".
    "invitation_send": "30/h/user,100/d/user",
    "invitation_resend": "3/h/key,20/h/ip",
}
# The reverse proxies in front of Legwork: only a connection from one of these may
# say, in X-Forwarded-For, which address it forwards for. Loopback by default, for
# a proxy on the same machine (a Unix socket counts as loopback).
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES", ["127.0.0.1", "::1"])
# Phone (issue 15): sign in without a password, by a one-time code emailed to the address.
# The code lives three minutes and takes three tries; asking for one
# is limited per address and per client address like a failed sign-in.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 180
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
# Six digits: a phone offers its number pad, and three tries at a million codes is a 1-in-333,333 guess.
ACCOUNT_LOGIN_BY_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_RATE_LIMITS["request_login_code"] = "20/m/ip,3/m/key,10/h/key"
# On one's own phone a sign-in lasts 30 days ("remember me" ticked, or a code sign-in); unticked,
# on a shared computer, it ends when the browser closes. Each sign-in is a row of allauth's
# usersessions, listed on /profile/devices/. Activity is not tracked: that would be a write on
# every request.
SESSION_COOKIE_AGE = env_int("SESSION_DAYS", 30) * 24 * 3600
USERSESSIONS_TRACK_ACTIVITY = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME

# Single sign-on (docs/practice.md, "Single sign-on"): an OpenID Connect and/or a SAML 2.0 identity
# provider from these variables, or SocialApps made in the Django admin; each is tied to a practice
# (SSO_*_PRACTICE here, or the practice's "identity provider" field). The adapter in
# legwork/practice/sso.py admits only that practice's coaches and makes new ones just in time.
SOCIALACCOUNT_ADAPTER = "legwork.practice.sso.SocialAccountAdapter"
# A first sign-in makes the account at once; nobody is asked to fill in a sign-up form.
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # linking by address is the adapter's decision, not allauth's
SOCIALACCOUNT_STORE_TOKENS = False  # Legwork never calls the provider back: no token kept
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("SSO_TIMEOUT", 10)
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, Any]] = {}
if env_str("SSO_OIDC_SERVER_URL"):
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": "oidc",
                "name": env_str("SSO_OIDC_NAME", "Single sign-on"),
                "client_id": env_str("SSO_OIDC_CLIENT_ID"),
                "secret": env_str("SSO_OIDC_SECRET"),
                "settings": {
                    "server_url": env_str("SSO_OIDC_SERVER_URL"),
                    "oauth_pkce_enabled": True,
                    "practice": env_str("SSO_OIDC_PRACTICE"),
                    "domains": env_list("SSO_OIDC_DOMAINS", []),
                },
            }
        ]
    }
if env_str("SSO_SAML_IDP_METADATA_URL") or env_str("SSO_SAML_IDP_ENTITY_ID"):
    SOCIALACCOUNT_PROVIDERS["saml"] = {
        "APPS": [
            {
                "provider_id": "saml",
                "client_id": "saml",  # the part of its addresses: /accounts/saml/saml/acs/
                "name": env_str("SSO_SAML_NAME", "Single sign-on"),
                "settings": {
                    "idp": {
                        "entity_id": env_str("SSO_SAML_IDP_ENTITY_ID"),
                        "metadata_url": env_str("SSO_SAML_IDP_METADATA_URL"),
                        "sso_url": env_str("SSO_SAML_IDP_SSO_URL"),
                        "x509cert": env_str("SSO_SAML_IDP_X509_CERT"),
                    },
                    # A forged or replayed assertion must never sign anyone in: it must be signed.
                    "advanced": {"want_assertion_signed": True, "strict": True},
                    "attribute_mapping": {
                        "uid": env_list("SSO_SAML_ATTR_UID", ["urn:oasis:names:tc:SAML:attribute:subject-id"]),
                        "email": env_list(
                            "SSO_SAML_ATTR_EMAIL",
                            [
                                "urn:oid:0.9.2342.19200300.100.1.3",
                                "mail",
                                "email",
                                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
                            ],
                        ),
                        "name": env_list("SSO_SAML_ATTR_NAME", ["urn:oid:2.16.840.1.113730.3.1.241", "displayName"]),
                    },
                    "use_nameid_for_email": env_bool("SSO_SAML_NAMEID_IS_EMAIL"),
                    "practice": env_str("SSO_SAML_PRACTICE"),
                    "domains": env_list("SSO_SAML_DOMAINS", []),
                },
            }
        ]
    }

# Email: console in development, files when EMAIL_FILE_PATH is set, SMTP when EMAIL_HOST is set.
# The worker never waits on a silent SMTP server longer than this many seconds.
SMTP_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
if env_str("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST"),
                "port": env_int("EMAIL_PORT", 25),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS"),
                "timeout": SMTP_TIMEOUT,
            },
        }
    }
elif env_str("EMAIL_FILE_PATH"):
    # `make run`: the demo's emails go to files in this folder (one per run), not over its sign-ins.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": env_str("EMAIL_FILE_PATH")},
        }
    }
else:
    MAILERS = {"default": {"BACKEND": env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Legwork <legwork@localhost>")


# Web Push (legwork/reminders/push.py, docs/phone.md): the VAPID key pair that signs every push request, as
# base64url (the private key's raw 32 bytes; the public key's uncompressed point, derived when not given).
# Without VAPID_PRIVATE_KEY one is generated into var/ on first run, like the secret key, never committed.
def _vapid_private_key() -> str:
    if key := env_str("VAPID_PRIVATE_KEY"):
        return key
    path = VAR_DIR / "vapid_private_key"
    if not path.exists():
        from cryptography.hazmat.primitives.asymmetric import ec

        number = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
        path.write_text(base64.urlsafe_b64encode(number.to_bytes(32, "big")).rstrip(b"=").decode())
        path.chmod(0o600)
    return path.read_text().strip()


VAPID_PRIVATE_KEY = _vapid_private_key()
VAPID_PUBLIC_KEY = env_str("VAPID_PUBLIC_KEY")
# Who push services write to about our traffic: a mailto: of the sending address unless set.
VAPID_SUBJECT = env_str("VAPID_SUBJECT") or "mailto:" + email.utils.parseaddr(DEFAULT_FROM_EMAIL)[1]
# Only these push services' hosts (and their subdomains) are posted to, over HTTPS: a subscription's endpoint
# comes from a browser, and the server must not be made to post anywhere else (an internal address).
PUSH_SERVICES = env_list(
    "PUSH_SERVICES",
    ["fcm.googleapis.com", "push.services.mozilla.com", "push.apple.com", "notify.windows.com"],
)
PUSH_ALLOW_HTTP = False  # tests only: their push service listens on loopback without TLS

# Background jobs through Django's tasks API, stored in the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves static files from the web process itself, so a self-hosted
# Legwork needs no separate file server; it reads the app folders when
# collectstatic has not been run.
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
# Behind a TLS-terminating proxy: SECURE_COOKIES=1, SECURE_SSL_REDIRECT=1, HSTS_SECONDS=31536000.
if env_bool("TRUST_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# No page uses a camera, microphone, location, payment or any such feature, and
# nothing embedded may ask for one. The invitations page copies a link with the
# clipboard, which the browser allows a page of its own origin by default.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
)

# Content-Security-Policy: scripts and styles from Legwork itself, and an inline
# <script> only with this response's nonce ({{ csp_nonce }}); no inline style or
# event handler, no eval (htmx's is switched off in base.html). data: images are
# the TOTP set-up's QR code. See README.md, "Content-Security-Policy".
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Django's own console handler (DEBUG only) would print each of its lines a second time, beside root's.
        "django": {"handlers": [], "level": "INFO"},
    },
}

# Reply by email (legwork.conversation.replies): thread emails carry a signed reply address on this
# mailbox (plus-addressing, e.g. replies+<token>@example.org); the worker reads it over IMAP.
# Empty REPLY_ADDRESS: thread emails have no reply address, and replying by email is off.
REPLY_ADDRESS = env_str("REPLY_ADDRESS")
REPLY_MAX_AGE_DAYS = env_int("REPLY_MAX_AGE_DAYS", 60)
IMAP_HOST = env_str("IMAP_HOST")
IMAP_PORT = env_int("IMAP_PORT", 993)
IMAP_USER = env_str("IMAP_USER")
IMAP_PASSWORD = env_str("IMAP_PASSWORD")
IMAP_SSL = env_bool("IMAP_SSL", True)
IMAP_MAILBOX = env_str("IMAP_MAILBOX", "INBOX")
IMAP_TIMEOUT = env_int("IMAP_TIMEOUT", 30)
# Periodic work the worker runs besides reminders (see reminders/worker.py): reading the reply mailbox.
WORKER_STEPS = ["legwork.conversation.replies.replies_poll", "legwork.webhooks.delivery.webhooks_send"]
# Webhooks (docs/webhooks.md): each POST's overall deadline in seconds, and whether a webhook may call a loopback
# or private address (off in production, against server-side request forgery; on for tests and a laptop).
WEBHOOKS_TIMEOUT = env_int("WEBHOOKS_TIMEOUT", 5)
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", DEBUG)
# Delivered and failed deliveries are kept this long for the webhook's log, then deleted.
WEBHOOKS_KEEP_DAYS = env_int("WEBHOOKS_KEEP_DAYS", 30)

# Running it for real (issue 17, legwork/ops): health page, metrics, backups.
# /health/ answers 503 when no worker finished a pass for this long, or a due email or reminder waits longer.
HEALTH_WORKER_MAX_AGE = env_int("HEALTH_WORKER_MAX_AGE", 300)
HEALTH_BACKLOG_MAX_AGE = env_int("HEALTH_BACKLOG_MAX_AGE", 900)
# /metrics answers only a scraper sending "Authorization: Bearer <METRICS_TOKEN>"; unset, it does not exist.
METRICS_TOKEN = env_str("METRICS_TOKEN")
# Load balancers probe the health pages over plain HTTP: no redirect to HTTPS for them.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
# `manage.py backup` writes here and keeps this many of the newest backups.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
BACKUP_KEEP = env_int("BACKUP_KEEP", 14)
# `check --deploy` warns until HSTS_PRELOAD is on. Preloading asks browsers to ship "HTTPS only" for the
# whole domain built in, takes months to undo and is the domain owner's choice (docs/deploy.md), not a default.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
