"""The admin's "publish selected" builds each year's data package once, after the last
publication. Each publication commits on its own there (no request-wide transaction), so this
test lets them commit for real: the packages' batch sees the callbacks as production does."""

import pytest

from disclosure.exports import packages
from disclosure.models import Disclosure
from tests.factories import REVIEWER, submitted_in, user_in_role

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_admins_publish_action_builds_the_years_package_once(
    client, settings, tmp_path, monkeypatch
):
    settings.PACKAGES_ROOT = tmp_path / "packages"
    drafts = submitted_in(2015, 3)
    built = []
    real = packages.build_package
    monkeypatch.setattr(
        packages, "build_package", lambda year, **kw: built.append(year) or real(year, **kw)
    )
    client.force_login(user_in_role(REVIEWER))
    response = client.post(
        "/admin/disclosure/disclosure/",
        {"action": "publish", "_selected_action": [d.pk for d in drafts]},
    )
    assert response.status_code == 302
    assert Disclosure.objects.filter(status="published").count() == 3
    assert built == [2015]
    assert packages.built_packages()[0].disclosures == 3
