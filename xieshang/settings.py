"""Settings for Xieshang, read from the environment with safe development defaults.

Production sets at least DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (see README).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("XIESHANG_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envsecret(name: str, default: str | None) -> str:
    """Read NAME, or the file named by NAME_FILE (for container/systemd secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    value = os.environ.get(name)
    if value:
        return value
    if default is None:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off")
    return default


DEBUG = envbool("DEBUG", True)
TESTING = envbool("XIESHANG_TESTING", False)
SECRET_KEY = envsecret("SECRET_KEY", "dev-insecure-key-change-me" if DEBUG else None)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    # Serves Swagger UI for /api/v1/docs from its own static files, not from a CDN.
    "ninja",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "xieshang.core",
    "xieshang.orgs",
    "xieshang.members",
    "xieshang.duty",
    "xieshang.followups",
    "xieshang.proposals",
    "xieshang.meetings",
    "xieshang.consultation",
    "xieshang.opinions",
    "xieshang.platforms",
    "xieshang.residents",
    "xieshang.nominations",
    "xieshang.budgets",
    "xieshang.textsim",
    "xieshang.portal",
    "xieshang.api",
    "xieshang.demo",
]

MIDDLEWARE = [
    # First: every log line of a request, from any middleware, carries its id (core.logs).
    "xieshang.core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The idle timeout: renews the session at most once a minute instead of every request.
    "xieshang.core.middleware.IdleSessionMiddleware",
    "xieshang.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside CSP, so its 400 page still carries the policy and the nonce.
    "xieshang.core.middleware.RejectNulMiddleware",
    "xieshang.core.middleware.MethodNotAllowedPageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "xieshang.core.middleware.SecurityPolicyMiddleware",
    # AxesMiddleware last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Django's form renderer with the <select> drawn in Python (xieshang/core/renderers.py).
FORM_RENDERER = "xieshang.core.renderers.FormRenderer"

# Django's upload handlers, undoing the browser's escapes in file names (core.uploads).
FILE_UPLOAD_HANDLERS = [
    "xieshang.core.uploads.MemoryFileUploadHandler",
    "xieshang.core.uploads.TemporaryFileUploadHandler",
]

ROOT_URLCONF = "xieshang.urls"
WSGI_APPLICATION = "xieshang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "xieshang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "xieshang.core.context_processors.navigation",
            ],
        },
    }
]

