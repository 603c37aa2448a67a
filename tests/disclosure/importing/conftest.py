"""Imports write only into drafts: here the demo documents are reopened as correction drafts
(every row copied), so a test can empty them and import their figures back."""

import pytest

from tests.conftest import draft
from tests.factories import CLERK, user_in_role


@pytest.fixture
def seed(request, seed):
    """The seed's figures in an open draft (revision 2) of 溧阳市信访局 2014."""
    return draft(request, "seed_draft_for_module", seed)


@pytest.fixture
def putuo(request, putuo):
    return draft(request, "putuo_draft_for_module", putuo)


@pytest.fixture
def clerk_of(db):
    """A clerk bound to the given agencies, as the roles migration defines a clerk."""
    return lambda *agencies, **kwargs: user_in_role(CLERK, agencies=agencies, **kwargs)
