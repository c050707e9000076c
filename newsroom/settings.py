"""Newsroom settings: one module, read from the environment.

Every variable has a development default that works with nothing installed (SQLite in the project
folder, Celery in-process, local-memory cache, email to the console). Production sets DATABASE_URL,
CELERY_BROKER_URL, CACHE_URL, SECRET_KEY and ALLOWED_HOSTS. `.env.example` lists every variable.
"""

import warnings
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from sharing.accounts import parse_accounts as parse_sharing_accounts

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"  # noqa: S105

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
# The placeholder of .env.example is long enough to pass for one, and anyone can read it.
PLACEHOLDER_SECRET_KEY_START = "change-me"  # noqa: S105 - refused, not used
if not DEBUG and (
    SECRET_KEY == DEVELOPMENT_SECRET_KEY
    or SECRET_KEY.startswith(PLACEHOLDER_SECRET_KEY_START)
    or len(SECRET_KEY) < 32
):
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is not set to a real secret. Set SECRET_KEY to a long random value "
        "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
        "or set DEBUG=1 for local development."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A comment that fails the CSRF check (a cached page, no JavaScript) comes back with its text, not a 403.
CSRF_FAILURE_VIEW = "newsroom.views.csrf_failure"
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="The Newsroom")
# Where the article page's "Share on Mastodon" link sends readers: the share page of the newsroom's instance.
MASTODON_SHARE_URL = env.str("MASTODON_SHARE_URL", default="https://mastodon.social/share")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.redirects",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "comments.apps.CommentSpamFilterConfig",  # django-comments-xtd, named for the admin
    "django_comments",
    "reversion",
    "imagekit",
    "django_prose_editor",
    "csp",
    "axes",
    "newsroom",
    "authors",
    "articles",
    "comments",
    "sharing",
    # Health checks (newsroom/health.py); after `newsroom`, whose `manage.py watchman` is the one run.
    "watchman",
]

MIDDLEWARE = [
    # A load balancer's /health/, whatever the Host header it sends (newsroom/health.py).
    "newsroom.health.HealthFirst",
    # Then: a hit skips every other middleware (the headers they add, security and CSP included,
    # are stored with the page, under a key that holds the scheme); a miss passes through them all and is
    # stored with what they added (newsroom/page_cache.py).
    "newsroom.page_cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsroom.security.PathContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a login attempt from a locked-out client into the lockout answer (django-axes).
    "axes.middleware.AxesMiddleware",
    # A 404 at an old address of a renamed section, tag or author answers 301 to the new one, if public.
    "articles.redirects.OldAddressMiddleware",
    # A body sent without Content-Length (chunked) is refused with 411: Django would read it as empty.
    # Last, so its page has the request's user and session; still before any view (CSRF's included) reads.
    "newsroom.request_body.LengthRequiredMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"
SITE_ID = 1

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
                "newsroom.context_processors.site",
                "newsroom.page_cache.public_csrf",
            ],
        },
    },
]

with warnings.catch_warnings():  # django-environ's two-line warning, with its path, said again below
    warnings.filterwarnings("ignore", "Engine not recognized", UserWarning)
    DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# No scheme ("127.0.0.1:5432/x") or a misspelt one ("postgressql://..."): django-environ guesses an engine.