# --- Database ------------------------------------------------------------------------
# SQLite under var/ is the embedded default; DATABASE_URL=postgres://... selects PostgreSQL.
# PostgreSQL connections persist (DB_CONN_MAX_AGE seconds, default 600): opening one costs
# ~35 ms here (a process fork and the password exchange), more than a whole page's queries.
# Each gunicorn worker thread keeps its own connection, so workers × threads (plus the task
# worker and the scheduler) must stay below the server's max_connections. Before a request
# reuses a connection, Django checks it still works (CONN_HEALTH_CHECKS), so a restarted
# database costs one failed check, not a 500. DB_CONN_MAX_AGE=0 closes after each request.
VAR_DIR.mkdir(parents=True, exist_ok=True)
_DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'xieshang.sqlite3'}"
_SQLITE = _DATABASE_URL.startswith("sqlite:")
DATABASES = {
    "default": dj_database_url.parse(
        _DATABASE_URL,
        # SQLite opens a file, not a server connection: closed after each request as before.
        conn_max_age=envint("DB_CONN_MAX_AGE", 0 if _SQLITE else 600),
        conn_health_checks=not _SQLITE,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server, the worker and the scheduler share one file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # The planner's JIT compiles a ranked full-text query for ~190 ms to save a few: the
    # product's queries are short, so it never pays (bench/search.py --jit-off).
    # PG_RANDOM_PAGE_COST: the default 4 assumes spinning disks and makes the planner read a
    # whole 300,000-row table rather than look up a district's 2,000 ids by index (480 ms
    # against 76 ms for the proposal list's count); 1.1 is the usual value for SSDs.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c jit=off -c random_page_cost={float(os.environ.get('PG_RANDOM_PAGE_COST', '1.1'))}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

# --- Security baseline (等保 2.0 style; see SPEC "Security baseline") -----------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "xieshang.core.validators.NameInPasswordValidator"},
    {
        "NAME": "xieshang.core.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": envint("PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "xieshang.core.validators.ComplexityValidator"},
    {"NAME": "xieshang.core.validators.NotCurrentPasswordValidator"},
    {"NAME": "xieshang.core.validators.PasswordHistoryValidator"},
]
# A new password may not repeat any of the user's last this many (their hashes are kept);
# 0: off.
PASSWORD_HISTORY_COUNT = envint("PASSWORD_HISTORY_COUNT", 5)
PASSWORD_MAX_AGE_DAYS = envint("PASSWORD_MAX_AGE_DAYS", 90)
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("LOGIN_LOCKOUT_MINUTES", 30) / 60  # hours
# Lock the account, not the address: offices sit behind one NAT address, and locking it would
# shut out the whole building after one person's typos.
AXES_LOCKOUT_PARAMETERS = ["username"]
# ...but one address trying many accounts (password spraying: a few guesses at each of many
# usernames) is refused for the same cool-off once its failures across all accounts reach
# this many (core.login_guard); an office's typos stay far below it.
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", 30)
# The person's address behind the office's reverse proxy, by the rule rate limits and the
# audit trail use (TRUSTED_PROXY_COUNT), not the proxy's.
AXES_CLIENT_IP_CALLABLE = "xieshang.core.clientip.client_ip"
SILENCED_SYSTEM_CHECKS = [
    "axes.W006",
    # HSTS preloading is for public internet hosts; intranet names are never preloaded.
    "security.W021",
]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Database sessions with the account's id in an indexed column (core.sessions): an account's
# open sessions are one query (the account page, 强制下线). docs/decisions.md 2026-12-05.
SESSION_ENGINE = "xieshang.core.sessions"
# Idle-session timeout: activity renews the session's expiry (core.middleware
# IdleSessionMiddleware, at most once a minute, so a page view does not write the session
# row), so it expires after this much idleness.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
# A form posted from an expired page gets a Chinese page that says what to do.
CSRF_FAILURE_VIEW = "xieshang.core.errors.csrf_failure"
AUDIT_RETENTION_DAYS = envint("AUDIT_RETENTION_DAYS", 183)
# The key of the audit log's seal chain (core.audit_seal); empty: derived from SECRET_KEY.
# Keep it outside the database's reach, and unchanged: the chain is checked with it.
AUDIT_SEAL_KEY = envsecret("AUDIT_SEAL_KEY", "")
# Staff (every role except 政协委员) log in with a TOTP code as well: the security baseline,
# so on in production unless configured off (a deployment that forgets the variable is not
# left with passwords alone); off under DEBUG. `make run` (the demo) and the test settings
# turn it off explicitly; `check --deploy` warns when it is off (core.checks).
STAFF_2FA_REQUIRED = envbool("STAFF_2FA_REQUIRED", not DEBUG)
TOTP_ISSUER = os.environ.get("TOTP_ISSUER", "协商平台")
# JSON API tokens (core.api_tokens): the validity a new token gets unless its owner picks
# another (at most a year), and each token's request budget per minute.
API_TOKEN_DAYS = envint("API_TOKEN_DAYS", 90)
API_RATE_PER_MINUTE = envint("API_RATE_PER_MINUTE", 300)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SECURE_CONTENT_TYPE_NOSNIFF = True
# How many reverse proxies in front of the app append to X-Forwarded-For. 0: the header is
# ignored (anyone can send it) and REMOTE_ADDR is the client (portal.ratelimit.client_ip).
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# PLAIN_HTTP=1: production settings served over plain HTTP on this machine (`make run`, the
# demo on 127.0.0.1): no secure-only cookies, no redirect to HTTPS, no HSTS.
PLAIN_HTTP = envbool("PLAIN_HTTP", False)
if not DEBUG:
    SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not PLAIN_HTTP)
    CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not PLAIN_HTTP)
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not PLAIN_HTTP)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if PLAIN_HTTP else 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
    if envbool("BEHIND_TLS_PROXY", not PLAIN_HTTP):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy: everything is served by the app itself (intranet, no CDN).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# --- Internationalisation ----------------------------------------------------------
