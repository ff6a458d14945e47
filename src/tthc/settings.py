"""Settings, all from the environment (12-factor) with safe defaults for the embedded run.

`TTHC_ENV=production` turns on the deployment checks in `tthc.core.checks`: no DEBUG, no default
secret, explicit hosts.
"""

import datetime as _dt
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(environ.Env().str("TTHC_VAR_DIR", default=str(PROJECT_DIR / "var")))

env = environ.Env()
DEFAULT_SECRET_KEY = "insecure-dev-key-change-me"

TTHC_ENV = env.str("TTHC_ENV", default="development")
DEBUG = env.bool("DEBUG", default=TTHC_ENV != "production")
SECRET_KEY = env.str("SECRET_KEY", default=DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "ninja",  # serves the API docs' assets locally instead of from a CDN
    # tthc.core before django_tasks_db: its `db_worker` (which survives a database restart)
    # replaces the library's.
    "tthc.core",
    "django_tasks",
    "django_tasks_db",
    "tthc.org",
    "tthc.workdays",
    "tthc.catalog",
    "tthc.dossiers",
    "tthc.feedback",
    "tthc.simplification",
    "tthc.content",
    "tthc.plans",
    "tthc.metrics",
    "tthc.demo",
    # Wagtail: the editors' back office and the public news, events and pages (content app).
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Security (docs/security.md): login throttling, two-factor, Content-Security-Policy.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tthc.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The database unreachable: 503 with a Vietnamese message (after the security headers,
    # before anything that reads the database; tthc.core.outage).
    "tthc.core.outage.DatabaseOutageMiddleware",
    "tthc.core.middleware.RevisionScopeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tthc.core.middleware.VietnameseFirstLocaleMiddleware",
    # A request Django cannot read answers 400 here, before anything touches GET/POST.
    "tthc.core.middleware.UnreadableRequestMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tthc.org.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "tthc.metrics.middleware.VisitCountingMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the 429 page
]

ROOT_URLCONF = "tthc.urls"
WSGI_APPLICATION = "tthc.wsgi.application"
ASGI_APPLICATION = "tthc.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tthc.org.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tthc.sqlite3'}"),
}
# Keep connections for a minute (a new PostgreSQL connection per request halved the throughput
# of the detail endpoint in bench/), checked before reuse.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL: parameters bound by the server, and a statement sent five times on a connection
# prepared (Django turns psycopg's preparing off unless `prepare_threshold` is given), so
# PostgreSQL stops parsing and planning it again. Both off (`DATABASE_SERVER_SIDE_BINDING=0`)
# behind a PgBouncer in transaction mode older than 1.21.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_SERVER_SIDE_BINDING", default=True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while the import or the worker writes; IMMEDIATE avoids the
    # "database is locked" upgrade deadlock between two writers.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "/dang-nhap/"
LOGIN_REDIRECT_URL = "/quan-tri/"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
CACHE_IS_SHARED = CACHES["default"]["BACKEND"].endswith("RedisCache")  # by every process
# With a cache every process shares (Redis), a signed-in request reads its session there and
# PostgreSQL only when the cache lost it; signing out removes it from both. A per-process cache
# would let another process accept a session already closed: the database alone then.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_IS_SHARED
    else "django.contrib.sessions.backends.db"
)

_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_task_backend = env.str("TASKS_BACKEND", default="database")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS.get(_task_backend, _task_backend)}}

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="mot-cua@localhost")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i d/m/Y"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=TTHC_ENV == "production")
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=TTHC_ENV == "production")
SECURE_CONTENT_TYPE_NOSNIFF = True
# SAMEORIGIN, not DENY: Wagtail's live preview shows the page in a frame of the editor itself.
X_FRAME_OPTIONS = "SAMEORIGIN"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {"tthc": {"level": env.str("TTHC_LOG_LEVEL", default="INFO")}},
}