if DATABASES["default"].get("ENGINE") not in environ.Env.DB_SCHEMES.values():
    raise ImproperlyConfigured(
        "DATABASE_URL is not a database address: write it as postgresql://user:password@host:5432/name."
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env.bool("DATABASE_JIT", False):
    # PostgreSQL's JIT compiles any plan it guesses costly: ~400 ms on the "Read more" query at 100,000
    # articles, for a query that runs in under 200 ms without it (bench/README.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run`: two editors saving at once, or a save beside the schedule's thread, wait for each other
    # instead of failing with "database is locked" (a 500): a write takes the lock when its transaction
    # begins, and waits up to 20 s for it; readers read beside the writer (write-ahead log).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE", timeout=20, init_command="PRAGMA journal_mode=WAL;"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

try:
    CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://newsroom")}
except ImproperlyConfigured as error:  # "Invalid cache schema", naming no setting
    raise ImproperlyConfigured(
        f"CACHE_URL is not a cache address ({error}): write it as redis://host:6379/1."
    ) from None
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # While Redis is out of reach the site serves without the cache, logging it, instead of failing with 500
    # (newsroom/cache.py); socket timeouts of 1 s unless CACHE_URL says otherwise (?socket_timeout=...).
    CACHES["default"]["BACKEND"] = "newsroom.cache.FailOpenRedisCache"

# Argon2 for new and changed passwords; the others only to check (and upgrade) older hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# django-axes first: it refuses a locked-out client before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
FORMAT_MODULE_PATH = ["newsroom.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# whitenoise serves collected static files with hashed names and gzip/brotli copies (`make serve` collects
# them); the test suite sets the plain storage so it needs no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Anonymous page cache (newsroom/page_cache.py): public GET pages are kept this long, and dropped at once
# when anything they show changes; 0 turns it off (and pages are private again).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
# A page a worker has just checked is served from its own memory this long: changes made through another
# process show within this time (the page cache's freshness bound), those made through the same one at once.
PAGE_CACHE_LOCAL_SECONDS = env.float("PAGE_CACHE_LOCAL_SECONDS", default=0.5)
# Costly parts of reader pages (comment threads, "Read more") are kept this long under the same versions, so a
# page the page cache misses renders only what changed (newsroom/fragments.py); 0 turns it off.
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=600)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Where `make backup` (manage.py backup) writes its timestamped folders.
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(BASE_DIR / "backups")))

LOGIN_URL = "admin:login"

# Security (README "Production"). HTTPS says readers reach the site over TLS, served directly or through a
# proxy that terminates it; it is on by default with DEBUG off, and brings HSTS, secure cookies and the
# redirect to https. The test suite (plain http test client) and `make run` have it off.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (overwriting any the client sent): without
# this, every request looks like http and SECURE_SSL_REDIRECT would redirect for ever.
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = env.str("SECURE_REFERRER_POLICY", default="strict-origin-when-cross-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# How many proxies of ours each append the address they saw to X-Forwarded-For (0: the header is ignored).
# Every rate limit and the login lockout see the client through newsroom.security.client_ip, which believes
# only that many entries from the header's end. API_NUM_PROXIES is the older name of the same setting.
NUM_PROXIES = env.int("NUM_PROXIES", default=env.int("API_NUM_PROXIES", default=0))

# Content-Security-Policy (django-csp 4; newsroom.security): the public site runs only its own scripts and
# styles, no inline ones; images may come from any https address (editors embed them in articles).
_CSP_COMMON = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:", *env.list("CSP_IMG_SRC", default=["https:"])],
    "font-src": [SELF],
    "connect-src": [SELF],
    "media-src": [SELF],
    "object-src": [NONE],
    "frame-src": [NONE],
    "worker-src": [SELF],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
    "report-uri": env.str("CSP_REPORT_URI", default="") or None,
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_COMMON}
# The admin (Django's templates and ours set style attributes), the browsable API (DRF's pages set style
# attributes and inline their code highlighting) and the API docs (Swagger UI and Redoc inject styles; Redoc
# runs its parser in a blob: worker) allow inline *styles*; no page allows inline script.
CSP_PATH_POLICIES = [
    (
        "/admin/",
        _CSP_COMMON | {"style-src": [SELF, UNSAFE_INLINE], "img-src": [SELF, "data:", "blob:", "https:"]},
    ),
    ("/api/v1/", _CSP_COMMON | {"style-src": [SELF, UNSAFE_INLINE]}, "text/html"),  # only the HTML pages
    (
        "/api/docs/",
        _CSP_COMMON
        | {
            "style-src": [SELF, UNSAFE_INLINE],
            "worker-src": [SELF, "blob:"],
            "font-src": [SELF, "data:"],
            # No https: images: Redoc's footer would fetch its logo from cdn.redoc.ly (hidden when refused).
            "img-src": [SELF, "data:"],
        },
    ),
]
# No page of ours uses these browser features; nor may anything embedded in one.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "geolocation",
        "gyroscope", "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip

# Admin login lockout (django-axes): after AXES_FAILURE_LIMIT failed logins for one user name from one client
# address, that pair is refused (even with the right password) for AXES_COOLOFF_HOURS; a success resets it.
# `manage.py axes_reset` lifts every lockout.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(hours=env.float("AXES_COOLOFF_HOURS", default=1))
AXES_LOCKOUT_PARAMETERS = [
    p.split("+") if "+" in p else p
    for p in env.list("AXES_LOCKOUT_PARAMETERS", default=["username+ip_address"])
]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "newsroom.security.client_ip"
AXES_LOCKOUT_CALLABLE = "newsroom.security.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_VERBOSE = False  # no "AXES: BEGIN version ..." from every process that starts; lockouts are still logged

# Reader search: searches per client address (newsroom.throttles.SearchThrottle; 429 beyond it).
SEARCH_RATE = env.str("SEARCH_RATE", default="30/minute")
COMMENTS_DATA_REQUEST_RATE = env.str("COMMENTS_DATA_REQUEST_RATE", default="5/hour")

# Email: the console by default; EMAIL_URL (smtp+tls://user:pass@host:587, smtps://...:465) in production.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
if vars().get("EMAIL_PORT") == 465 and vars().get("EMAIL_USE_TLS"):
    # Port 465 speaks TLS from the first byte (RFC 8314). django-environ reads `smtps://` as STARTTLS, and
    # a server on 465 never answers STARTTLS's plain greeting: each mail would wait out EMAIL_TIMEOUT, fail.
    EMAIL_USE_TLS, EMAIL_USE_SSL = False, True
# A mail server that takes the connection and never answers must not hold a worker (and the outbox row it
# has locked) for ever: each SMTP step gives up after this many seconds, and the mail is retried.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10.0)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Uploaded images: refused when larger than this, with a message naming the limit.
IMAGE_MAX_UPLOAD_BYTES = env.int("IMAGE_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
IMAGE_MAX_PIXELS_SIDE = env.int("IMAGE_MAX_PIXELS_SIDE", default=8000)
IMAGE_MIN_PIXELS_SIDE = env.int("IMAGE_MIN_PIXELS_SIDE", default=200)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Generate renditions when the image is saved, never while serving a page.
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "imagekit.cachefiles.strategies.Optimistic"
IMAGEKIT_CACHEFILE_DIR = "renditions"

# Health checks (django-watchman, newsroom/health.py): /health/ answers a load balancer from the database
# alone; /health/status/ (administrators) and `manage.py watchman` check the cache and the broker too.
WATCHMAN_CHECKS = ("watchman.checks.databases", "newsroom.health.cache", "newsroom.health.broker")
WATCHMAN_ERROR_CODE = 503
WATCHMAN_AUTH_DECORATOR = "newsroom.users.for_administrators"

# Signed preview links for drafts (articles.previews).
PREVIEW_LINK_MAX_AGE = timedelta(hours=env.int("PREVIEW_LINK_HOURS", default=72))
# Days a deleted article can be recovered (Articles > "Recover deleted articles"); then its versions, workflow
# history, editorial notes and old addresses are deleted for good, nightly (forget_long_deleted_articles in
# CELERY_BEAT_SCHEDULE). A quarter: time to notice a story deleted by mistake (a reporter's draft held over a
# holiday, a seasonal piece), not so long that one taken down for a legal or privacy reason lingers; as long
# as commenters' addresses are kept (COMMENT_PERSONAL_DATA_DAYS).
DELETED_ARTICLES_KEPT_DAYS = env.int("DELETED_ARTICLES_KEPT_DAYS", default=90)
if DELETED_ARTICLES_KEPT_DAYS < 1:  # 0 or less would forget every deleted story the next night
    raise ImproperlyConfigured(
        f"DELETED_ARTICLES_KEPT_DAYS is {DELETED_ARTICLES_KEPT_DAYS}: give the days a deleted article can be "
        "recovered, 1 or more (90 when not set)."
    )

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CONCURRENCY = env.int("CELERY_CONCURRENCY", default=2)
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker waits for the broker as long as it is away (Celery gives up after 100 tries, about 47 minutes, and
# under honcho that stopped the site too); tasks running when it goes carry on to their end, as before.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "max_retries": 1}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "publish-due-articles": {
        "task": "articles.tasks.publish_due_articles",
        "schedule": timedelta(minutes=1),
        # A run still queued when the next is due does nothing the next will not: it expires unrun, so a
        # worker back after an outage finds one run waiting, not one per minute it was away.
        "options": {"expires": 55},
    },
    "deleted-articles-retention": {
        "task": "articles.tasks.forget_long_deleted_articles",
        "schedule": crontab(minute=45, hour=3),
        "options": {"expires": 82800},
    },
}