# Chinese first: message ids are written in Simplified Chinese, English is the translation.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "xieshang" / "locale"]
# Date inputs are written as 2026-12-05 in Chinese too (xieshang/formats/zh_Hans).
FORMAT_MODULE_PATH = ["xieshang.formats"]
# The language picked with the switch is kept for a year, not only for the browser session.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "xieshang" / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
# Uploaded documents (core.uploads): outside static and media, served only by core.files
# after an access check. FILE_SERVE_ACCEL: "" (Django streams), "nginx" (X-Accel-Redirect
# to FILE_SERVE_ACCEL_PREFIX, an `internal` location aliased to this directory) or
# "apache"/"sendfile" (X-Sendfile). UPLOAD_POLICIES overrides core.uploads.DEFAULT_POLICIES,
# e.g. {"document": {"max_mb": 10}}; keep the web server's body limit above the largest.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
FILE_SERVE_ACCEL = os.environ.get("FILE_SERVE_ACCEL", "")
FILE_SERVE_ACCEL_PREFIX = os.environ.get("FILE_SERVE_ACCEL_PREFIX", "/_private/")
UPLOAD_POLICIES: dict = {}
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
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- Caches ----------------------------------------------------------------------------
# "files": generated files that anyone may ask for again and again (the portal's open-data
# CSV and JSON, portal.views_data), kept on disk so that every worker process and a restart
# share them. A file's key names the state of its rows, so a change to them is a new key;
# OPEN_DATA_CACHE_SECONDS bounds how long an edit the key cannot see (an answer's text
# corrected after publication) waits to appear.
OPEN_DATA_CACHE_SECONDS = envint("OPEN_DATA_CACHE_SECONDS", 600)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "files": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "cache" / "files",
        "TIMEOUT": OPEN_DATA_CACHE_SECONDS,
        # ~100 files of at most a few MB each (opendata.MAX_ROWS rows); a third are dropped
        # when full.
        "OPTIONS": {"MAX_ENTRIES": 100},
    },
    # Rendered PDFs by what they are made of (core.pdf.render_pdf): in each process's
    # memory, never on disk (documents carry personal data), for PDF_CACHE_SECONDS; at most
    # 32 of them (a few hundred KB each). PDF_CACHE_SECONDS=0 turns it off.
    "documents": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "documents",
        "TIMEOUT": envint("PDF_CACHE_SECONDS", 600),
        "OPTIONS": {"MAX_ENTRIES": 32},
    },
}

# The home page's cards, kept per user and language in the database (core_renderedregion,
# by core.regions.kept, as the lists' regions are) and served while no committed write has
# moved the change generation since they were built (core.changes,
# core.dashboard.cached_cards); HOME_CARDS_CACHE_SECONDS bounds their age for what no write
# shows (raw SQL outside the product, the hour passing).
HOME_CARDS_CACHE = envbool("HOME_CARDS_CACHE", True)
HOME_CARDS_CACHE_SECONDS = envint("HOME_CARDS_CACHE_SECONDS", 600)
# Rendered regions of the key lists (core.regions: the member list, the proposal list, a
# department's queue), per user, path, query string, language and day, kept in
# core_renderedregion and served on the same terms as the home cards.
REGION_CACHE = envbool("REGION_CACHE", True)
REGION_CACHE_SECONDS = envint("REGION_CACHE_SECONDS", 600)
# A finished year's duty figures on the roll-up page (duty.tree), kept in each process's
# memory while the database's closed-year stamps for that year stay put (duty 0013's
# triggers move them on every write they rest on); the age bounds what they cannot see (a
# database restored under a running server).
CLOSED_YEAR_CACHE = envbool("CLOSED_YEAR_CACHE", True)
CLOSED_YEAR_CACHE_SECONDS = envint("CLOSED_YEAR_CACHE_SECONDS", 6 * 3600)

