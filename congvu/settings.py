"""Settings for congvu, read from environment variables.

Nothing here needs editing to run the application: `make run` gives a debug server on SQLite,
and production sets SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (see docs/deployment.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from congvu.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("CONGVU_TESTING", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY and env_str("SECRET_KEY_FILE"):
    # A file (systemd credentials, a mounted secret) keeps the key out of the environment.
    SECRET_KEY = Path(env_str("SECRET_KEY_FILE")).read_text(encoding="utf-8").strip()
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "::1"] if DEBUG or TESTING else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# The province this installation serves; the seeded province unit overrides the display name.
CONGVU_PROVINCE_NAME = env_str("CONGVU_PROVINCE_NAME", "Cao Bằng")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "congvu.core",
    "congvu.accounts",
    "congvu.organizations",
    "congvu.calendars",
    "congvu.procedures",
    "congvu.dossiers",
    "congvu.directives",
    "congvu.indices",
    "congvu.assessments",
    "congvu.evaluations",
    "congvu.portal",
    "congvu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "congvu.core.middleware.RequestContextMiddleware",
    "congvu.core.middleware.ContentSecurityPolicyMiddleware",
    "congvu.core.routers.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "congvu.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "congvu.urls"
WSGI_APPLICATION = "congvu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "congvu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "congvu.core.context_processors.site",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'data' / 'congvu.sqlite3'}")
# Persistent connections: opening a PostgreSQL connection (TLS, authentication, a backend
# process) costs more than most of our queries, so each server thread keeps its own for ten
# minutes, checked before reuse so a restarted database costs one failed ping, not an error.
DB_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 0 if DEBUG or TESTING else 600)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=DB_CONN_MAX_AGE, conn_health_checks=True
    )
}
# A streaming replica of the primary for dashboards and public pages (congvu.core.routers).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DB_CONN_MAX_AGE, conn_health_checks=True
    )
    # A test run must never create or migrate a database on the read-only replica.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["congvu.core.routers.PrimaryReplicaRouter"] if DATABASE_REPLICA_URL else []
# After a write, a client's reads stay on the primary this long, longer than replication lag.
DATABASE_REPLICA_STICKY_SECONDS = env_int("DATABASE_REPLICA_STICKY_SECONDS", 15)
# Statements bound on the server (only the public lookup's; the ORM binds on the client and
# never prepares) are prepared on their first run: Django turns preparing off by default
# (prepare_threshold=None). Off with DB_PREPARED_STATEMENTS=0 behind a PgBouncer older than
# 1.21 in transaction pooling.
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)
for _alias in DATABASES.values():
    if _alias["ENGINE"] == "django.db.backends.postgresql" and DB_PREPARED_STATEMENTS:
        _alias.setdefault("OPTIONS", {})["prepare_threshold"] = 0
    if _alias["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the task worker and the web server write without blocking each other's reads.
        _alias["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
            ),
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["congvu.accounts.backends.UsernameOrEmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"
# Failed logins: a growing pause after a few failures, then a lock (see accounts.services).
LOGIN_SLOWDOWN_AFTER = env_int("LOGIN_SLOWDOWN_AFTER", 3)
LOGIN_LOCK_AFTER = env_int("LOGIN_LOCK_AFTER", 5)
LOGIN_LOCK_MINUTES = env_int("LOGIN_LOCK_MINUTES", 15)
# A client address (an IPv6 /64) may be a whole office; it gets this many times more room.
LOGIN_ADDRESS_FACTOR = env_int("LOGIN_ADDRESS_FACTOR", 4)
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "congvu" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]
FORMAT_MODULE_PATH = ["congvu.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "data" / "static"
STATICFILES_DIRS = [BASE_DIR / "congvu" / "static"]
# Dossier documents live outside any served directory and are handed out only by views that
# check who is asking.
PRIVATE_ROOT = Path(env_str("PRIVATE_ROOT", str(BASE_DIR / "data" / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "data" / "media")))
# Largest file an applicant may upload to a dossier (domain rules: 20 MB by default).
DOSSIER_UPLOAD_MAX_BYTES = env_int("DOSSIER_UPLOAD_MAX_MB", 20) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "congvu <no-reply@localhost>")


def _cache_from_url(url: str) -> dict[str, Any]:
    """The cache that CACHE_URL names: redis://host:port/db, file:///path or locmem://."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("file://"):
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": url.removeprefix("file://"),
            "OPTIONS": {"MAX_ENTRIES": 10000},
        }
    if url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(f"CACHE_URL must be redis://, file:// or locmem://; got {url!r}")


