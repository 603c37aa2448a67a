"""One settings module for every environment, driven by environment variables.

DEBUG is off unless DEBUG=1; SECRET_KEY must come from the environment unless DEBUG is on.
DATABASE_URL selects the database (PostgreSQL through psycopg 3 in production); without it an
SQLite file under var/ is the embedded default.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The search's trigram indexes (OpClass in an index expression needs the app's ready());
    # nothing of it runs on SQLite.
    "django.contrib.postgres",
    "import_export",
    "simple_history",
    "pgtrigger",
    "axes",
    # The API's docs page (/api/v1/docs) serves Swagger UI from ninja's own static files: with
    # "ninja" installed it renders them instead of its template that loads them from a CDN.
    "ninja",
    "corsheaders",
    "bureaus",
    "disclosure",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before CommonMiddleware, so its redirects carry the CORS headers too (CORS_URLS_REGEX).
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: records the admin user on every history row of the request.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "disclosure.config.security.SitePolicy",
    "disclosure.config.errors.MethodNotAllowedPage",
    # Last, as django-axes requires: it answers a locked-out login with templates/lockout.html.
    "axes.middleware.AxesMiddleware",
]
# A refused CSRF check answers in Chinese (Django's own page is English, for developers).
CSRF_FAILURE_VIEW = "disclosure.config.errors.csrf_failure"

ROOT_URLCONF = "disclosure.config.urls"
WSGI_APPLICATION = "disclosure.config.wsgi.application"

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
            ],
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    # The embedded default lives in var/, which a fresh clone does not have yet.
    (BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        # Connections kept for CONN_MAX_AGE seconds: opening one per request took 30 % of a
        # worker's time (README, "Caching"); the health check replaces one the server dropped.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
# Read replicas (README "Deploy", "Beyond one machine"): anonymous public reads go to them
# (config/replicas.py). In tests a replica mirrors the test database.
DATABASE_REPLICA_URLS = [
    url.strip() for url in os.environ.get("DATABASE_REPLICA_URLS", "").split(",") if url.strip()
]
for number, url in enumerate(DATABASE_REPLICA_URLS, 1):
    DATABASES[f"replica{number}"] = {
        **dj_database_url.parse(url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]),
        "TEST": {"MIRROR": "default"},
    }
if DATABASE_REPLICA_URLS:
    DATABASE_ROUTERS = ["disclosure.config.replicas.ReplicaRouter"]
    MIDDLEWARE.insert(0, "disclosure.config.replicas.PublicReadsOnReplicas")

# Public responses of published data are kept (disclosure/caching/; README, "Caching"): in
# Redis when REDIS_URL is set, shared by every process; else in each process's memory.
# CACHE_SECONDS is how long one is kept; 0 keeps nothing.
CACHE_SECONDS = int(os.environ.get("CACHE_SECONDS", "86400"))
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, but Redis down serves pages uncached instead of a 500.
            "BACKEND": "disclosure.caching.backend.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            # A stalled Redis must not stall a page: give up after half a second.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    }
if os.environ.get("DATABASE_ROLE"):
    # Migrations run as the tables' owner role (NOLOGIN): the login role SETs ROLE to it
    # (`manage.py db_roles`, README "Deploy"). The app itself runs as the runtime role.
    DATABASES["default"].setdefault("OPTIONS", {})["assume_role"] = os.environ["DATABASE_ROLE"]
# No JIT on PostgreSQL: it compiles any query whose estimated cost passes jit_above_cost, and
# with real statistics at 2,000 agencies the comparison's query (a year's disclosures, ~20
# figure subqueries each) passed it and spent 160 ms of its 380 compiling 315 functions, for
# one run (the query alone: 300 → 110 ms without). Web queries run once and are planned anew.
for _database in DATABASES.values():
    if "postgresql" in _database["ENGINE"]:
        _database.setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
# The public pages in Chinese (the default, at unprefixed URLs) and English under /en/
# (config/urls.py: i18n_patterns). The admin and the API stay unprefixed, hence Chinese.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The top level of the repository is fixed, so the catalogue lives inside the app's package.
LOCALE_PATHS = [BASE_DIR / "disclosure" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Figures are formatted by our own filters (万元, two decimals); locale formatting of numbers
# would insert separators into form inputs and break round trips.
USE_THOUSAND_SEPARATOR = False
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request without it
# STATIC_MANIFEST=1 in production, after `collectstatic`: file names carry a hash of their
# content, so browsers may cache them for a year and a deploy never serves stale CSS. Tests and
# the demo render without collectstatic, so they keep plain names and find files by the finders.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

# The data packages (/downloads/): zips and their manifests, built by `manage.py build_packages`
# and again after each publication. Outside the code; the web server may serve it as static files.
PACKAGES_ROOT = Path(os.environ.get("PACKAGES_ROOT", BASE_DIR / "var" / "packages"))

LOGIN_URL = "admin:login"

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from
# one address, that pair is locked out for AXES_COOLOFF_MINUTES, even with the right password; a
# success resets the count. By pair, so an attacker cannot lock a clerk out from elsewhere.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"

# HTTPS=1 behind TLS (README, "Deploy"): cookies only over HTTPS, plain HTTP redirected, and
# browsers told to use HTTPS for HSTS_SECONDS (a year unless set; start low when first enabling:
# a browser that has seen it refuses plain HTTP until it expires). SECURE_COOKIES=1 alone is the
# older switch for the cookies only.
HTTPS = env_bool("HTTPS")
SESSION_COOKIE_SECURE = HTTPS or env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = HTTPS or env_bool("SECURE_COOKIES")
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("HSTS_PRELOAD")
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto (never trust it otherwise: a
# client could claim HTTPS).
if env_bool("TRUST_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The public JSON API is for anyone's scripts and pages: any origin may read it, without
# cookies (it is anonymous and read-only); the rest of the site sends no CORS headers.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified"]

SECURE_CONTENT_TYPE_NOSNIFF = True
# Content Security Policy (disclosure/config/security.py says why each part is there).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
CSP_INLINE_STYLE_PREFIXES = ("/admin/",)
X_FRAME_OPTIONS = "DENY"

# django-import-export: every import runs in one transaction and is rolled back on any error.
IMPORT_EXPORT_USE_TRANSACTIONS = True
# The largest file the admin's import accepts (a real agency's workbook is well under 1 MB);
# bigger loads go through `manage.py import_disclosures`.
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_MB", "20")) * 2**20
# The most one file may ask of an import, on both paths (importing/caps.py): its rows, and its
# seconds of reading, checking and writing. An agency's file has hundreds of rows; the time
# stays under a web worker's timeout (GUNICORN_TIMEOUT, 120 s), so the admin refuses in
# Chinese rather than dying. `import_disclosures --max-rows/--max-seconds` raise them for a run.
IMPORT_MAX_FILE_ROWS = int(os.environ.get("IMPORT_MAX_FILE_ROWS", "200000"))
IMPORT_MAX_FILE_SECONDS = float(os.environ.get("IMPORT_MAX_FILE_SECONDS", "100"))
# An upload previewed and not confirmed is deleted after this long (importing/uploads.py).
IMPORT_UPLOAD_MINUTES = int(os.environ.get("IMPORT_UPLOAD_MINUTES", "30"))
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Importing needs the change permission (admin/importing.py also asks for add and delete);
# exporting needs view. A view-only user gets 403 on the import pages.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# The audit trail is read-only: reverting from the history page would bypass the workflow, the
# version check and the freeze of published figures. Corrections go through a new revision.
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
