"""What `make serve` relies on: cached templates, reused connections, hashed and compressed static files."""

import os
import subprocess
import sys

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


def test_the_web_process_loads_no_docutils_and_still_documents_the_api():
    """docutils comes with django-comments-xtd and nothing uses it; newsroom/wsgi.py keeps it out of the web
    workers (2.3 MB each), and the API's contract is generated all the same."""
    code = (
        "import sys, newsroom.wsgi\n"
        "from django.test import Client\n"
        "response = Client().get('/api/schema/?format=json')\n"
        "print(response.status_code, response['Content-Type'], b'/api/v1/articles/' in response.content)\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] == 'docutils' and sys.modules[n]))\n"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", code], env=os.environ, capture_output=True, text=True, check=True, timeout=120
    )
    served, loaded = result.stdout.splitlines()[-2:]
    assert served == "200 application/vnd.oai.openapi+json True"
    assert loaded == "[]"