# --- Background work -------------------------------------------------------------------
# The database backend needs the worker process (`manage.py db_worker`), which `make run` starts.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
SCHEDULER_TICK_SECONDS = envint("SCHEDULER_TICK_SECONDS", 60)
# Backups (`manage.py backup`/`restore`, core/backup.py): archives go to BACKUP_DIR; the
# scheduler writes one every night at BACKUP_TIME (local time, "HH:MM"; "off" disables it)
# and keeps the newest BACKUP_KEEP. Copy the folder off the machine: a backup on the same
# disk does not survive that disk.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR") or VAR_DIR / "backups")
BACKUP_KEEP = envint("BACKUP_KEEP", 14)
BACKUP_TIME = os.environ.get("BACKUP_TIME", "02:30")
# Exports (members, audit log) with more rows than this run as a background job with a
# progress bar and a download link, instead of inside the request.
EXPORT_JOB_THRESHOLD = envint("EXPORT_JOB_THRESHOLD", 2000)

# --- Notifications ---------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "xieshang@localhost")
# The address people open the site at: e-mailed notifications carry links under it.
SITE_URL = os.environ.get("SITE_URL", "")
SMS_BACKEND = os.environ.get("SMS_BACKEND", "xieshang.core.sms.FileSmsBackend")
SMS_FILE_PATH = VAR_DIR / "sms"

# --- Official-document fonts (core.pdf, GB/T 9704-2012) ----------------------------------
# Offices that hold licences name the fonts here: a family installed on the server
# ("FangSong_GB2312") or a font file (/usr/share/fonts/custom/FZXBSJW.TTF). Left empty, or
# not found, the free CJK fonts installed here stand in and the PDF says so in its Subject.
OFFICIAL_FONTS = {
    "fangsong": os.environ.get("OFFICIAL_FONT_FANGSONG", ""),  # body text, 仿宋
    "xiaobiaosong": os.environ.get("OFFICIAL_FONT_XIAOBIAOSONG", ""),  # titles, 小标宋
    "heiti": os.environ.get("OFFICIAL_FONT_HEITI", ""),  # first-level headings, 黑体
    "kaiti": os.environ.get("OFFICIAL_FONT_KAITI", ""),  # second-level headings, 楷体
    "songti": os.environ.get("OFFICIAL_FONT_SONGTI", ""),  # page numbers, 宋体
}

# LOG_FORMAT=json: one JSON object a line (time, level, logger, message, request id, path,
# method, user id, status, duration, exception), for a log collector; default: text.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").lower()
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "xieshang.core.logs.RequestContextFilter"}},
    "formatters": {
        "text": {
            "()": "xieshang.core.logs.TextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        },
        "json": {"()": "xieshang.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # One line a request (status, duration, user id); gunicorn's access log covers the
        # text format, so there only the 5xx lines.
        "xieshang.request": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
    },
}

# --- Health (/health/, core.health) ------------------------------------------------------
# Full detail only from these addresses or networks, or with the X-Health-Token header.
HEALTH_ALLOWED_IPS = envlist("HEALTH_ALLOWED_IPS", ["127.0.0.1", "::1"])
HEALTH_TOKEN = envsecret("HEALTH_TOKEN", "")  # or HEALTH_TOKEN_FILE
HEALTH_WORKER_STALE_MINUTES = envint("HEALTH_WORKER_STALE_MINUTES", 5)
HEALTH_DISK_DEGRADED_PERCENT = envint("HEALTH_DISK_DEGRADED_PERCENT", 10)
HEALTH_DISK_DEGRADED_BYTES = envint("HEALTH_DISK_DEGRADED_MB", 1024) * 1024 * 1024
HEALTH_DISK_FAIL_PERCENT = envint("HEALTH_DISK_FAIL_PERCENT", 2)
HEARTBEAT_DIR = VAR_DIR / "heartbeats"
HEARTBEAT_SECONDS = envint("HEARTBEAT_SECONDS", 30)
# A monitor on the server asks over plain HTTP: no redirect to HTTPS for these paths.
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^healthz$"]

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "Xieshang@2026")
