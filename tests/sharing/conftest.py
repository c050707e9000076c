import json

import pytest


@pytest.fixture(scope="session")
def httpserver_listen_address():
    """The fake networks listen on 127.0.0.1, never on a name that could resolve elsewhere."""
    return ("127.0.0.1", 0)


@pytest.fixture
def sharing_accounts(settings):
    """Set SHARING_ACCOUNTS for one test from a list of dicts."""

    def configure(*accounts):
        settings.SHARING_ACCOUNTS = json.dumps(list(accounts))

    return configure
