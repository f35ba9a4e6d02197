"""Settings for Culture of Care, read from the environment.

One module for every environment: behaviour changes by environment variable, never by a second
settings file. With nothing set it runs the embedded demo default (SQLite, tasks run eagerly,
local-memory cache); ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis.
"""

import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("TESTING", default=False)

# Commands that only read the code (never sign, serve or send anything) run without secrets.
_OFFLINE_COMMANDS = {"makemigrations", "help", "version", "collectstatic"}
_COMMAND = sys.argv[1] if len(sys.argv) > 1 and Path(sys.argv[0]).name == "manage.py" else ""

SECRET_KEY = env.str("SECRET_KEY", default="")
# --- security (issue 16): a placeholder or short SECRET_KEY never signs anything in production ---
SECRET_KEY_PLACEHOLDER = "change-me-to-a-long-random-string"  # noqa: S105 - the .env.example one
SECRET_KEY_MIN_LENGTH = 50
_NEEDS_REAL_SECRET = not (DEBUG or TESTING or _COMMAND in _OFFLINE_COMMANDS)
if SECRET_KEY and _NEEDS_REAL_SECRET:
    if SECRET_KEY == SECRET_KEY_PLACEHOLDER:
        raise ImproperlyConfigured(
            "SECRET_KEY is still the placeholder from .env.example: set a long random one."
        )
    if len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH:
        raise ImproperlyConfigured(
            f"SECRET_KEY must be at least {SECRET_KEY_MIN_LENGTH} characters when DEBUG is off."
        )
# --- end security ---
if not SECRET_KEY:
    if _NEEDS_REAL_SECRET:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-when-debug-is-on"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "health_check",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "culture_of_care.accounts",
    "culture_of_care.audit",
    "culture_of_care.improvement",
    "culture_of_care.reporting",
    "culture_of_care.tokens",
    "organisations",
    "wards",
    "coaching",
    "risk",
    # --- history (issue 16 item 2): database-level audit history; must stay last ---
    "pgtrigger",
    "pghistory",
    "culture_of_care.history",
    # --- end history ---
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "culture_of_care.history.context.HistoryContextMiddleware",  # history (issue 16 item 2)
    # Identifiers from requests (issue 17): a NUL byte or an impossible id is 404/400, never 500.
    "culture_of_care.identifiers.RequestIdentifierGuard",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # --- security (issue 16): strict CSP and the other response headers ---
    "culture_of_care.security.CSPMiddleware",  # django-csp, plus the SSO provider's origin
    "culture_of_care.security.SecurityHeadersMiddleware",
    # --- end security ---
    "allauth.account.middleware.AccountMiddleware",
    "culture_of_care.security.SessionIdleTimeoutMiddleware",  # security (issue 16)
    "culture_of_care.accounts.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "culture_of_care.urls"
WSGI_APPLICATION = "culture_of_care.wsgi.application"

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
                "culture_of_care.context_processors.navigation",
                "culture_of_care.security.session_timeout_context",  # security (issue 16)
            ],
            "builtins": ["culture_of_care.templatetags.nhsuk"],
        },
    }
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite cannot enforce "nulls not distinct"; role grants go through get_or_create there.
SILENCED_SYSTEM_CHECKS = ["models.W047"]
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