# Social sharing (sharing/): the accounts are a JSON list, secrets included, so they never touch the
# database; unset means one "log" account that only logs. README "Social networks" has the format.
SHARING_ACCOUNTS = env.str("SHARING_ACCOUNTS", default="")
# Checked here, with the other settings, so a malformed value stops every process in one line naming the
# account and the field (newsroom/startup.py): found first in the app's ready(), inside Celery's Django
# fixup, it came to the worker and beat under a traceback.
parse_sharing_accounts(SHARING_ACCOUNTS)
SHARING_MAX_ATTEMPTS = env.int("SHARING_MAX_ATTEMPTS", default=6)
SHARING_RETRY_BASE_SECONDS = env.float("SHARING_RETRY_BASE_SECONDS", default=30.0)
SHARING_SWEEP_AFTER_SECONDS = env.int("SHARING_SWEEP_AFTER_SECONDS", default=120)
SHARING_HTTP_TIMEOUT = env.float("SHARING_HTTP_TIMEOUT", default=15.0)
# The whole of one try (a network that answers a byte at a time defeats a per-read timeout): past it the try
# counts as failed and is retried.
SHARING_TRY_TIME_LIMIT = env.float("SHARING_TRY_TIME_LIMIT", default=6 * SHARING_HTTP_TIMEOUT)
CELERY_BEAT_SCHEDULE |= {
    "sweep-pending-shares": {
        "task": "sharing.tasks.sweep_pending_shares",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
}

# Comments (django-comments-xtd); the moderation rules live in comments/.
COMMENTS_APP = "django_comments_xtd"
COMMENTS_XTD_MAX_THREAD_LEVEL = env.int("COMMENTS_MAX_THREAD_LEVEL", default=2)
COMMENTS_XTD_CONFIRM_EMAIL = True
COMMENTS_XTD_THREADED_EMAILS = False
COMMENTS_XTD_SALT = env.str("COMMENTS_XTD_SALT", default="newsroom-comments")
# xtd's API (not mounted) would show a Gravatar URL, a hash of the email, and usernames, which may be emails.
COMMENTS_XTD_API_GET_USER_AVATAR = "comments.rendering.xtd_api_avatar"
COMMENTS_XTD_API_USER_REPR = "Reader".format  # called with the user; never prints a username
# Reader comments: moderation and email-privacy rules (comments/moderation.py, comments/services/;
# .env.example says what each one does).
COMMENT_MAX_LENGTH = env.int("COMMENT_MAX_LENGTH", default=3000)
COMMENTS_PER_PAGE = env.int("COMMENTS_PER_PAGE", default=20)
COMMENTS_CLOSE_AFTER_DAYS = env.int("COMMENTS_CLOSE_AFTER_DAYS", default=0)
COMMENTS_HOLD_FIRST_TIME = env.bool("COMMENTS_HOLD_FIRST_TIME", default=True)
COMMENTS_HOLD_MIN_LINKS = env.int("COMMENTS_HOLD_MIN_LINKS", default=2)
COMMENTS_MODERATION_WORDS = env.list("COMMENTS_MODERATION_WORDS", default=[])
COMMENTS_DISALLOWED_WORDS = env.list("COMMENTS_DISALLOWED_WORDS", default=[])
COMMENTS_FLOOD_SECONDS = env.int("COMMENTS_FLOOD_SECONDS", default=15)
COMMENTS_CONFIRM_DAYS = env.int("COMMENTS_CONFIRM_DAYS", default=3)
COMMENTS_UNCONFIRMED_PER_ADDRESS = env.int("COMMENTS_UNCONFIRMED_PER_ADDRESS", default=5)
COMMENT_PERSONAL_DATA_DAYS = env.int("COMMENT_PERSONAL_DATA_DAYS", default=90)
COMMENTS_MAIL_MAX_RETRIES = env.int("COMMENTS_MAIL_MAX_RETRIES", default=50)
COMMENTS_MAIL_RETRY_BACKOFF_MAX = env.int("COMMENTS_MAIL_RETRY_BACKOFF_MAX", default=600)
CELERY_BEAT_SCHEDULE |= {
    "comments-held-digest": {
        "task": "comments.tasks.send_held_digest",
        "schedule": crontab(minute=0),
        "options": {"expires": 3300},
    },
    "comments-retention": {
        "task": "comments.tasks.apply_retention",
        "schedule": crontab(minute=30, hour=3),
        "options": {"expires": 82800},
    },
    "comments-mail-sweeper": {
        "task": "comments.tasks.sweep_unsent_mail",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 290},
    },
    "comments-data-request-sweeper": {
        "task": "comments.tasks.sweep_data_requests",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 290},
    },
}