# --- The province this installation serves --------------------------------------------------
TTHC_PROVINCE_NAME = env.str("TTHC_PROVINCE_NAME", default="")
TTHC_PUBLIC_BASE_URL = env.str("TTHC_PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

# --- Working-day calendar (DOMAIN §5): office hours and the same-day cut-off -------------------
TTHC_OFFICE_HOURS = {
    "morning_start": env.str("TTHC_MORNING_START", default="07:30"),
    "morning_end": env.str("TTHC_MORNING_END", default="11:30"),
    "afternoon_start": env.str("TTHC_AFTERNOON_START", default="13:30"),
    "afternoon_end": env.str("TTHC_AFTERNOON_END", default="17:00"),
    "cutoff": env.str("TTHC_CUTOFF", default="15:00"),
}
TTHC_DUE_SOON_WORKING_DAYS = env.int("TTHC_DUE_SOON_WORKING_DAYS", default=1)

# --- Dossiers: uploads and the applicant's notifications --------------------------------------
TTHC_MAX_UPLOAD_MB = env.int("TTHC_MAX_UPLOAD_MB", default=10)
TTHC_SMS_GATEWAY = env.str("TTHC_SMS_GATEWAY", default="tthc.dossiers.sms.LoggingGateway")
TTHC_SMS_URL = env.str("TTHC_SMS_URL", default="")
TTHC_SMS_TOKEN = env.str("TTHC_SMS_TOKEN", default="")
TTHC_SMS_SENDER = env.str("TTHC_SMS_SENDER", default="")

# --- Simplification: the value of an hour of the applicant's time (DOMAIN §7) ----------------
# Default: the regional minimum hourly wage, region IV (the low figure), Decree 74/2024/NĐ-CP.
TTHC_HOURLY_VALUE_VND = env.int("TTHC_HOURLY_VALUE_VND", default=16_600)
TTHC_HOURLY_VALUE_SOURCE = env.str(
    "TTHC_HOURLY_VALUE_SOURCE",
    default="Lương tối thiểu giờ vùng IV, Nghị định 74/2024/NĐ-CP",
)
TTHC_HOURLY_VALUE_YEAR = env.int("TTHC_HOURLY_VALUE_YEAR", default=2024)

# --- Wagtail (news, events, pages; DOMAIN §10) -------------------------------------------------
WAGTAIL_SITE_NAME = TTHC_PROVINCE_NAME or "Cổng thông tin kiểm soát thủ tục hành chính"
WAGTAILADMIN_BASE_URL = TTHC_PUBLIC_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no network at run time
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # avatars would be fetched from a third party
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False  # "tin-tuc", not "tin-tức": addresses people can type
WAGTAILIMAGES_MAX_UPLOAD_SIZE = TTHC_MAX_UPLOAD_MB * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif"]
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "jpg", "png", "zip"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "tthc.content.forms.DocumentForm"  # size and PDF checks
WAGTAILADMIN_LOGIN_URL = LOGIN_URL
# The review workflow's approval publishes (editors hold no publish permission of their own).
WAGTAIL_FINISH_WORKFLOW_ACTION = "tthc.content.workflows.publish_approved"

# --- Visitor statistics (metrics): where the live counts are kept ------------------------------
# A Redis URL makes the counts exact across every web process (required behind gunicorn with
# several workers); empty keeps them in this process's memory (the one-process embedded run).
TTHC_VISITS_REDIS_URL = env.str(
    "TTHC_VISITS_REDIS_URL",
    default=CACHES["default"]["LOCATION"] if CACHE_IS_SHARED else "",
)
TTHC_VISITS_REDIS_PREFIX = env.str("TTHC_VISITS_REDIS_PREFIX", default="tthc:visits:")
# Without Redis, each web process writes its own counts this often (seconds), off the request path.
TTHC_VISITS_MEMORY_FLUSH_INTERVAL = env.int("TTHC_VISITS_MEMORY_FLUSH_INTERVAL", default=60)
# Visitors counted by an earlier site, added to "Tổng".
TTHC_VISITS_TOTAL_OFFSET = env.int("TTHC_VISITS_TOTAL_OFFSET", default=0)
# Days to keep the per-page and per-search rows (0: keep); daily totals are always kept.
TTHC_VISITS_DETAIL_RETENTION_DAYS = env.int("TTHC_VISITS_DETAIL_RETENTION_DAYS", default=0)
# How many proxies of ours stand in front (X-Forwarded-For is ignored when 0): rate limits and
# visitor counting read the client's address the same way (tthc.core.clientip).
TTHC_TRUSTED_PROXY_COUNT = env.int("TTHC_TRUSTED_PROXY_COUNT", default=0)

# --- Rate limits of the public side (docs/security.md), counted in the cache per window: a load
# test raises them through the environment.
# Online dossier submissions per client address and hour.
TTHC_DOSSIER_SUBMISSIONS_PER_HOUR = env.int("TTHC_DOSSIER_SUBMISSIONS_PER_HOUR", default=20)
# Seconds an online submission's Idempotency-Key stays claimed without a dossier: after that
# (a web process died mid-submission) a retry with the same key takes the claim over.
TTHC_SUBMISSION_CLAIM_SECONDS = env.int("TTHC_SUBMISSION_CLAIM_SECONDS", default=120)
# Feedback (PAKN) submissions: (number, window in seconds) per address and per phone.
TTHC_FEEDBACK_RATE_LIMITS = {
    "ip": (
        env.int("TTHC_FEEDBACK_PER_IP", default=10),
        env.int("TTHC_FEEDBACK_PER_IP_WINDOW_SECONDS", default=3600),
    ),
    "phone": (
        env.int("TTHC_FEEDBACK_PER_PHONE", default=5),
        env.int("TTHC_FEEDBACK_PER_PHONE_WINDOW_SECONDS", default=24 * 3600),
    ),
}
# Public lookups: wrong verifications of one dossier / feedback code before the full details
# are refused until the window (seconds) ends.
TTHC_DOSSIER_LOOKUP_VERIFY_ATTEMPTS = env.int("TTHC_DOSSIER_LOOKUP_VERIFY_ATTEMPTS", default=5)
TTHC_DOSSIER_LOOKUP_VERIFY_WINDOW_SECONDS = env.int(
    "TTHC_DOSSIER_LOOKUP_VERIFY_WINDOW_SECONDS", default=15 * 60
)
TTHC_FEEDBACK_LOOKUP_VERIFY_ATTEMPTS = env.int("TTHC_FEEDBACK_LOOKUP_VERIFY_ATTEMPTS", default=5)
TTHC_FEEDBACK_LOOKUP_VERIFY_WINDOW_SECONDS = env.int(
    "TTHC_FEEDBACK_LOOKUP_VERIFY_WINDOW_SECONDS", default=15 * 60
)

# --- Retention of personal data (DOMAIN §11: a stated period, docs/security.md): days after a
# dossier / a feedback is finished before the clock's daily task erases the applicant's / the
# sender's personal data. The default, 5 years, is the platform's stated period; set it to the
# province's archival schedule.
TTHC_DOSSIER_RETENTION_DAYS = env.int("TTHC_DOSSIER_RETENTION_DAYS", default=5 * 365)
TTHC_FEEDBACK_RETENTION_DAYS = env.int("TTHC_FEEDBACK_RETENTION_DAYS", default=5 * 365)

# --- Communication plan (DOMAIN §10): remind the lead agency this many working days before a
# task's due date (and once on the first working day after it is overdue).
TTHC_PLAN_REMINDER_WORKING_DAYS = env.int("TTHC_PLAN_REMINDER_WORKING_DAYS", default=5)

# --- Periodic jobs started by `tthc clock` (interval in seconds, task path) ----------------------
TTHC_PERIODIC_TASKS = [
    (60, "tthc.metrics.tasks.flush_visits"),
    (60, "tthc.metrics.tasks.refresh_dossier_facts"),
    (60, "tthc.content.tasks.publish_scheduled_pages"),
    (300, "tthc.catalog.tasks.apply_due_versions_task"),  # a decision shows minutes after 00:00
    (3600, "tthc.plans.tasks.send_due_reminders"),
    (3600, "tthc.dossiers.tasks.discard_stale_uploads_task"),
    (86400, "tthc.dossiers.retention.erase_expired_task"),
    (86400, "tthc.feedback.tasks.erase_expired_task"),
    (600, "tthc.dossiers.tasks.resume_notifications_task"),
    (86400, "tthc.core.tasks.prune_task_results"),
]
# Days the database queue keeps a finished task's result (`tthc.core.tasks.prune_task_results`);
# a failed one is kept longer, to be looked into.
TTHC_TASK_RESULTS_KEEP_DAYS = env.int("TTHC_TASK_RESULTS_KEEP_DAYS", default=7)
TTHC_FAILED_TASK_RESULTS_KEEP_DAYS = env.int("TTHC_FAILED_TASK_RESULTS_KEEP_DAYS", default=30)
# Run by `tthc db_worker` when it starts and whenever the database comes back after an outage:
# queue again the work a killed worker or the outage left undone (each one idempotent).
TTHC_WORKER_RECOVERY = ["tthc.dossiers.notifications.resume"]

# --- Security (docs/security.md) ---------------------------------------------------------------
# Login throttling (django-axes, counted in the database so every web process sees the same
# count): an account, and separately an address, is locked after this many wrong passwords, for
# this many minutes. The address is the one the rate limits use (tthc.core.clientip).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, the session's account kept by the process (tthc.org.accounts).
    "tthc.org.accounts.KeptAccountBackend",
]
AXES_FAILURE_LIMIT = env.int("TTHC_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = _dt.timedelta(minutes=env.int("TTHC_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks
AXES_CLIENT_IP_CALLABLE = "tthc.core.clientip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tthc.core.security.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_DISABLE_ACCESS_LOG = True  # the audit log keeps what matters; no row per successful login
AXES_VERBOSE = False

# Two-factor (TOTP, django-otp) for the staff roles that read personal data or publish
# (tthc.org.policy.TWO_FACTOR_ROLES). Off by default so the demo signs in with a password only;
# turn it on in production.
TTHC_REQUIRE_2FA = env.bool("TTHC_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds, doubled after each wrong code (stored on the device)

# Content-Security-Policy (django-csp): no inline script in our pages; Wagtail's and Django's
# admin get inline styles under their own paths, Wagtail's also inline scripts (its date pickers),
# scoped to /bien-tap/ (tthc.core.security).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}

# HTTPS in production: redirect, HSTS, and the header of our TLS proxy (secure cookies: above).
_production = TTHC_ENV == "production"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_production)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe may speak plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if _production else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_REFERRER_POLICY = "same-origin"
# Trust X-Forwarded-Proto only from a proxy of ours (one that overwrites it): by default in
# production when TTHC_TRUSTED_PROXY_COUNT says there is one.
if env.bool(
    "TTHC_PROXY_SETS_FORWARDED_PROTO", default=_production and TTHC_TRUSTED_PROXY_COUNT > 0
):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