# Rate limits, the worker heartbeat and sweep locks live in the cache, so it must be shared by
# every process that serves: a directory on one machine, Redis across machines. Tests keep
# each process's own memory.
CACHE_URL = env_str(
    "CACHE_URL", "locmem://" if TESTING else f"file://{BASE_DIR / 'data' / 'cache'}"
)
CACHES = {"default": _cache_from_url(CACHE_URL)}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if TESTING:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "congvu.core.api.Pages",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "congvu.core.api.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "congvu API",
    "DESCRIPTION": "Public services, tasks and indices of a provincial People's Committee.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "congvu.organizations.models.UnitKind",
        "PositionKindEnum": "congvu.organizations.models.PositionKind",
        "DelegationScopeEnum": "congvu.organizations.models.DelegationScope",
        "DossierStatusEnum": "congvu.dossiers.models.Status",
        "DossierDocumentKindEnum": "congvu.dossiers.models.DossierDocument.Kind",
        "RatingLevelEnum": "congvu.dossiers.models.Rating.Overall",
        "DirectingDocumentKindEnum": "congvu.directives.models.DocumentKind",
        "TaskStatusEnum": "congvu.directives.models.TaskStatus",
        "TaskOccurrenceStatusEnum": "congvu.directives.models.OccurrenceStatus",
        "ExtensionDecisionEnum": "congvu.directives.models.ExtensionRequest.Decision",
        "AssessmentRoundStatusEnum": "congvu.assessments.models.RoundStatus",
        "AssessmentRoundKindEnum": "congvu.assessments.models.RoundKind",
        "UnitAssessmentStatusEnum": "congvu.assessments.models.AssessmentStatus",
        "CriterionLevelEnum": "congvu.assessments.models.CriterionLevel",
        "CriterionKindEnum": "congvu.assessments.models.CriterionKind",
        "CriterionAppliesToEnum": "congvu.assessments.models.AppliesTo",
        "CriterionMeasureEnum": "congvu.assessments.models.Measure",
        "CriterionMeasureRuleEnum": "congvu.assessments.models.MeasureRule",
        "UnitGroupEnum": "congvu.assessments.models.UnitGroup",
        "ProcedureLevelEnum": "congvu.procedures.models.ProcedureLevel",
    },
}

# Periodic sweeps run by `manage.py scheduler`: a management command, how often (seconds), and
# its arguments. Each is idempotent; a cache lock keeps two schedulers from running one at once.
CONGVU_SCHEDULE: list[dict[str, Any]] = [
    {"command": "tasks_sweep", "every": 300},
    # Jobs left RUNNING by a worker that died go back to the queue after a lease of 15 minutes.
    {"command": "tasks_recover", "every": 300},
    {"command": "assessments_sweep", "every": 300},
    {"command": "evaluations_refresh", "every": 86400},
    {"command": "visitors_sweep", "every": 86400},
    {"command": "prune_db_task_results", "every": 86400, "args": ["--min-age-days", "30"]},
    {"command": "clearsessions", "every": 86400},
]
# The task worker beats this often; /healthz calls it stale after WORKER_HEARTBEAT_MAX_AGE.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 15)
WORKER_HEARTBEAT_MAX_AGE = env_int("WORKER_HEARTBEAT_MAX_AGE", 90)

# Rate limits per client (an IPv4 address or an IPv6 /64), counted in the shared cache.
DOSSIER_SUBMIT_RATE = env_str("DOSSIER_SUBMIT_RATE", "30/hour")
# Public lookups (page and API) and feedback, per client, so codes cannot be guessed.
DOSSIER_LOOKUP_RATE = env_str("DOSSIER_LOOKUP_RATE", "20/min")
DOSSIER_FEEDBACK_RATE = env_str("DOSSIER_FEEDBACK_RATE", "5/min")

# Production hardening: `manage.py check --deploy --fail-level WARNING` is clean with DEBUG off.
# Behind a TLS-terminating proxy, the proxy must set X-Forwarded-Proto (and strip it from
# clients); only then is a request with "https" there treated as secure.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not (DEBUG or TESTING))
# Load balancers ask for the health over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not (DEBUG or TESTING))
SESSION_COOKIE_HTTPONLY = True
# htmx takes the token from the hx-headers attribute of base.html, never from the cookie.
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not (DEBUG or TESTING))
# Preloading puts the domain in browsers' built-in lists, which takes months to undo: the
# operator opts in once every subdomain is on HTTPS.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts only from our own static files: templates carry no inline script and no event
# attributes. Styles allow 'unsafe-inline' because a few templates set a computed width in a
# style attribute (progress bars), the printable forms carry their page geometry in a <style>
# block, and Swagger UI styles itself inline; inline styles cannot run code.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
    ]
)

# Logs: one JSON object a line in production (for a log shipper), readable text in debug.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG or TESTING else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "congvu.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Our request line replaces Django's own warning for 4xx answers.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
    },
}
