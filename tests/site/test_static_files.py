import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client


@pytest.fixture
def collected_static(settings, tmp_path):
    """Production static handling: hashed, compressed files collected by whitenoise."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    return tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["css/site.css", "vendor/bootstrap/css/bootstrap.min.css", "js/site.js"]
)
def test_static_files_are_hashed_compressed_and_cached_for_a_year(
    collected_static, name
):
    url = static(name)
    assert url != f"/static/{name}", "expected a hashed file name"
    response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == "gzip"
    max_age = int(response.headers["Cache-Control"].split("max-age=")[1].split(",")[0])
    assert max_age >= 365 * 24 * 3600
    assert "immutable" in response.headers["Cache-Control"]
