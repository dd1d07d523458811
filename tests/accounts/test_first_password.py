"""Students whose password a teacher set choose their own at first sign-in."""

import pytest
from django.urls import reverse

from accounts.models import User

ONE_TIME = "abcd-efgh"
CHANGE = reverse("password_change")


@pytest.fixture
def carded(django_user_model):
    user = django_user_model.objects.create_user(
        username="aminau", password=ONE_TIME, display_name="Amina Uwase"
    )
    user.must_change_password = True
    user.save()
    return user


@pytest.mark.django_db
def test_first_sign_in_leads_to_choosing_a_password(client, carded):
    response = client.post(
        reverse("login"), {"username": "aminau", "password": ONE_TIME}, follow=True
    )
    assert response.redirect_chain[-1] == (CHANGE, 302)
    assert "Choose your own password" in response.text
    assert "Old password" not in response.text
    # Every other page sends them back until they do.
    for path in ["/", "/about/", "/my-work/", "/classes/join/"]:
        response = client.get(path)
        assert response.status_code == 302 and response.url == CHANGE, path


@pytest.mark.django_db
def test_choosing_the_password_ends_the_requirement(client, carded):
    client.force_login(carded)
    weak = client.post(
        CHANGE, {"new_password1": "12345678", "new_password2": "12345678"}
    )
    assert weak.status_code == 400 and "too common" in weak.text
    response = client.post(
        CHANGE,
        {"new_password1": "kigali-hills-1994", "new_password2": "kigali-hills-1994"},
    )
    assert response.status_code == 302
    carded.refresh_from_db()
    assert not carded.must_change_password
    assert carded.check_password("kigali-hills-1994")
    # Still signed in (the session follows the new password), and free to go on.
    assert client.get("/about/").status_code == 200


@pytest.mark.django_db
def test_signing_out_stays_possible(client, carded):
    client.force_login(carded)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == "/"


@pytest.mark.django_db
def test_an_ordinary_password_change_still_asks_for_the_old_one(client, student):
    client.force_login(student)
    page = client.get(CHANGE)
    assert "Change your password" in page.text and "Old password" in page.text
    response = client.post(
        CHANGE,
        {
            "old_password": "wrong",
            "new_password1": "kigali-hills-1994",
            "new_password2": "kigali-hills-1994",
        },
    )
    assert response.status_code == 400
    assert User.objects.get(pk=student.pk).check_password("a-long-pass-phrase")
