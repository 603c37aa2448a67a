"""Login throttling: wrong passwords lock the username from that address for a while."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def clerk(db):
    return get_user_model().objects.create_user(
        "clerk1", password="right-password-2024", is_staff=True
    )


def attempt(client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_too_many_wrong_passwords_lock_even_the_right_one_out(client, clerk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "clerk1", "wrong").status_code == 200
    locked = attempt(client, "clerk1", "wrong")
    assert locked.status_code == 429
    response = attempt(client, "clerk1", "right-password-2024")
    assert response.status_code == 429
    assert "登录已暂时锁定" in response.content.decode()
    assert not logged_in(client)


def test_the_lock_is_per_username_and_address(client, clerk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "clerk1", "wrong", address="10.9.9.9")
    # The same clerk from the office is not locked out by someone guessing from elsewhere.
    response = attempt(client, "clerk1", "right-password-2024", address="127.0.0.1")
    assert response.status_code == 302
    assert logged_in(client)


def test_a_success_resets_the_count(client, clerk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "clerk1", "wrong")
    assert attempt(client, "clerk1", "right-password-2024").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "clerk1", "wrong").status_code == 200
    assert attempt(client, "clerk1", "right-password-2024").status_code == 302
