"""Imports write only into drafts: here the demo documents are reopened as correction drafts
(every row copied), so a test can empty them and import their figures back."""

import pytest

from disclosure.workflow import corrections
from tests.factories import CLERK, REVIEWER, user_in_role


def reopened(disclosure):
    reviewer = user_in_role(REVIEWER)
    return corrections.disclosure_open_correction(
        disclosure=disclosure, by=reviewer, reason="导入测试"
    )


@pytest.fixture
def seed(seed):
    """The seed's figures in an open draft (revision 2) of 溧阳市信访局 2014."""
    return reopened(seed)


@pytest.fixture
def putuo(putuo):
    return reopened(putuo)


@pytest.fixture
def clerk_of(db):
    """A clerk bound to the given agencies, as the roles migration defines a clerk."""
    return lambda *agencies, **kwargs: user_in_role(CLERK, agencies=agencies, **kwargs)
