"""What `make serve` relies on: cached templates, reused connections, hashed and compressed static files."""

from django.conf import settings
from django.core.management import call_command
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader
from django.templatetags.static import static
from django.test import override_settings


def test_templates_are_compiled_once_per_process():
    assert isinstance(engines["django"].engine.template_loaders[0], CachedLoader)


def test_database_connections_are_reused_and_checked():
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_whitenoise_serves_hashed_compressed_files(tmp_path):
    manifest = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES={**settings.STORAGES, "staticfiles": manifest}):
        call_command("collectstatic", interactive=False, verbosity=0)
        url = static("css/site.css")
    assert url.startswith("/static/css/site.") and url != "/static/css/site.css"
    hashed = tmp_path / url.removeprefix("/static/")
    assert hashed.exists() and hashed.with_name(hashed.name + ".gz").exists()
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
