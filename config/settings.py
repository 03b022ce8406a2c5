"""Settings for Styringsportalen.

One module, driven by the environment. With nothing set it runs embedded: SQLite under var/,
Celery on the filesystem broker under var/celery/, e-mail to the console. Production sets
DJANGO_DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and EMAIL_URL.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-styringsportalen" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Reverse proxies in front of gunicorn that we trust (docs/operations.md): 0 means gunicorn faces
# the clients, and a client-sent X-Forwarded-For / X-Forwarded-Proto is ignored. With n > 0 the
# client address is the rightmost X-Forwarded-For entry not added by one of the n proxies
# (brukere/klientadresse.py), used by django-axes and the logs, and X-Forwarded-Proto is believed.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
if TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("TRUSTED_PROXIES må være 0 eller mer")
if TRUSTED_PROXIES > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for the portal's FORM_RENDERER
    "simple_history",
    "django_htmx",
    "django_filters",
    "django_prose_editor",
    "axes",
    "csp",
    # Bottom to top (the layers in README and the import-linter contract in pyproject.toml).
    "kjerne",
    "brukere",
    "styring",
    "oppdrag",
    "budsjett",
    "dokumenter",
    "brev",
    "risiko",
    "revisjon",
    "rapportering",
    "moter",
    "varsler",
    "minside",
    "arkiv",
    "fixtures",
]

MIDDLEWARE = [
    # First, so that everything logged during a request carries the client address.
    "brukere.klientadresse.KlientadresseMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "kjerne.skjemavisning.Skjemarenderer"  # Designsystemet fields (kjerne/skjemavisning.py)
CSRF_FAILURE_VIEW = "config.feilsider.csrf_feil"  # the 403 page in Norwegian, with the way back
WSGI_APPLICATION = "config.wsgi.application"

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
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'styringsportalen.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Concurrent web + worker processes on one SQLite file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
else:
    # PostgreSQL: keep each process's connection between requests (checked before reuse, so a
    # restarted database costs one reconnect, not an error). A new connection per request forks a
    # PostgreSQL backend whose catalog caches start cold: about 20–30 ms of CPU per request on
    # the national data (make load), a fifth of an oppdrag page.
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # Prepared statements: a query the connection has run DATABASE_PREPARE_THRESHOLD times (psycopg's
    # default, 5) is prepared and planned once. The pages' queries join up to a dozen tables, and on
    # the national data PostgreSQL spent 4-5 ms planning such a query against under 1 ms running it;
    # prepared, the pages took 4-17 % less time (bench, alternating runs in one process) and the
    # database less CPU. They need server-side parameter binding. 0 turns both off, for a pooler in
    # transaction mode that cannot keep a session's prepared statements (docs/operations.md).
    _prepare = env.int("DATABASE_PREPARE_THRESHOLD", default=5)
    if _prepare > 0:
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": _prepare})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "brukere.User"
LOGIN_URL = "logg-inn"
LOGIN_REDIRECT_URL = "min-side"
LOGOUT_REDIRECT_URL = "logg-inn"

# Local login is protected by django-axes: after AXES_FAILURE_LIMIT failed attempts for one
# username from one address the login is refused for AXES_COOLOFF_TIME hours. The address is the
# real client's (TRUSTED_PROXIES above), so a stranger elsewhere cannot lock the owner out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_TIME", default=1.0)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "brukere.klientadresse.klientadresse"
AXES_LOCKOUT_TEMPLATE = "registration/sperret.html"
AXES_RESET_ON_SUCCESS = True

# Single sign-on (Entra ID, ID-porten/Ansattporten) through OpenID Connect, on when OIDC_RP_CLIENT_ID
# is set: authorization code flow with PKCE, RS256 tokens checked against the provider's JWKS.
# Users are matched on e-mail and must already exist (an administrator gives them organisation
# and role); see brukere/oidc.py.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
if OIDC_RP_CLIENT_ID:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.insert(1, "brukere.oidc.PortalOIDCBackend")
    OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT")
    OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
    OIDC_USE_PKCE = True
    OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
    OIDC_CREATE_USER = False
    OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = 15 * 60
OIDC_LOGIN_NAME = env("OIDC_LOGIN_NAME", default="Logg inn med virksomhetens konto")

# Content Security Policy (django-csp): no inline script or style anywhere; htmx is served from
# /static. Reports go to the log when CSP_REPORT_ONLY is set while rolling out a change.
_csp = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp
else:
    CONTENT_SECURITY_POLICY = _csp

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nb"
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
# Serve from the apps in development, no collectstatic needed. `make run` runs with DEBUG off (so it
# shows the portal's own error pages) and turns this on with WHITENOISE_AUTOREFRESH=1.
WHITENOISE_AUTOREFRESH = env.bool("WHITENOISE_AUTOREFRESH", default=DEBUG)
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))

# Files (PDFs, uploads) always go through the storage API. Set AWS_STORAGE_BUCKET_NAME (and the
# usual AWS_S3_ENDPOINT_URL / credentials) to share an S3-compatible store between hosts.
if env("AWS_STORAGE_BUCKET_NAME", default=""):
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": env("AWS_STORAGE_BUCKET_NAME"), "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None)},
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not WHITENOISE_AUTOREFRESH
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# E-mail: EMAIL_URL=smtp://user:pass@host:587/?tls=True, consolemail://, filemail:///path, memorymail://
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Styringsportalen <ikke-svar@styringsportalen.no>")

# Celery: Redis when REDIS_URL is set, else the filesystem broker (no services needed).
REDIS_URL = env("REDIS_URL", default="")
CELERY_FILESYSTEM_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_DIR / "out"),
        "data_folder_out": str(CELERY_FILESYSTEM_DIR / "out"),
        "processed_folder": str(CELERY_FILESYSTEM_DIR / "processed"),
        # The exchange tables; kombu's default is "control" in the working directory.
        "control_folder": str(CELERY_FILESYSTEM_DIR / "control"),
        "store_processed": False,
    }
    for _mappe in ("out", "processed", "control"):
        (CELERY_FILESYSTEM_DIR / _mappe).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Reminders (varsler/paaminnelser.py). Lead times in days before a frist; a notice when a frist
# has passed without delivery, at most PAAMINNELSE_FORFALT_DAGER late; the daily run's local time.
PAAMINNELSE_DAGER = env.list("PAAMINNELSE_DAGER", cast=int, default=[14, 7, 1])
PAAMINNELSE_FORFALT_DAGER = env.int("PAAMINNELSE_FORFALT_DAGER", default=7)
PAAMINNELSE_TID = env("PAAMINNELSE_TID", default="07:00")
# Sending (varsler/services.py, docs/paaminnelser.md): attempts before a row is given up, the
# first backoff (doubling, at most 6 h), and when a claim left by a dead process is taken over.
PAAMINNELSE_MAKS_FORSOK = env.int("PAAMINNELSE_MAKS_FORSOK", default=10)
PAAMINNELSE_VENTETID_SEKUNDER = env.int("PAAMINNELSE_VENTETID_SEKUNDER", default=60)
PAAMINNELSE_KRAV_FORELDET_SEKUNDER = env.int("PAAMINNELSE_KRAV_FORELDET_SEKUNDER", default=600)
OPPSUMMERING_UKER = env.int("OPPSUMMERING_UKER", default=3)
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

_time_hour, _time_minute = (int(x) for x in PAAMINNELSE_TID.split(":"))
CELERY_BEAT_SCHEDULE = {
    "paaminnelser-daglig": {
        "task": "varsler.tasks.kjor_paaminnelser",
        "schedule": crontab(hour=_time_hour, minute=_time_minute),
    },
    "ukesoppsummering-mandag": {
        "task": "varsler.tasks.send_ukesoppsummeringer",
        "schedule": crontab(hour=_time_hour, minute=_time_minute, day_of_week="mon"),
    },
    "pdf-feiing": {"task": "dokumenter.tasks.sweep_pdf", "schedule": 60.0},
    # Hand-off e-mails whose task was lost or whose retry is due (varsler/services.py).
    "varsel-epost-feiing": {"task": "varsler.tasks.send_varsel_eposter", "schedule": 300.0},
}

# PDF rendering (dokumenter/): a render "lager" longer than this is taken over by the sweep or a
# redelivered message (a worker died). Keep it above the task's time limit (600 s).
PDF_LAGER_FORELDET_SEKUNDER = env.int("PDF_LAGER_FORELDET_SEKUNDER", default=900)

# Production hardening; `manage.py check --deploy` passes with DJANGO_DEBUG=0. `make run` serves plain
# HTTP on localhost with DEBUG off and sets DJANGO_HTTPS=0: no HTTPS redirect, HSTS or secure cookies.
if env.bool("DJANGO_HTTPS", default=not DEBUG):
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)

# Uploads of delivered documents: size limit and accepted types (see oppdrag/forms.py).
LEVERANSE_MAKS_BYTE = env.int("LEVERANSE_MAKS_BYTE", default=25 * 1024 * 1024)
# Office/OpenDocument uploads are ZIP archives, opened and checked against zip bombs before they are
# stored (oppdrag/opplasting.py): entries, total expanded size, and the expanded/compressed ratio of
# one entry once it is larger than LEVERANSE_ZIP_FORHOLD_FRA_BYTE (as Apache POI does, 100:1).
LEVERANSE_ZIP_MAKS_DELER = env.int("LEVERANSE_ZIP_MAKS_DELER", default=2000)
LEVERANSE_ZIP_MAKS_UTPAKKET_BYTE = env.int("LEVERANSE_ZIP_MAKS_UTPAKKET_BYTE", default=250 * 1024 * 1024)
LEVERANSE_ZIP_MAKS_FORHOLD = env.int("LEVERANSE_ZIP_MAKS_FORHOLD", default=100)
LEVERANSE_ZIP_FORHOLD_FRA_BYTE = env.int("LEVERANSE_ZIP_FORHOLD_FRA_BYTE", default=1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"klientadresse": {"()": "brukere.klientadresse.KlientadresseFilter"}},
    "formatters": {"standard": {"format": "%(levelname)s %(name)s [%(klientadresse)s] %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["klientadresse"], "formatter": "standard"}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every rendering step at INFO; only its warnings matter in operation.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "weasyprint.progress", "fontTools", "axes")},
}

# Operations (docs/operations.md): a request id and one log line per request and per task
# (config/jsonlogg.py, config/celerylogg.py), JSON lines with LOG_FORMAT=json, health endpoints
# reachable over plain HTTP inside the private network (config/helse.py), optional Sentry.
MIDDLEWARE.insert(0, "config.jsonlogg.ForesporselMiddleware")
LOG_FORMAT = env("LOG_FORMAT", default="text").strip().lower()
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured("LOG_FORMAT må være text eller json")
LOGGING["filters"]["request_id"] = {"()": "config.jsonlogg.RequestIdFilter"}
LOGGING["filters"]["skjul_hemmeligheter"] = {"()": "config.jsonlogg.SkjulHemmeligheterFilter"}
LOGGING["handlers"]["console"]["filters"] += ["request_id", "skjul_hemmeligheter"]
LOGGING["formatters"]["json"] = {"()": "config.jsonlogg.JsonFormatter"}
# Text lines carry the request id too, so the id on the 500 page finds the logged exception.
LOGGING["formatters"]["standard"]["format"] = "%(levelname)s %(name)s [%(klientadresse)s] [%(request_id)s] %(message)s"
if LOG_FORMAT == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"
# The per-request and per-task lines only in JSON mode; text mode logs as before.
LOGGING["loggers"].update({name: {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"}
                           for name in ("styringsportalen.foresporsel", "styringsportalen.oppgave")})
SECURE_REDIRECT_EXEMPT = [r"^helse/"]

from config.sentry import init_sentry  # noqa: E402

init_sentry(env("SENTRY_DSN", default=""), environment=env("SENTRY_ENVIRONMENT", default=""),
            release=env("SENTRY_RELEASE", default=""),
            traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0))
