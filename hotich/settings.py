"""One settings module, driven by environment variables (see docs/deployment.md).

SQLite in ``var/`` is the embedded default; set DATABASE_URL for PostgreSQL.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Return the boolean value of environment variable NAME ("1/true/yes/on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("HOTICH_DATA_DIR", BASE_DIR / "var"))
DEBUG = env_bool("DEBUG", False)


def load_secret_key(data_dir: Path) -> str:
    """Return SECRET_KEY from the environment, else from ``data_dir/secret_key``.

    The file is created with a random key on first use, so a fresh install works with no
    configuration and sessions survive restarts; production may set SECRET_KEY instead.
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    import secrets

    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = load_secret_key(DATA_DIR)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "hotich.core",
    # Before matching: its model_train command extends matching's with --benchmark.
    "hotich.demo",
    "hotich.accounts",
    "hotich.audit",
    "hotich.places",
    "hotich.registers",
    "hotich.registry",
    "hotich.jobs",
    "hotich.matching",
    "hotich.reconciliation",
    "hotich.campaigns",
    "hotich.keying",
    "hotich.exchange",
    "hotich.review",
    "hotich.oversight",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hotich.audit.middleware.AuditRefusalMiddleware",
    "hotich.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Accounts (docs/accounts.md): an htmx request whose session ended gets HX-Redirect to the login
    # page; idle and absolute session ends; second factor; login lockout (django-axes).
    "hotich.accounts.middleware.HtmxLoginRedirectMiddleware",
    "hotich.accounts.middleware.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "axes.middleware.AxesMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "hotich.accounts.middleware.SecondFactorMiddleware",
    "hotich.core.middleware.RequestSizeLimitMiddleware",
    "hotich.core.middleware.BadInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "hotich.core.middleware.PermissionsPolicyMiddleware",
]

ROOT_URLCONF = "hotich.urls"
WSGI_APPLICATION = "hotich.wsgi.application"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'hotich.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web server write concurrently; IMMEDIATE avoids
    # "database is locked" upgrades inside transactions.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---- Accounts: authentication, passwords, second factor, lockout, sessions (docs/accounts.md) ----
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    # First: refuses any attempt for a locked-out username, even with the right password.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the session's user with its unit (one query).
    "hotich.accounts.backends.UserBackend",
]
# Django's validators (messages in Vietnamese; see accounts/passwords.py for the length one).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email", "phone")},
    },
    {
        "NAME": "hotich.accounts.passwords.VietnameseMinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("HOTICH_PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): after this many wrong passwords for one username the
# account is locked until the cool-off ends or an administrator unlocks it (audited).
AXES_FAILURE_LIMIT = int(os.environ.get("HOTICH_LOGIN_FAILURE_LIMIT", "5"))
_lockout_minutes = int(os.environ.get("HOTICH_LOCKOUT_MINUTES", "30"))  # 0: until unlocked
AXES_COOLOFF_TIME = timedelta(minutes=_lockout_minutes) if _lockout_minutes else None
# Per username only: commune offices share one address behind NAT, and locking an address
# would lock every officer of the commune out after one person's typos (axes warns W006).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "hotich.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "hotich.audit.services.client_ip"
AXES_ENABLE_ADMIN = False
# The audit log is the one record of logins; axes keeps only the failure counts.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Second factor (django-otp TOTP): the issuer shown in the authenticator app.
OTP_TOTP_ISSUER = os.environ.get("HOTICH_OTP_ISSUER", "hotich")
# Sessions end at SESSION_COOKIE_AGE after login whatever happens, and sooner after
# HOTICH_IDLE_MINUTES without a request.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
HOTICH_IDLE_TIMEOUT = int(os.environ.get("HOTICH_IDLE_MINUTES", "30")) * 60
SESSION_COOKIE_HTTPONLY = True
# ---- end of accounts ----

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "hotich" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
# Numbers grouped the Vietnamese way (1.234.567) and dates as dd/mm/yyyy, from the formats
# modules in hotich/core/formats (docs/keying.md, "Số và ngày"). Identifiers (personal IDs, entry
# numbers, years, keys) are rendered with |unlocalize or stringformat, never grouped.
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["hotich.core.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even before collectstatic
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "media/"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Scans and exported files on S3-compatible object storage instead of MEDIA_ROOT
# (credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, as boto3 reads them).
if os.environ.get("HOTICH_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["HOTICH_S3_BUCKET"],
            "endpoint_url": os.environ.get("HOTICH_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("HOTICH_S3_REGION") or None,
            "file_overwrite": False,
        },
    }
# Largest scan file accepted (one case's PDF or photo; a whole-book PDF may be 20 times this).
HOTICH_SCAN_MAX_BYTES = int(os.environ.get("HOTICH_SCAN_MAX_MB", "25")) * 1024 * 1024
# The dev server and tests serve static files straight from the apps.
WHITENOISE_USE_FINDERS = True

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "imports", "matching"],
    }
}

