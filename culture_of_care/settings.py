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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and not TESTING:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="coc"),
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
ACCOUNT_FORMS = {"login": "culture_of_care.accounts.forms.LoginForm"}
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_RATE_LIMIT", default="5/5m/ip,5/5m/key"),
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
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
STATIC_ROOT = BASE_DIR / "staticfiles"
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

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Culture of Care <noreply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: production behaviour by default; relaxed only when DEBUG is on.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = not DEBUG and not TESTING
CSRF_COOKIE_SECURE = not DEBUG and not TESTING
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
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
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
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
CELERY_BEAT_SCHEDULE = {
    "daily-digest": {
        "task": "culture_of_care.accounts.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    "expire-invitations": {
        "task": "culture_of_care.accounts.tasks.purge_expired_invitations",
        "schedule": crontab(hour=3, minute=15),
    },
}

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

# Demo logins are refused whenever DEBUG is off (see accounts.adapters).
DEMO_LOGINS_ENABLED = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
