"""Lantern's one settings module.

Everything is read from LANTERN_* environment variables (and DATABASE_URL) through the helpers in
`lantern.env`, which refuse bad values loudly. The defaults give a working embedded system: SQLite in
LANTERN_HOME, keys generated there by `lantern keys init` (or `lantern demo`). `.env.example` lists every variable.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from lantern.env import env_bool, env_choice, env_int, env_list, env_networks, env_str

PACKAGE_DIR = Path(__file__).resolve().parent

# production (the default), demo (started by `lantern demo`) or test (the default under pytest).
LANTERN_MODE = env_choice(
    "LANTERN_MODE", "test" if "PYTEST_VERSION" in os.environ else "production", ("production", "demo", "test")
)
LANTERN_HOME = Path(env_str("LANTERN_HOME", "var")).resolve()
LANTERN_KEYS_DIR = LANTERN_HOME / "keys"

DEBUG = env_bool("LANTERN_DEBUG", False)
if DEBUG and LANTERN_MODE == "production":
    raise ImproperlyConfigured("LANTERN_DEBUG may only be switched on in demo or test mode")


def _read_key_file(name: str) -> str:
    path = LANTERN_KEYS_DIR / name
    return path.read_text().strip() if path.is_file() else ""


# An empty SECRET_KEY is refused by Django the first time something signs with it, with a clear message;
# commands that create the keys (`lantern keys init`) can therefore run before it exists.
SECRET_KEY = env_str("LANTERN_SECRET_KEY", "") or _read_key_file("secret_key")
# Field encryption keyring: "id:base64key,id:base64key"; the first is the active one. See lantern.core.crypto.
LANTERN_DATA_KEYS = env_str("LANTERN_DATA_KEYS", "")
# Key of the HMAC blind index used for exact-match lookups of encrypted values (base64, 32 bytes).
LANTERN_INDEX_KEY = env_str("LANTERN_INDEX_KEY", "")
# Keys of the audit chain's HMAC, "id:base64key,..." like the data keys, the first one active; older keys stay to
# verify the rows and checkpoints made with them (lantern.core.audit, decision 0010).
LANTERN_AUDIT_KEYS = env_str("LANTERN_AUDIT_KEYS", "")
# Key of `lantern backup` files (base64, 32 bytes), never a data key; empty: LANTERN_HOME/keys/backup_key, created
# by the first backup (lantern.core.backupfile).
LANTERN_BACKUP_KEY = env_str("LANTERN_BACKUP_KEY", "")
# Only for a trail begun before the chain was keyed: rows up to this number may carry a plain SHA-256.
LANTERN_AUDIT_UNKEYED_UNTIL = env_int("LANTERN_AUDIT_UNKEYED_UNTIL", 0, minimum=0)
if LANTERN_MODE == "test":
    # Fixed keys so that tests are repeatable; they protect nothing and are never used elsewhere.
    SECRET_KEY = SECRET_KEY or "test-only-secret-key-never-used-in-production-0123456789abcdef"
    LANTERN_DATA_KEYS = LANTERN_DATA_KEYS or "test1:" + "dGVzdC1vbmx5LWRhdGEta2V5LTAwMDAwMDAwMDAwMDA="
    LANTERN_INDEX_KEY = LANTERN_INDEX_KEY or "dGVzdC1vbmx5LWluZGV4LWtleS0wMDAwMDAwMDAwMDA="
    LANTERN_AUDIT_KEYS = LANTERN_AUDIT_KEYS or "test1:" + "dGVzdC1vbmx5LWF1ZGl0LWtleS0wMDAwMDAwMDAwMDA="

ALLOWED_HOSTS = env_list("LANTERN_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR ranges); empty: the header is ignored and
# the connection's own address is the client's (lantern.core.net.client_address).
LANTERN_TRUSTED_PROXIES = env_networks("LANTERN_TRUSTED_PROXIES")
CSRF_TRUSTED_ORIGINS = env_list("LANTERN_CSRF_TRUSTED_ORIGINS", [])

# Two-factor authentication for every role that can see personal data. Only a demo may switch it off, and then
# every page carries a banner saying so.
LANTERN_REQUIRE_2FA = env_bool("LANTERN_REQUIRE_2FA", True)
if not LANTERN_REQUIRE_2FA and LANTERN_MODE == "production":
    raise ImproperlyConfigured(
        "LANTERN_REQUIRE_2FA=false is refused in production: two-factor authentication protects personal data"
    )

# Break-glass openings and requests one person may make in 24 hours; past it, she asks a supervisor to widen
# her access instead (docs/privacy.md).
LANTERN_BREAK_GLASS_DAILY_LIMIT = env_int("LANTERN_BREAK_GLASS_DAILY_LIMIT", 3, minimum=1)

INSTALLED_APPS = [
    "lantern.guard",  # first: its commands replace the framework's refused ones (lantern/guard/__init__.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "axes",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "lantern.core",
    "lantern.cases",
    "lantern.crisis",
    "lantern.providers",
    "lantern.referrals",
    "lantern.shelters",
    "lantern.justice",
    "lantern.notify",
    "lantern.publication",
    "lantern.insights",
    "lantern.linkage",
    "lantern.preparedness",
    "lantern.simulate",
    "lantern.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lantern.core.middleware.TwoFactorRequiredMiddleware",
    "lantern.core.middleware.NoStoreMiddleware",
    # Before any view hook: the CSRF check reads a form's body in its process_view.
    "lantern.core.middleware.RequestSizeLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lantern.urls"
WSGI_APPLICATION = "lantern.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lantern.core.context_processors.shell",
            ],
        },
    },
]

# Request bodies: forms and JSON up to Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB); a multipart upload up to
# this, for the largest file a page takes (a 20 MB CSV to publish statistics from) and its form. Larger: 413.
LANTERN_MAX_UPLOAD_REQUEST_BYTES = 21 * 1024 * 1024

# --- Database -----------------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{LANTERN_HOME / 'lantern.sqlite3'}")
try:
    _default_db = dj_database_url.parse(
        # Tests close every connection at once: the live server's request threads must not keep theirs (a test
        # that starts its own server, as the failure drills do, may ask for persistent connections).
        DATABASE_URL,
        conn_max_age=env_int("LANTERN_DB_CONN_MAX_AGE", 0 if LANTERN_MODE == "test" else 60),
    )
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL Lantern understands: {exc}") from None
if _default_db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at BEGIN so two writers
    # queue instead of failing with "database is locked" half way through a transaction.
    _default_db["CONN_MAX_AGE"] = 0
    _default_db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
elif _default_db["ENGINE"] == "django.db.backends.postgresql":
    _default_db["CONN_HEALTH_CHECKS"] = True
else:
    raise ImproperlyConfigured("DATABASE_URL must point to SQLite or PostgreSQL")
DATABASES = {"default": _default_db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work ----------------------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# An outbox event not dispatched this long after it was recorded is dispatched by the periodic sweep (its task
# was lost: a worker died while running it).
LANTERN_OUTBOX_SWEEP_AFTER_SECONDS = env_int("LANTERN_OUTBOX_SWEEP_AFTER_SECONDS", 120, minimum=1)
# A worker older than this without a heartbeat is reported as down by /healthz.
LANTERN_WORKER_STALE_SECONDS = env_int("LANTERN_WORKER_STALE_SECONDS", 60, minimum=5)
# How often a worker writes its heartbeat, queues the periodic jobs that are due and takes back the tasks of a
# worker that stopped beating (lantern.core.periodic.requeue_abandoned_tasks).
LANTERN_WORKER_HEARTBEAT_SECONDS = env_int("LANTERN_WORKER_HEARTBEAT_SECONDS", 10, minimum=1)

# --- Passwords, login, sessions -----------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "lantern.core.passwords.CharacterVarietyValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock an account from an address after repeated failures (django-axes).
AXES_FAILURE_LIMIT = env_int("LANTERN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LANTERN_LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "lantern.core.views.login_locked_out"
AXES_USERNAME_FORM_FIELD = "username"
# Axes keeps a keyed digest of the typed username, never the text (its default AXES_SENSITIVE_PARAMETERS already
# masks the username in the request data it records).
AXES_USERNAME_CALLABLE = "lantern.core.services.axes_username"
# The lockout counts failures per client address as Lantern sees it (the proxy's client, not the proxy).
AXES_CLIENT_IP_CALLABLE = "lantern.core.net.client_address"

# Sessions in the database under a digest of their key, each naming its user (lantern.core.sessions).
SESSION_ENGINE = "lantern.core.sessions"
LANTERN_SESSION_IDLE_MINUTES = env_int("LANTERN_SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = LANTERN_SESSION_IDLE_MINUTES * 60
# The expiry slides with what a person does, not with the pages that refresh themselves: the middleware touches
# the session on every request except htmx polls (lantern.core.middleware).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
_secure_cookies = env_bool("LANTERN_SECURE_COOKIES", LANTERN_MODE == "production")
SESSION_COOKIE_SECURE = _secure_cookies
CSRF_COOKIE_SECURE = _secure_cookies
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = _secure_cookies
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
if env_bool("LANTERN_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# With secure cookies (production), browsers are told to use HTTPS only for a year, and plain HTTP is redirected
# (behind a TLS proxy, set LANTERN_BEHIND_TLS_PROXY so that Lantern knows the request came over HTTPS). The health
# check stays reachable over HTTP for load balancers.
SECURE_HSTS_SECONDS = env_int("LANTERN_HSTS_SECONDS", 31_536_000 if _secure_cookies else 0, minimum=0)
SECURE_SSL_REDIRECT = env_bool("LANTERN_HTTPS_REDIRECT", _secure_cookies)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin: nothing leaks to other sites, and form posts keep the Origin that the CSRF check needs
# (with no-referrer, browsers send "Origin: null" and every login would be refused).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: nothing from any other origin, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# --- E-mail -------------------------------------------------------------------------------------------------
EMAIL_HOST = env_str("LANTERN_EMAIL_HOST", "")
EMAIL_PORT = env_int("LANTERN_EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("LANTERN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("LANTERN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("LANTERN_EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("LANTERN_EMAIL_FROM", "lantern@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)

# --- Notifications (lantern.notify) -------------------------------------------------------------------------
# Where survivor messages go: "" sends them for real (text and messaging apps through the gateway, e-mail by SMTP);
# "file" writes one file per message under LANTERN_NOTIFY_FILE_DIR, "console" prints them (a demo uses "file").
LANTERN_NOTIFY_TRANSPORT = env_choice(
    "LANTERN_NOTIFY_TRANSPORT", "file" if LANTERN_MODE == "demo" else "", ("", "file", "console")
)
LANTERN_NOTIFY_FILE_DIR = Path(env_str("LANTERN_NOTIFY_FILE_DIR", str(LANTERN_HOME / "notifications"))).resolve()
# The SMS/messaging gateway: an HTTPS endpoint taking one JSON message per POST, with a bearer token.
LANTERN_NOTIFY_GATEWAY_URL = env_str("LANTERN_NOTIFY_GATEWAY_URL", "")
LANTERN_NOTIFY_GATEWAY_TOKEN = env_str("LANTERN_NOTIFY_GATEWAY_TOKEN", "")
LANTERN_NOTIFY_GATEWAY_TIMEOUT = env_int("LANTERN_NOTIFY_GATEWAY_TIMEOUT", 10, minimum=1)
# Retries: attempt n waits BACKOFF x 2^(n-1) seconds (at most BACKOFF_MAX); after MAX_ATTEMPTS the caseworker
# gets a task to call instead.
LANTERN_NOTIFY_MAX_ATTEMPTS = env_int("LANTERN_NOTIFY_MAX_ATTEMPTS", 6, minimum=1)
LANTERN_NOTIFY_BACKOFF_SECONDS = env_int("LANTERN_NOTIFY_BACKOFF_SECONDS", 30, minimum=1)
LANTERN_NOTIFY_BACKOFF_MAX_SECONDS = env_int("LANTERN_NOTIFY_BACKOFF_MAX_SECONDS", 3600, minimum=1)
# A worker sending a batch holds it this long; if it dies, another worker takes the batch over after that.
LANTERN_NOTIFY_LEASE_SECONDS = env_int("LANTERN_NOTIFY_LEASE_SECONDS", 120, minimum=1)
# Deliveries a worker claims at once, and how often the workers look for deliveries whose task was lost.
LANTERN_NOTIFY_BATCH = env_int("LANTERN_NOTIFY_BATCH", 100, minimum=1)
LANTERN_NOTIFY_RECOVER_SECONDS = env_int("LANTERN_NOTIFY_RECOVER_SECONDS", 60, minimum=1)

# --- Languages ----------------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "العربية"),
    ("ru", "Русский"),
    ("uk", "Українська"),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# English dates as the British write them ("12 March 2025"); other languages keep Django's own formats.
FORMAT_MODULE_PATH = ["lantern.formats"]
# Weeks start on Monday in every language (ISO 8601): the court calendar, the weekly capacity of services and any
# week a page groups by. Django's own formats say Monday for es, fr, ru and uk; Arabic has none and falls back here.
FIRST_DAY_OF_WEEK = 1
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("LANTERN_TIME_ZONE", "UTC")

# --- Static files (vendored; no CDN) ------------------------------------------------------------------------
STATIC_URL = "/static/"
# Only for `lantern collectstatic` behind a proxy that serves files itself; WhiteNoise serves them otherwise.
STATIC_ROOT = env_str("LANTERN_STATIC_ROOT", "") or None
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- API ----------------------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 200

# --- Logging: never personal data. Lantern's own code logs references and ids, never names or contacts. ----
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact": {"()": "lantern.core.logs.RedactExceptionMessages"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env_str("LANTERN_LOG_LEVEL", "INFO").upper()},
    "loggers": {
        # Request bodies and query strings never reach the logs; django.request logs only method and path.
        "django.request": {"level": "ERROR"},
        "django.security.DisallowedHost": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}

# --- Public portal (lantern.portal) --------------------------------------------------------------------------
# The portal speaks more languages than the staff UI (LANGUAGES above stays the staff UI's). Each is named in its
# own language; the language lives in the portal's URLs (/help/ar/...), since anonymous visitors get no cookie.
PORTAL_LANGUAGES = [
    ("en", "English"),
    ("ar", "العربية"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ru", "Русский"),
    ("uk", "Українська"),
    ("ro", "Română"),
    ("bg", "Български"),
    ("it", "Italiano"),
    ("de", "Deutsch"),
    ("el", "Ελληνικά"),
    ("nl", "Nederlands"),
    ("pt", "Português"),
]
# Where the quick-exit button (and the Escape key) sends a visitor: a neutral site that gives nothing away.
LANTERN_PORTAL_EXIT_URL = env_str("LANTERN_PORTAL_EXIT_URL", "https://www.bbc.com/weather")
if not LANTERN_PORTAL_EXIT_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("LANTERN_PORTAL_EXIT_URL must be an http(s) address of a neutral site")
# The emergency number every portal page gives (112 reaches the emergency services across Europe).
LANTERN_PORTAL_EMERGENCY_NUMBER = env_str("LANTERN_PORTAL_EMERGENCY_NUMBER", "112")
# Call-back requests: how long a form stays valid, and how many requests one connection may send in an hour.
LANTERN_PORTAL_FORM_MINUTES = env_int("LANTERN_PORTAL_FORM_MINUTES", 120, minimum=5)
LANTERN_PORTAL_CALLBACKS_PER_HOUR = env_int("LANTERN_PORTAL_CALLBACKS_PER_HOUR", 5, minimum=1)
# ... and how many the whole portal takes in an hour: past it, requests are refused and the hotlines alerted.
LANTERN_PORTAL_CALLBACKS_ALL_PER_HOUR = env_int("LANTERN_PORTAL_CALLBACKS_ALL_PER_HOUR", 500, minimum=1)
# --- Privacy-safe publication of statistics (the publication app) -----------------------------------------------
# The total differential-privacy budget (epsilon) of each dataset statistics are published from: a release that
# would spend past it is refused.
try:
    LANTERN_DP_BUDGET = float(env_str("LANTERN_DP_BUDGET", "1.0"))
except ValueError:
    raise ImproperlyConfigured("LANTERN_DP_BUDGET must be a number, for example 1.0") from None
if not 0 < LANTERN_DP_BUDGET <= 100:
    raise ImproperlyConfigured(f"LANTERN_DP_BUDGET must be more than 0 and at most 100, not {LANTERN_DP_BUDGET}")