# The reverse proxies in front of hotich serve (addresses or networks, comma-separated): a
# request from one of them has its client's address taken from X-Forwarded-For for the
# audit log (the rightmost address no trusted proxy added). Empty: the peer is the client.
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]

# ── Security: headers, HTTPS, upload limits, file permissions (docs/deployment.md) ─────────
# SECURE_COOKIES=1 is the production switch (the site is served over HTTPS): secure cookies,
# redirect to HTTPS and HSTS, so that `hotich check --deploy` passes with no warning.
HTTPS_ONLY = env_bool("SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS_ONLY)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's liveness probe may use plain HTTP
if env_bool("TRUST_X_FORWARDED_PROTO", False):  # the proxy terminates TLS and says so
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if HTTPS_ONLY else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS_ONLY)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS_ONLY)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # no page is framed; CSP frame-ancestors says the same
# Everything is served by hotich itself. Scripts: own files only (htmx gets the nonce).
# Styles: own files; style="" attributes stay allowed (progress bars and chart labels set
# widths and colours), they cannot run code.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.SELF],  # the arbitration page shows scan PDFs in <object>
    "frame-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
}
HOTICH_PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
CSRF_FAILURE_VIEW = "hotich.core.views.csrf_failure"
# Uploads: a form's fields (not its files) up to 10 MB; files above 2.5 MB are spooled to
# disk, not memory; the whole body is refused (413) past the largest legitimate upload, a
# whole-book PDF (20 × HOTICH_SCAN_MAX_BYTES, above), plus room for the form around it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
DATA_UPLOAD_MAX_NUMBER_FILES = 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
HOTICH_REQUEST_MAX_BYTES = HOTICH_SCAN_MAX_BYTES * 20 + 2 * 1024 * 1024
# Citizens' data is readable by the service account only: uploaded and exported files 0600,
# their directories 0700 (the umask set by the `hotich` command covers the SQLite database).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# ── end of the security block ─────────────────────────────────────────────────────────────

# The population-registry extract and demo: which province the demo and synthetic data use.
HOTICH_DEMO_PROVINCE = os.environ.get("HOTICH_DEMO_PROVINCE", "38")

# The matching engine: where trained model versions live, and the decision thresholds
# (probability that the best candidate is the person; see docs/matching.md).
HOTICH_MODELS_DIR = Path(os.environ.get("HOTICH_MODELS_DIR", DATA_DIR / "models"))
HOTICH_MATCH_THRESHOLD = float(os.environ.get("HOTICH_MATCH_THRESHOLD", "0.95"))
HOTICH_MATCH_FLOOR = float(os.environ.get("HOTICH_MATCH_FLOOR", "0.3"))
HOTICH_MATCH_MARGIN = float(os.environ.get("HOTICH_MATCH_MARGIN", "5"))
# Before a new personal ID is issued, anyone in the registry this likely to be the person
# sends the record to an officer instead (matching.services.new_id_search).
HOTICH_MATCH_NEAR = float(os.environ.get("HOTICH_MATCH_NEAR", "0.05"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # pikepdf (under img2pdf) announces itself at INFO on import; fontTools (under fpdf2)
    # logs every table it prunes while subsetting the font of a printed PDF.
    "loggers": {"pikepdf": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
