"""The rebuild after a publication, through a real commit (the other tests capture on_commit):
on PostgreSQL this also runs the build's REPEATABLE READ snapshot outside any test transaction."""

import zipfile

import frictionless
import pytest

from disclosure.exports import packages
from disclosure.workflow import services
from tests.factories import (
    CLERK,
    REVIEWER,
    DisclosureFactory,
    ExpenditureLineFactory,
    FiscalYearFactory,
    user_in_role,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_committed_publication_rebuilds_its_years_package(settings, tmp_path, seed):
    settings.PACKAGES_ROOT = tmp_path
    draft = DisclosureFactory(agency=seed.agency, fiscal_year=FiscalYearFactory(year=2015))
    ExpenditureLineFactory(disclosure=draft, statement="income", name="财政拨款收入")
    services.disclosure_submit(disclosure=draft, by=user_in_role(CLERK, agencies=[seed.agency]))
    assert packages.built_packages() == []

    services.disclosure_publish(disclosure=draft, by=user_in_role(REVIEWER), note="核对无误")

    [manifest] = packages.built_packages()
    assert (manifest.name, manifest.disclosures, manifest.figures) == ("juesuan-2015", 1, 1)
    with zipfile.ZipFile(tmp_path / "juesuan-2015.zip") as zf:
        zf.extractall(tmp_path / "unpacked")
    report = frictionless.validate(str(tmp_path / "unpacked" / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
