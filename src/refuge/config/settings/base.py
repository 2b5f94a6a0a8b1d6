"""Settings shared by every environment. Read from the environment; see README."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF

from refuge.config.env import env_bool, env_int, env_list, env_networks, env_str, env_time_zone

PACKAGE_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = Path(env_str("REFUGE_DATA_DIR", "./data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)


def _load_or_create_secret_key() -> str:
    """Use REFUGE_SECRET_KEY, else a key kept in the data directory (created once, mode 600)."""
    configured = env_str("REFUGE_SECRET_KEY", "")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _load_or_create_secret_key()
# Where the key came from, for `refuge check --deploy` (ops/checks.py): a key file in the data
# directory sits beside the database it keys, on whatever disk holds both.
SECRET_KEY_IN_DATA_DIR = not env_str("REFUGE_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("REFUGE_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("REFUGE_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "refuge.core",
    "refuge.vault",
    "refuge.accounts",
    "refuge.audit",
    "refuge.approvals",
    "refuge.intake",
    "refuge.hotline",
    "refuge.channels",
    "refuge.cases",
    "refuge.documentation",
    "refuge.analysis",
    "refuge.oncall",
    "refuge.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise: static assets are cacheable, every other response is not.
    "refuge.core.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads request.POST: a body declared too large is refused unread.
    "refuge.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "refuge.accounts.middleware.SessionGuardMiddleware",
    "refuge.accounts.middleware.OperatorPreferencesMiddleware",
    "refuge.vault.middleware.KeyringMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "refuge.config.urls"
WSGI_APPLICATION = "refuge.config.wsgi.application"
AUTH_USER_MODEL = "accounts.Operator"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "console:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "refuge.accounts.context_processors.operator_menu",
                "refuge.approvals.context_processors.approvals",
            ],
            # {{ value|zoned }}: a time with its zone, in every template (core.templatetags).
            "builtins": ["refuge.core.templatetags.zoned_time"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "refuge.sqlite3"),
            "OPTIONS": {
                # WAL lets readers run beside one writer; synchronous=FULL fsyncs the WAL at
                # every commit, so an acknowledged report survives a power cut, not only a crash.
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=FULL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA secure_delete=ON;"
                ),
                # Seconds to wait for the write lock instead of failing with "database is locked".
                "timeout": 20,
                # Take the write lock at BEGIN, so two writers queue instead of deadlocking.
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Passwords and sessions -----------------------------------------------------------------
PASSWORD_HASHERS = ["refuge.accounts.hashers.RefugeArgon2PasswordHasher"]
# Every password an operator sets (their own, a duress password, `createoperator
# --ask-password`) passes these (accounts.passwords.check_password_rules).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_MINUTES = env_int("REFUGE_SESSION_IDLE_MINUTES", 30)
# However active, a session ends this long after its login (accounts.middleware.SessionGuard).
SESSION_MAX_HOURS = env_int("REFUGE_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# Sessions are saved when they change, not on every request: SessionGuardMiddleware refreshes
# "last seen" once a minute at most, which also pushes the server-side expiry forward. Saving
# every request committed (and fsynced, synchronous=FULL) one row per console page view.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = env_int("REFUGE_SESSION_TOUCH_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # no Max-Age/Expires: the cookie dies with the browser
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_NAME = "refuge_session"
CSRF_COOKIE_AGE = None  # a session cookie: Django's default keeps it for a year
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_FAILURE_VIEW = "refuge.core.views.csrf_failure"
LANGUAGE_COOKIE_AGE = None
# Login lockout (accounts/lockout.py): per account, growing delays, never per address alone.
LOGIN_LOCKOUT_FAILURES = env_int("REFUGE_LOGIN_LOCKOUT_FAILURES", 5)  # free, per address
LOGIN_LOCKOUT_ACCOUNT_FAILURES = env_int("REFUGE_LOGIN_LOCKOUT_ACCOUNT_FAILURES", 30)  # all
LOGIN_DELAY_BASE_SECONDS = env_int("REFUGE_LOGIN_DELAY_BASE_SECONDS", 30)
LOGIN_DELAY_MAX_SECONDS = env_int("REFUGE_LOGIN_DELAY_MAX_SECONDS", 3600)
LOGIN_FAILURE_MEMORY_HOURS = env_int("REFUGE_LOGIN_FAILURE_MEMORY_HOURS", 24)
# Distinct coordinators whose approval lifts a duress lock or reopens the console after an
# emergency lock (accounts/unlocking.py); 1 lets one coordinator do it alone.
UNLOCK_COORDINATORS = env_int("REFUGE_UNLOCK_COORDINATORS", 2)
UNLOCK_APPROVAL_HOURS = env_int("REFUGE_UNLOCK_APPROVAL_HOURS", 24)
OTP_TOTP_ISSUER = "Refuge"

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # no-referrer makes browsers send Origin: null on POST
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("REFUGE_HSTS_SECONDS", 31_536_000)  # only sent over TLS
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
# Client addresses (refuge.core.addresses): only these proxies' X-Forwarded-For is believed;
# addresses in SHARED_ADDRESSES stand for many people (an onion service's Tor daemon, a proxy
# that is not listed above) and are never limited as one person.
TRUSTED_PROXIES = env_networks("REFUGE_TRUSTED_PROXIES", [])
# Who may read /metrics (the monitoring host); everyone else gets 404.
METRICS_ALLOW = env_networks("REFUGE_METRICS_ALLOW", ["127.0.0.1", "::1"])
SHARED_ADDRESSES = env_networks("REFUGE_SHARED_ADDRESSES", ["127.0.0.0/8", "::1/128"])
if env_bool("REFUGE_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# --- Upload limits --------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("REFUGE_MAX_FORM_BYTES", 1_000_000)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
FILE_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024  # keep uploads in memory: no plaintext temp file
# Requests declaring a larger body are refused (413) before it is read; 0 = the largest file
# limit below plus DATA_UPLOAD_MAX_MEMORY_SIZE (core.middleware.RequestSizeLimitMiddleware).
REQUEST_MAX_BYTES = env_int("REFUGE_MAX_REQUEST_BYTES", 0)
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
INTAKE_MAX_ATTACHMENT_BYTES = env_int("REFUGE_INTAKE_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
INTAKE_MAX_TEXT_CHARS = env_int("REFUGE_INTAKE_MAX_TEXT_CHARS", 20_000)

# --- Vault ----------------------------------------------------------------------------------
# Argon2id for operator passwords: OWASP 2024 lists m=47104 KiB (46 MiB), t=1, p=1 as a minimum;
# we use 64 MiB, t=3, which unlocks in about 0.3 s on this class of machine.
VAULT_KDF_MEMORY_KIB = env_int("REFUGE_VAULT_KDF_MEMORY_KIB", 65_536)
VAULT_KDF_ITERATIONS = env_int("REFUGE_VAULT_KDF_ITERATIONS", 3)
VAULT_RECOVERY_THRESHOLD = env_int("REFUGE_RECOVERY_THRESHOLD", 3)
VAULT_RECOVERY_SHARES = env_int("REFUGE_RECOVERY_SHARES", 5)
VAULT_ALLOW_WEAK_KDF = False
# Opened grants kept (wrapped) in a process's memory between a session's requests, at most this
# long; logout and the emergency lock forget them at once (vault/grant_cache.py).
VAULT_GRANT_CACHE_SECONDS = env_int("REFUGE_GRANT_CACHE_SECONDS", 15 * 60)
# Blind indexes of phone numbers and names (vault/blind.py): Argon2id per index, libsodium's
# "interactive" cost (CipherSweet's choice for slow blind indexes), about 80 ms of a core here.
# Applies to index keys made from now on; `refuge reindex` moves existing indexes to it.
VAULT_BLIND_INDEX_MEMORY_KIB = env_int("REFUGE_BLIND_INDEX_MEMORY_KIB", 65_536)
VAULT_BLIND_INDEX_ITERATIONS = env_int("REFUGE_BLIND_INDEX_ITERATIONS", 2)
# Where blind indexes are stored, for `refuge reindex`: modules with indexed_values() and
# store_indexes() (vault/reindex.py); each app that stores indexes adds itself.
VAULT_BLIND_INDEX_SOURCES = ["refuge.hotline.reindex", "refuge.cases.reindex"]
MEDIA_ROOT = DATA_DIR / "files"
# The installation's Ed25519 key (vault/signing.py): signs audit heads and evidence bundles.
# Outside MEDIA_ROOT: a backup carries it inside its encrypted part (ops.backup), not as a file.
VAULT_SIGNING_KEY_FILE = env_str("REFUGE_SIGNING_KEY_FILE", str(DATA_DIR / "signing_key"))
# Signed audit heads are written here (`refuge audit ship`); mount it from another machine.
AUDIT_WITNESS_DIR = env_str("REFUGE_AUDIT_WITNESS_DIR", "")
# Also mail each signed head to the active coordinators who have an e-mail address.
AUDIT_WITNESS_EMAIL = env_bool("REFUGE_AUDIT_WITNESS_EMAIL", default=False)

# --- Alarms to operators (oncall) -----------------------------------------------------------
# Outgoing mail (alarms, audit witness): the organisation's SMTP server.
EMAIL_HOST = env_str("REFUGE_SMTP_HOST", "localhost")
EMAIL_PORT = env_int("REFUGE_SMTP_PORT", 25)
EMAIL_HOST_USER = env_str("REFUGE_SMTP_USER", "")
EMAIL_HOST_PASSWORD = env_str("REFUGE_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("REFUGE_SMTP_STARTTLS", default=False)
EMAIL_USE_SSL = env_bool("REFUGE_SMTP_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("REFUGE_MAIL_FROM", "refuge@localhost")
ALARM_MAIL_DOMAIN = DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
ALARM_SEND_TIMEOUT = env_int("REFUGE_ALARM_SEND_TIMEOUT", 20)  # seconds per attempt
# Where the console is reached from outside: the link in every alarm.
CONSOLE_URL = env_str("REFUGE_CONSOLE_URL", "http://127.0.0.1:8000")
# A message being sent (an alarm, a reply on a channel) whose worker died is sent again by
# another after this: longer than any one send may take (REFUGE_ALARM_SEND_TIMEOUT).
OUTBOX_CLAIM_SECONDS = env_int("REFUGE_OUTBOX_CLAIM_SECONDS", 300)
# An urgent contact nobody took goes to the second person on call after this, then to every
# coordinator after as long again.
ESCALATE_MINUTES = env_int("REFUGE_ESCALATE_MINUTES", 10)
# The staff bot (alarms to operators over Telegram): a bot of its own, never the people's bot.
# Without a token the Telegram channel is off.
TELEGRAM_STAFF_TOKEN = env_str("REFUGE_TELEGRAM_STAFF_TOKEN", "")
# Its username, for the deep link t.me/<name>?start=<code> (read from getMe when not given).
TELEGRAM_STAFF_BOT_NAME = env_str("REFUGE_TELEGRAM_STAFF_BOT_NAME", "")
TELEGRAM_API_URL = env_str("REFUGE_TELEGRAM_API_URL", "https://api.telegram.org")
TELEGRAM_LINK_MINUTES = env_int("REFUGE_TELEGRAM_LINK_MINUTES", 15)  # a linking code's life

# --- Channels: people write by e-mail (and Telegram) into the hotline queue (channels) -------
# The organisation's mailbox, read by IMAP; the channel is off while the host is empty.
CHANNEL_EMAIL_IMAP_HOST = env_str("REFUGE_CHANNEL_EMAIL_IMAP_HOST", "")
CHANNEL_EMAIL_IMAP_PORT = env_int("REFUGE_CHANNEL_EMAIL_IMAP_PORT", 993)
# "tls" (implicit TLS, port 993), "starttls" (port 143), or "none" (loopback tests only).
CHANNEL_EMAIL_IMAP_SECURITY = env_str("REFUGE_CHANNEL_EMAIL_IMAP_SECURITY", "tls")
CHANNEL_EMAIL_IMAP_USER = env_str("REFUGE_CHANNEL_EMAIL_IMAP_USER", "")
CHANNEL_EMAIL_IMAP_PASSWORD = env_str("REFUGE_CHANNEL_EMAIL_IMAP_PASSWORD", "")
CHANNEL_EMAIL_IMAP_FOLDER = env_str("REFUGE_CHANNEL_EMAIL_IMAP_FOLDER", "INBOX")
# Remove each mail from the mailbox once it is sealed in Refuge (the mail server then keeps no
# second copy); off, mails are kept and marked with the keyword $RefugeSealed.
CHANNEL_EMAIL_DELETE_SEALED = env_bool("REFUGE_CHANNEL_EMAIL_DELETE_SEALED", default=True)
# The address replies come from (the mailbox people write to); replies go by REFUGE_SMTP_*.
CHANNEL_EMAIL_ADDRESS = env_str("REFUGE_CHANNEL_EMAIL_ADDRESS", "")
CHANNEL_EMAIL_TIMEOUT = env_int("REFUGE_CHANNEL_EMAIL_TIMEOUT", 30)  # seconds per IMAP call
# The organisation's OpenPGP secret key (armored, no passphrase, readable by the service user
# only): mail encrypted to its public key is decrypted on arrival. Empty: such mail is kept
# as a note asking the person to write in the web form.
CHANNEL_EMAIL_PGP_KEY_FILE = env_str("REFUGE_CHANNEL_EMAIL_PGP_KEY_FILE", "")
# The people's bot (a Telegram bot people write to; never the staff bot): its token from
# @BotFather; the channel is off while it is empty. It is reached at REFUGE_TELEGRAM_API_URL.
CHANNEL_TELEGRAM_TOKEN = env_str("REFUGE_TELEGRAM_TOKEN", "")
CHANNEL_TELEGRAM_TIMEOUT = env_int("REFUGE_TELEGRAM_TIMEOUT", 20)  # seconds per Bot API call
# The web form's address as people outside reach it (an onion address, say): the channels'
# greeting and the mailbox invitation point to it.
PUBLIC_INTAKE_URL = env_str("REFUGE_PUBLIC_INTAKE_URL", "http://127.0.0.1:8000/")

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("en", "English")]
USE_I18N = True
# Times are stored in UTC (USE_TZ). They are shown, and read from forms, in the installation's
# zone (REFUGE_TIME_ZONE: public pages, commands) or in an operator's own zone (console; see
# accounts.middleware.OperatorPreferencesMiddleware), always with the zone said beside them.
USE_TZ = True
TIME_ZONE = env_time_zone("REFUGE_TIME_ZONE", "Europe/Moscow")
TIME_ZONE_CONFIGURED = bool(env_str("REFUGE_TIME_ZONE", ""))  # else the default, checked

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def _static_file_headers(headers: object, path: str, url: str) -> None:
    from refuge.core.middleware import static_file_headers

    static_file_headers(headers, path, url)


WHITENOISE_ADD_HEADERS_FUNCTION = _static_file_headers

# --- Background tasks (refuge worker; README "Worker", docs/architecture.md) ----------------
# huey: its SQLite storage in the data directory by default (no server), Redis when
# REFUGE_REDIS_URL is set (several machines, one queue). Periodic safety work is re-derived
# from the database each minute (ops.scheduling), so a worker killed mid-task loses nothing.
REDIS_URL = env_str("REFUGE_REDIS_URL", "")
HUEY_FILE = DATA_DIR / "huey.sqlite3"
if not REDIS_URL:
    # Created owner-only before huey opens it; SQLite gives its -wal and -shm files the same mode.
    os.close(os.open(HUEY_FILE, os.O_CREAT | os.O_WRONLY, 0o600))
    HUEY_FILE.chmod(0o600)
HUEY: dict[str, Any] = {
    "name": env_str("REFUGE_HUEY_NAME", "refuge"),
    "huey_class": "huey.RedisHuey" if REDIS_URL else "huey.SqliteHuey",
    "immediate": False,  # also under tests: they use the real storage
    "results": False,  # nothing waits for a task's return value
    "utc": True,
    "connection": {"url": REDIS_URL} if REDIS_URL else {"filename": str(HUEY_FILE), "fsync": True},
    "consumer": {
        "workers": env_int("REFUGE_WORKER_THREADS", 2),
        "worker_type": "thread",
        "periodic": True,
        "check_worker_health": True,
        # An idle worker looks at the queue at least every second (huey's default backs off
        # to 10 s): with the SQLite queue, which it polls, an alarm after a quiet night would
        # otherwise wait up to 10 s before any worker picks it up (make bench BENCH=alarms).
        "max_delay": 1.0,
    },
}
# Scheduled encrypted backups (ops.scheduled_backup), and where `refuge backup` with no FILE
# writes: off while REFUGE_BACKUP_DIR is unset (`refuge check --deploy` warns).
# The passphrase is read from REFUGE_BACKUP_PASSPHRASE_FILE (a file only the service user
# reads), else REFUGE_BACKUP_PASSPHRASE; the newest REFUGE_BACKUP_KEEP backups are kept.
BACKUP_DIR = env_str("REFUGE_BACKUP_DIR", "")
BACKUP_KEEP = env_int("REFUGE_BACKUP_KEEP", 14)
BACKUP_PASSPHRASE_FILE = env_str("REFUGE_BACKUP_PASSPHRASE_FILE", "")

# --- Logging: never personal data; only ids, codes and counts are ever passed to a logger ----
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "refuge.core.logging.ScrubFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["scrub"]},
    },
    "root": {"handlers": ["console"], "level": env_str("REFUGE_LOG_LEVEL", "INFO")},
    "loggers": {
        # django.request logs the URL and, on errors, request details: keep only status lines.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Parsers of files people send (intake/scrub.py) may quote the file in a warning: a
        # refused file is explained to the sender, nothing of it goes to the log.
        "pypdf": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "mutagen": {"handlers": [], "level": "CRITICAL", "propagate": False},
        # The IMAP client logs commands and answers at DEBUG (addresses, subjects): warnings
        # only, and those carry no mail.
        "imapclient": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --- Two-person acts: destruction and partner keys -------------------------------------------
# A request to destroy a record (or change a partner's key) waits this long for a second
# person; unconfirmed, it expires and nothing is done.
APPROVALS_CONFIRM_HOURS = env_int("REFUGE_DESTRUCTION_CONFIRM_HOURS", 72)

# --- Demo data: each app seeds its own (refuge demo) -------------------------------------------
DEMO_SEEDERS = ["refuge.accounts.demo.seed"]

# --- Intake (anonymous reports; see docs/intake.md) -------------------------------------------
INTAKE_MIN_FILL_SECONDS = env_int("REFUGE_INTAKE_MIN_FILL_SECONDS", 3)  # faster is a bot
INTAKE_FORM_MAX_AGE_SECONDS = env_int("REFUGE_INTAKE_FORM_MAX_AGE_SECONDS", 6 * 3600)
INTAKE_RATE_WINDOW_SECONDS = env_int("REFUGE_INTAKE_RATE_WINDOW_SECONDS", 3600)
# Requests per window; buckets are keyed hashes, never addresses. A real address has its own
# bucket; behind a shared address (refuge.core.addresses) each browser has one, within a
# budget all shared traffic shares (intake/abuse.py, docs/intake.md "Abuse").
INTAKE_RATE_LIMITS = {
    "report:address": env_int("REFUGE_INTAKE_REPORTS_PER_ADDRESS", 10),
    "report:browser": env_int("REFUGE_INTAKE_REPORTS_PER_BROWSER", 10),
    "report:shared": env_int("REFUGE_INTAKE_REPORTS_SHARED", 300),
    "report:global": env_int("REFUGE_INTAKE_REPORTS_GLOBAL", 3000),
    "mailbox:address": env_int("REFUGE_INTAKE_MAILBOX_PER_ADDRESS", 30),
    "mailbox:browser": env_int("REFUGE_INTAKE_MAILBOX_PER_BROWSER", 30),
    "mailbox:shared": env_int("REFUGE_INTAKE_MAILBOX_SHARED", 1000),
    "mailbox:global": env_int("REFUGE_INTAKE_MAILBOX_GLOBAL", 6000),
}
# PDFs are rebuilt as pixels in a child process bounded in memory, CPU time, pages and output
# (intake/scrub.py, intake/pdf_render.py); past a bound the file is refused with a reason.
INTAKE_PDF_MAX_PAGES = env_int("REFUGE_INTAKE_PDF_MAX_PAGES", 100)
INTAKE_PDF_MAX_PAGE_PIXELS = env_int("REFUGE_INTAKE_PDF_MAX_PAGE_PIXELS", 12_000_000)
INTAKE_PDF_MAX_OUTPUT_BYTES = env_int("REFUGE_INTAKE_PDF_MAX_OUTPUT_BYTES", 64 * 1024 * 1024)
INTAKE_PDF_RENDER_MEMORY_MB = env_int("REFUGE_INTAKE_PDF_RENDER_MEMORY_MB", 1024)
INTAKE_PDF_RENDER_SECONDS = env_int("REFUGE_INTAKE_PDF_RENDER_SECONDS", 60)
INTAKE_QUICK_EXIT_URL = env_str("REFUGE_INTAKE_QUICK_EXIT_URL", "https://ya.ru/")
DEMO_SEEDERS = [*DEMO_SEEDERS, "refuge.intake.demo.seed"]
DEMO_SEEDERS = [*DEMO_SEEDERS, "refuge.hotline.demo.seed", "refuge.channels.demo.seed"]
# --- Hotline --------------------------------------------------------------------------------
# Grants that intake duty gave on a contact lapse once it has been closed this many days
# (refuge lapse_intake_grants, daily): long enough for the person to write back after a close,
# short enough that one coerced password does not open every report its owner ever received.
HOTLINE_INTAKE_GRANT_DAYS = env_int("REFUGE_INTAKE_GRANT_DAYS", 30)
DEMO_SEEDERS = [*DEMO_SEEDERS, "refuge.cases.demo.seed"]

# --- Cases ----------------------------------------------------------------------------------
# Closed cases lose names, numbers and contact details after this many days (refuge
# purge_cases, run daily by refuge worker); coded anonymous facts stay for statistics.
CASES_RETENTION_DAYS = env_int("REFUGE_CASES_RETENTION_DAYS", 180)
# --- Documentation ----------------------------------------------------------------------------
# Evidence files are read into memory (FILE_UPLOAD_HANDLERS keeps uploads there) and sealed.
DOCUMENTATION_MAX_EVIDENCE_BYTES = env_int("REFUGE_MAX_EVIDENCE_BYTES", 10 * 1024 * 1024)
DEMO_SEEDERS += ["refuge.documentation.demo.seed"]
# --- Analysis: estimates on the page ----------------------------------------------------------
# Overrides of the latent-class sampler's settings for estimates queued from the page, e.g.
# {"iterations": 100000}; empty means the command line's defaults. Tests shorten the runs.
ANALYSIS_LCMCR_SAMPLER: dict[str, int] = {}
