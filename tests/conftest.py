import pytest


@pytest.fixture(autouse=True)
def _fast_and_plain(settings):
    """Fast password hashing and unhashed static files: tests never run
    collectstatic, and hashed names 404 under live_server."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def student(django_user_model):
    return django_user_model.objects.create_user(
        username="amara", password="a-long-pass-phrase"
    )


@pytest.fixture
def teacher(db):
    from accounts.services import create_teacher

    return create_teacher(username="ms_habimana", password="teacher-pass-phrase")
