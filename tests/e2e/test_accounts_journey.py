import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, check_accessibility


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_student_signs_up_signs_out_and_signs_in_again(page, visit, viewport):
    page.set_viewport_size(viewport)
    visit("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rwanda 1994")

    visit("/accounts/signup/")
    page.get_by_label("Username").fill("keza_2026")
    page.locator("#id_password1").fill("kigali-hills-1994")
    page.locator("#id_password2").fill("kigali-hills-1994")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome, keza_2026")
    check_accessibility(page)

    _open_menu_on_phone(page, viewport)
    # Wait for the next page: opening the menu on the old one would race it.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    _open_menu_on_phone(page, viewport)
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()

    visit("/accounts/login/")
    page.get_by_label("Username").fill("keza_2026")
    page.locator("#id_password").fill("wrong-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".alert-danger, .invalid-feedback").first).to_contain_text(
        "don't match"
    )
    check_accessibility(page)
    page.locator("#id_password").fill("kigali-hills-1994")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    _open_menu_on_phone(page, viewport)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    visit("/about/")
    expect(page.get_by_role("heading", level=1)).to_have_text("About this site")


def _open_menu_on_phone(page, viewport):
    if viewport == PHONE:
        page.get_by_role("button", name="Show or hide the menu").click()
        # Bootstrap adds "show" when the opening transition ends; a click on a link
        # while the menu is still sliding open can be lost.
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))


@pytest.mark.django_db(transaction=True)
def test_error_pages_are_friendly_and_accessible(page, visit):
    visit("/no-such-page/", expect_status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("We can't find that page")