# REST API (newsroom/api.py, each app's api.py). Clients are told apart by newsroom.security.client_ip
# (REMOTE_ADDR, or the address NUM_PROXIES entries from the end of X-Forwarded-For).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "newsroom.authentication.MeteredTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_THROTTLE_CLASSES": ["newsroom.throttles.AnonymousThrottle", "newsroom.throttles.StaffThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", default="120/minute"),
        "user": env.str("API_USER_RATE", default="1200/minute"),
        "comments": env.str("API_COMMENT_RATE", default="10/hour"),
        "bad_token": env.str("API_BAD_TOKEN_RATE", default="20/minute"),
    },
    "NUM_PROXIES": NUM_PROXIES,
    "EXCEPTION_HANDLER": "newsroom.api.exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "newsroom.negotiation.ContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "newsroom.api.NewsroomAutoSchema",
    "DEFAULT_METADATA_CLASS": "newsroom.metadata.ContractMetadata",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
API_MAX_JSON_BYTES = env.int("API_MAX_JSON_BYTES", default=1024 * 1024)
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API",
    "DESCRIPTION": (
        "Everything public on the site, readable by anyone; staff write with `Authorization: Token <key>` "
        "(an administrator issues them: `manage.py drf_create_token <username>`, or a superuser in the "
        "admin; deleting one revokes it) under the same rules as the admin. Every 4xx answer has "
        'the form `{"code": ..., "message": ..., "errors": {field: [...]}}`.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "newsroom.api.describe_common_fields",
        "newsroom.api.add_missing_examples",
        "articles.api.examples.tomorrow_morning",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ArticleStatusEnum": "articles.models.Article.Status",
        "AuthorKindEnum": "authors.models.Author.Kind",
        "CorrectionKindEnum": "articles.models.Correction.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "client_errors": {"()": "newsroom.log_filters.ClientErrorsWithoutTraceback"},
        "database_out_of_reach": {"()": "newsroom.log_filters.DatabaseOutOfReachInOneLine"},
        "one_line": {"()": "newsroom.log_filters.OneLine"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["client_errors", "database_out_of_reach"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) beside the root's printed each of its lines twice.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # httpx logs every request's URL at INFO; a webhook URL is itself a secret (sharing/).
        "httpx": {"level": "WARNING"},
        # A failed health check (a service out of reach) is one line; its traceback is in the check's report.
        "watchman": {"filters": ["one_line"]},
    },
}