# --- Redis: cache and broker (issue 17) -------------------------------------------------------
# A Redis that is down or hung must never hold or fail a page: every use of it has short socket
# timeouts, and the cache fails over to local memory for REDIS_RETRY_AFTER seconds instead of
# raising into a view (culture_of_care/cache.py).
REDIS_URL = env.str("REDIS_URL", default="")
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.5)
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=0.5)
REDIS_RETRY_AFTER = env.float("REDIS_RETRY_AFTER", default=5)
REDIS_CACHE_OPTIONS = {
    "SOCKET_CONNECT_TIMEOUT": REDIS_CONNECT_TIMEOUT,
    "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
    "CONNECTION_POOL_KWARGS": {"retry_on_timeout": False},
}
REDIS_CACHE_BACKEND = "culture_of_care.cache.FailoverRedisCache"
if REDIS_URL and not TESTING:
    CACHES = {
        "default": {
            "BACKEND": REDIS_CACHE_BACKEND,
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="coc"),
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    # Tests keep rate limits and caches per process, so parallel workers cannot disturb each other.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: e-mail login, no open sign-up (people are invited), rate-limited login.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "culture_of_care.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    name: f"culture_of_care.accounts.forms.{form}"
    for name, form in {
        "login": "LoginForm",
        "change_password": "ChangePasswordForm",
        "set_password": "SetPasswordForm",
        "reauthenticate": "ReauthenticateForm",
    }.items()
}
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# --- Sign-in rate limits (issue 17) -----------------------------------------------------------
# Per account: after LOGIN_FAILED_PER_ACCOUNT wrong passwords in LOGIN_FAILED_ACCOUNT_WINDOW the
# account pauses (even the right password is refused) until the window passes or its owner resets
# the password, which always ends the pause. Per address: a generous ceiling only, since a trust's
# NAT or proxy puts a whole hospital behind one address; the address is the client's as seen by
# ALLAUTH_TRUSTED_PROXY_COUNT trusted proxies in front of us (0: the direct peer).
# The limits live in the cache. When Redis is unreachable they fail open: sign-in keeps working
# without a limit rather than refusing everyone (see README, "When Redis is down").
LOGIN_FAILED_PER_ACCOUNT = env.int("LOGIN_FAILED_PER_ACCOUNT", default=5)
LOGIN_FAILED_ACCOUNT_WINDOW = env.str("LOGIN_FAILED_ACCOUNT_WINDOW", default="15m")
LOGIN_FAILED_PER_ADDRESS = env.int("LOGIN_FAILED_PER_ADDRESS", default=100)
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str(
        "LOGIN_RATE_LIMIT",
        default=(
            f"{LOGIN_FAILED_PER_ADDRESS}/5m/ip,"
            f"{LOGIN_FAILED_PER_ACCOUNT}/{LOGIN_FAILED_ACCOUNT_WINDOW}/key"
        ),
    ),
    "login": env.str("LOGIN_ATTEMPT_RATE_LIMIT", default="300/m/ip"),
    "reset_password": "60/m/ip,5/m/key",
    "reset_password_from_key": "60/m/ip",
}
MFA_ADAPTER = "culture_of_care.accounts.adapters.MFAAdapter"
MFA_FORMS = {
    "authenticate": "culture_of_care.accounts.forms.MFAAuthenticateForm",
    "reauthenticate": "culture_of_care.accounts.forms.MFAReauthenticateForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Culture of Care"
# One 30-second step either side: phones drift, and a code typed at the turn of a step works.
MFA_TOTP_TOLERANCE = 1
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)

