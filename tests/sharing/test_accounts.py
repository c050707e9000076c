import json

import pytest

from sharing.accounts import AccountsError, parse_accounts


def test_unset_means_one_log_account():
    (account,) = parse_accounts("")
    assert (account.name, account.network) == ("log", "log")


def test_every_network_parses_with_defaults():
    accounts = parse_accounts(
        json.dumps(
            [
                {
                    "name": "masto",
                    "network": "mastodon",
                    "base_url": "https://social.example/",
                    "token": "t1",
                },
                {"name": "sky", "network": "bluesky", "handle": "news.example", "app_password": "p1"},
                {"name": "bird", "network": "x", "token": "t2"},
                {"name": "slack", "network": "webhook", "url": "https://hooks.example/abc", "secret": "s"},
            ]
        )
    )
    masto, sky, bird, slack = accounts
    assert masto.base_url == "https://social.example" and masto.visibility == "public"
    assert sky.base_url == "https://bsky.social"
    assert bird.base_url == "https://api.x.com"
    assert slack.format == "both"


def test_secrets_never_appear_in_repr():
    (account,) = parse_accounts(
        '[{"name": "slack", "network": "webhook", "url": "https://hooks.example/SECRETPATH", '
        '"secret": "S3CRET"}]'
    )
    assert "S3CRET" not in repr(account) and "SECRETPATH" not in repr(account)


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        (
            '[{"name": "masto", "network": "mastodon", "base_url": "https://m.example"}]',
            ['"masto"', '"token"'],
        ),
        ('[{"name": "sky", "network": "bluesky", "handle": "h"}]', ['"sky"', '"app_password"']),
        (
            '[{"name": "masto", "network": "mastodon", "base_url": "m.example", "token": "t"}]',
            ['"masto"', '"base_url"'],
        ),
        ('[{"name": "bird", "network": "x", "tokn": "t"}]', ['"bird"', '"tokn"']),
        (
            '[{"name": "hook", "network": "webhook", "url": "https://h.example", "secret": ""}]',
            ['"hook"', '"secret"'],
        ),
        ('[{"name": "z", "network": "myspace"}]', ['"z"', '"network"']),
        ('[{"network": "log"}]', ["item 1", '"name"']),
        ('[{"name": "a", "network": "log"}, {"name": "a", "network": "log"}]', ['"a"', '"name"']),
        ('{"name": "a"}', ["JSON list"]),
        ("[{", ["not valid JSON"]),
    ],
)
def test_malformed_accounts_name_the_account_and_field(raw, names):
    with pytest.raises(AccountsError) as error:
        parse_accounts(raw)
    for name in names:
        assert name in str(error.value)


def test_error_message_does_not_echo_the_secret():
    with pytest.raises(AccountsError) as error:
        parse_accounts('[{"name": "m", "network": "mastodon", "base_url": "ftp://x", "token": "TOPSECRET"}]')
    assert "TOPSECRET" not in str(error.value)


def test_start_up_refuses_a_malformed_value():
    """Django's start-up (AppConfig.ready) checks the real environment variable."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "SHARING_ACCOUNTS": '[{"name": "masto", "network": "mastodon"}]'}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert 'SHARING_ACCOUNTS account "masto": field "base_url" is required' in result.stderr
