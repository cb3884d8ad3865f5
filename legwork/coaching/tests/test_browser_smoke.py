from __future__ import annotations

from typing import Any

import pytest

from legwork.accounts.models import User


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_signs_a_coach_in_and_shows_the_practice(open_browser: Any, alice: User) -> None:
    tab = open_browser("coach")
    tab.sign_in(alice.email)
    assert tab.page.get_by_role("heading", name="Your practice").is_visible()
    tab.assert_accessible()
    tab.screenshot("home")