# --- Single sign-on: OpenID Connect (Microsoft Entra ID or any standard provider) ---------------
# Configured from the environment; none by default. SSO never creates a person: an unknown
# account is refused (culture_of_care.accounts.sso.SocialAccountAdapter), an invited person links
# theirs, and a provider that reports MFA in the ID token's `amr` claim stands in for our TOTP.
OIDC_SERVER_URL = env.str("OIDC_SERVER_URL", default="")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_PROVIDER_ID = env.str("OIDC_PROVIDER_ID", default="organisation")
OIDC_DISPLAY_NAME = env.str("OIDC_DISPLAY_NAME", default="your organisation account")
# `amr` values (RFC 8176) that count as multi-factor authentication by the provider.
OIDC_MFA_AMR_VALUES = env.list("OIDC_MFA_AMR_VALUES", default=["mfa"])
SOCIALACCOUNT_ADAPTER = "culture_of_care.accounts.sso.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_PROVIDERS: dict = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": []}}
if OIDC_SERVER_URL and OIDC_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": OIDC_PROVIDER_ID,
            "name": OIDC_DISPLAY_NAME,
            "client_id": OIDC_CLIENT_ID,
            "secret": OIDC_CLIENT_SECRET,
            "settings": {"server_url": OIDC_SERVER_URL, "fetch_userinfo": True},
        }
    )

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# The NHS.UK stylesheet refers to /assets/...: those files are served from public/ at the root.
WHITENOISE_ROOT = BASE_DIR / "public"
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
# Board reports (PDF and XLSX) are stored here: local media by default, or any Django storage
# backend named by REPORTS_STORAGE_BACKEND (configured by its own settings).
REPORTS_STORAGE_BACKEND = env.str(
    "REPORTS_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
)
STORAGES["reports"] = {
    "BACKEND": REPORTS_STORAGE_BACKEND,
    "OPTIONS": {"location": str(Path(str(MEDIA_ROOT)) / "reports")}
    if REPORTS_STORAGE_BACKEND.endswith("FileSystemStorage")
    else {},
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Culture of Care <noreply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people report problems (the accessibility statement names it).
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="culture-of-care@example.org")

# Security: production behaviour by default; relaxed only when DEBUG is on.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = not DEBUG and not TESTING
CSRF_COOKIE_SECURE = not DEBUG and not TESTING
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz answers plain HTTP probes from inside the container network (issue 17).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10
X_FRAME_OPTIONS = "DENY"
# --- security (issue 16): sessions end after this long without a request, with a warning first ---
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30) * 60
SESSION_IDLE_WARNING = env.int("SESSION_IDLE_WARNING_SECONDS", default=120)
# The last-activity clock is written at most this often (seconds), not on every request.
SESSION_IDLE_RESOLUTION = 60
# Changing MFA needs the password again unless the person signed in within this many seconds.
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("REAUTHENTICATION_TIMEOUT_SECONDS", default=300)
# --- end security ---

# --- security (issue 16): Content-Security-Policy and Permissions-Policy -------------------------
# Nothing inline: every script and style comes from our static files (templates, generated SVG and
# HTML carry classes, never style="" or <script>/<style> blocks). SVG presentation attributes such
# as fill= are not styles and need nothing here. The NHS.UK stylesheet loads its Frutiger font
# from the NHS's own asset host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "https://assets.nhs.uk"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Features the service never uses are switched off for every page (and anything it might embed).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# --- end security --------------------------------------------------------------------------------

REST_FRAMEWORK = {
    # security (issue 16): hashed, named, expiring tokens sent as "Authorization: Bearer"; every
    # request, by token or session, passes the same MFA and demo-login checks as signing in.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "culture_of_care.tokens.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["culture_of_care.tokens.authentication.MayUseApi"],
    "DEFAULT_THROTTLE_CLASSES": ["culture_of_care.tokens.throttling.ApiTokenRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    # drf-spectacular, corrected to document errors and fields some readers never get (issue 17).
    "DEFAULT_SCHEMA_CLASS": "culture_of_care.api_schema.AutoSchema",
}
# --- security (issue 16): API tokens ---
API_TOKEN_VALID_DAYS = env.int("API_TOKEN_VALID_DAYS", default=90)
API_TOKEN_MAX_VALID_DAYS = env.int("API_TOKEN_MAX_VALID_DAYS", default=365)
API_TOKEN_RATE_LIMIT = env.str("API_TOKEN_RATE_LIMIT", default="600/hour")
# --- end security ---
SPECTACULAR_SETTINGS = {
    "TITLE": "Culture of Care API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI is served from our own static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    # The schema and its docs are for signed-in people only (security, issue 16).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Celery: with no REDIS_URL, tasks run in-process (the embedded demo default).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Tests run tasks in-process, except those that start a real worker on Redis themselves.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL or TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Board reports: made the day after the submission deadline; a report stuck "being made" for
# longer than this is taken to have lost its worker and is queued again by the sweep.
BOARD_REPORT_DAY = env.int("BOARD_REPORT_DAY", default=16)
BOARD_REPORT_STALE_MINUTES = env.int("BOARD_REPORT_STALE_MINUTES", default=15)

CELERY_BEAT_SCHEDULE = {
    "board-reports-monthly": {
        "task": "reporting.board_reports_monthly",
        "schedule": crontab(day_of_month=BOARD_REPORT_DAY, hour=6, minute=0),
    },
    "board-reports-sweep": {
        "task": "reporting.board_reports_sweep",
        "schedule": crontab(minute="*/10"),
    },
    "refresh-dashboard-snapshots": {
        "task": "culture_of_care.reporting.tasks.refresh_all_snapshots",
        "schedule": crontab(hour=2, minute=30),
    },
    "expire-invitations": {
        "task": "culture_of_care.accounts.tasks.purge_expired_invitations",
        "schedule": crontab(hour=3, minute=15),
    },
}

# --- Invitation outbox and the broker (issue 17) -----------------------------------------------
# Requests only write invitations; a nudge on commit and this sweep send them. A sender claims a
# row for INVITATION_CLAIM_SECONDS (longer than any send takes); after INVITATION_MAX_ATTEMPTS
# failures the sweep stops trying that one (an organisation lead can resend it).
INVITATION_SWEEP_MINUTES = env.int("INVITATION_SWEEP_MINUTES", default=3)
INVITATION_CLAIM_SECONDS = env.int("INVITATION_CLAIM_SECONDS", default=600)
INVITATION_MAX_ATTEMPTS = env.int("INVITATION_MAX_ATTEMPTS", default=20)
CELERY_BEAT_SCHEDULE["send-pending-invitations"] = {
    "task": "culture_of_care.accounts.tasks.send_pending_invitations",
    "schedule": INVITATION_SWEEP_MINUTES * 60,
}
# A hung or stopped broker never holds a request: publishing gives up within these timeouts.
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "retry_on_timeout": False,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers long-poll the broker: their reads may wait this long (see culture_of_care/celery.py).
CELERY_WORKER_SOCKET_TIMEOUT = env.float("CELERY_WORKER_SOCKET_TIMEOUT", default=30.0)

# --- Uploads (issue 17): one bounded reader, culture_of_care/uploads.py --------------------------
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
UPLOAD_MAX_UNZIPPED_BYTES = env.int("UPLOAD_MAX_UNZIPPED_BYTES", default=50 * 1024 * 1024)
UPLOAD_MAX_ROWS = env.int("UPLOAD_MAX_ROWS", default=10_000)  # a month's data for one organisation
ONBOARDING_MAX_ROWS = env.int("ONBOARDING_MAX_ROWS", default=20_000)  # per sheet
UPLOAD_MAX_FIELD_CHARS = env.int("UPLOAD_MAX_FIELD_CHARS", default=10_000)
UPLOAD_MAX_PROBLEMS_SHOWN = env.int("UPLOAD_MAX_PROBLEMS_SHOWN", default=50)

# Small-number suppression (MHSDS publication rules), applied below national level by
# culture_of_care/suppression.py (``Rules.from_settings()``), the one place figures are hidden.
SUPPRESS_MIN_COUNT = env.int("SUPPRESS_MIN_COUNT", default=5)
SUPPRESSION = {
    "min_count": SUPPRESS_MIN_COUNT,
    "round_to": env.int("SUPPRESS_ROUND_TO", default=5),
    "min_bed_days": env.int("SUPPRESS_MIN_BED_DAYS", default=100),
    # The executives' floor: no figure about executives with fewer people than this behind it
    # (DOMAIN.md); the same as the count threshold unless set.
    "min_people": env.int("SUPPRESS_MIN_PEOPLE", default=SUPPRESS_MIN_COUNT),
}

# Data windows and figures above the ward (DESIGN.md 3b; culture_of_care/improvement/windows.py).
# A ward's data runs from DATA_BASELINE_MONTHS before coaching starts to the last closed month.
DATA_BASELINE_MONTHS = env.int("DATA_BASELINE_MONTHS", default=12)
# A month counts above the ward once this day of the next month has passed.
DATA_SUBMISSION_DEADLINE_DAY = env.int("DATA_SUBMISSION_DEADLINE_DAY", default=15)
if not 1 <= DATA_SUBMISSION_DEADLINE_DAY <= 28:
    raise ImproperlyConfigured("DATA_SUBMISSION_DEADLINE_DAY must be between 1 and 28.")
# Occupied bed days below this share of beds x days need a note saying why.
DATA_BED_DAYS_MIN_SHARE = env.float("DATA_BED_DAYS_MIN_SHARE", default=0.3)
# A month with fewer than this share of expected wards reporting is shown as incomplete.
# The ward's "this month" form opens at the latest month not yet entered among this many recent
# months (older gaps are filled from the full grid); with none missing, at the last closed month.
DATA_MONTH_LOOKBACK_MONTHS = env.int("DATA_MONTH_LOOKBACK_MONTHS", default=3)
REPORTING_COMPLETENESS_THRESHOLD = env.float("REPORTING_COMPLETENESS_THRESHOLD", default=0.8)
if not 0 < REPORTING_COMPLETENESS_THRESHOLD <= 1:
    raise ImproperlyConfigured("REPORTING_COMPLETENESS_THRESHOLD must be above 0 and at most 1.")
# --- Performance (issue 18) ---
# Filtered national and regional dashboards with up to this many filters at once (region,
# provider type, service type, cohort) are precomputed by the snapshot refresh; more filters are
# summed from their (few) matching wards when asked for. 0 precomputes none.
REPORTING_PRECOMPUTED_FILTERS = env.int("REPORTING_PRECOMPUTED_FILTERS", default=2)
if not 0 <= REPORTING_PRECOMPUTED_FILTERS <= 4:
    raise ImproperlyConfigured("REPORTING_PRECOMPUTED_FILTERS must be between 0 and 4.")
# --- End of performance (issue 18) ---
# The middle tier's barrier loop: an open barrier goes on the organisation's board list after
# this many weeks without being resolved (or sooner, when the organisation lead marks it).
BARRIER_ESCALATION_WEEKS = env.int("BARRIER_ESCALATION_WEEKS", default=8)
if BARRIER_ESCALATION_WEEKS < 1:
    raise ImproperlyConfigured("BARRIER_ESCALATION_WEEKS must be at least 1.")
# How the programme's themes page bands the age of open barriers (weeks, ascending).
BARRIER_AGEING_WEEKS = [int(w) for w in env.list("BARRIER_AGEING_WEEKS", default=["4", "8", "12"])]

# Demo logins are refused whenever DEBUG is off (see accounts.adapters).
DEMO_LOGINS_ENABLED = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Reminders, the digest and their jobs (issue 14) ------------------------------------------
# Kept together so the thresholds a programme may change are in one place; every one is a
# named setting read from the environment.
INSTALLED_APPS.append("culture_of_care.notifications")
TEMPLATES[0]["OPTIONS"]["context_processors"].append(
    "culture_of_care.notifications.context_processors.what_needs_you"
)
# A ward's month of data is due by this day of the next month (the dashboards use it too).
# (DATA_SUBMISSION_DEADLINE_DAY is set with the dashboards' settings above.)
# Remind about the month's data this many days before the deadline.
DATA_REMINDER_DAYS_BEFORE = env.int("DATA_REMINDER_DAYS_BEFORE", default=3)
PDSA_STAGE_STUCK_DAYS = env.int("PDSA_STAGE_STUCK_DAYS", default=42)
ACTIONS_DUE_WITHIN_DAYS = env.int("ACTIONS_DUE_WITHIN_DAYS", default=3)
SESSIONS_SOON_DAYS = env.int("SESSIONS_SOON_DAYS", default=2)
NO_CONTACT_WEEKS = env.int("NO_CONTACT_WEEKS", default=6)
EXECUTIVE_NO_SESSION_WEEKS = env.int("EXECUTIVE_NO_SESSION_WEEKS", default=8)
SIGNAL_REVIEW_AFTER_DAYS = env.int("SIGNAL_REVIEW_AFTER_DAYS", default=7)
# An item already e-mailed is not repeated in the next digests for this many days.
NOTIFICATIONS_REPEAT_AFTER_DAYS = env.int("NOTIFICATIONS_REPEAT_AFTER_DAYS", default=7)
# An e-mail lists at most this many items of one kind, then "and N more" (the list has all).
NOTIFICATIONS_EMAIL_ITEMS_PER_KIND = env.int("NOTIFICATIONS_EMAIL_ITEMS_PER_KIND", default=5)
# People per sending task; each task opens one SMTP connection for its chunk.
NOTIFICATIONS_CHUNK_SIZE = env.int("NOTIFICATIONS_CHUNK_SIZE", default=20)
# A claim older than this with no "sent" mark belonged to a worker that died: send again.
NOTIFICATIONS_CLAIM_STALE_SECONDS = env.int("NOTIFICATIONS_CLAIM_STALE_SECONDS", default=600)
# A person's digest is tried at most this many times a day (a fault that is not the relay's).
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
NOTIFICATIONS_SEND_AT = (7, 30)  # Europe/London (CELERY_TIMEZONE)
NOTIFICATIONS_COUNT_CACHE_SECONDS = env.int("NOTIFICATIONS_COUNT_CACHE_SECONDS", default=300)
# A job held by a worker that died goes back to the queue after this many seconds (kombu's
# default is an hour). It must exceed the longest task's hard time limit and retry countdown.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # the short socket timeouts set above (issue 17)
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600),
    # How often a worker looks for such jobs: every 30 seconds.
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=30),
    "unacked_restore_throttle": 1,
    # A worker restoring those jobs holds a lock in Redis; if it dies holding it, no worker can
    # restore anything until the lock expires (kombu's default is five minutes).
    "unacked_mutex_expire": env.int("CELERY_UNACKED_MUTEX_EXPIRE", default=60),
}
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_BEAT_SCHEDULE["digest-plan"] = {
    "task": "culture_of_care.notifications.tasks.plan_digests",
    "schedule": crontab(hour=NOTIFICATIONS_SEND_AT[0], minute=NOTIFICATIONS_SEND_AT[1]),
}
# The sweep picks up anyone due today and not yet sent (a lost job, a failed relay).
CELERY_BEAT_SCHEDULE["digest-sweep"] = {
    "task": "culture_of_care.notifications.tasks.sweep_digests",
    "schedule": crontab(minute="*/15", hour="8-19"),
}
# --- end of reminders settings -------------------------------------------------------------

# --- Home pages and the coaching session form (issue 15, items 11 and 13) ---------------------
# Wards or organisations shown in full (charts at a glance) on a home page; the rest are links.
HOME_WARDS_AT_A_GLANCE = env.int("HOME_WARDS_AT_A_GLANCE", default=3)
# Longest list (overdue actions, sessions due, self-assessments due) a home page shows.
HOME_LIST_LIMIT = env.int("HOME_LIST_LIMIT", default=10)
# A logged session form's key is remembered this long, so a late autosave starts no new draft.
COACHING_FORM_KEY_SECONDS = env.int("COACHING_FORM_KEY_SECONDS", default=24 * 60 * 60)
# --- end of home pages settings ---------------------------------------------------------------

if TESTING:
    # A real worker started by the tests writes to a file-based outbox named here.
    EMAIL_BACKEND = env.str(
        "TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend"
    )
    EMAIL_FILE_PATH = env.str("TEST_EMAIL_FILE_PATH", default=str(BASE_DIR / "tmp-mail"))
