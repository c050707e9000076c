"""The social accounts the newsroom posts to, read from SHARING_ACCOUNTS (a JSON list), never from the DB.

Secrets (tokens, app passwords, webhook secrets and webhook URLs, which are secrets themselves for Slack
and Discord) live only here, in memory: they are excluded from repr() so they cannot reach a log line.
"""

import json
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NETWORKS = ("mastodon", "bluesky", "x", "webhook", "log")

# Per network: required fields, optional fields with defaults.
FIELDS = {
    "mastodon": ({"base_url", "token"}, {"visibility": "public"}),
    "bluesky": ({"handle", "app_password"}, {"base_url": "https://bsky.social"}),
    "x": ({"token"}, {"base_url": "https://api.x.com"}),
    "webhook": ({"url", "secret"}, {"format": "both"}),
    "log": (set(), {}),
}
URL_FIELDS = {"base_url", "url"}
CHOICES = {"visibility": {"public", "unlisted", "private"}, "format": {"both", "slack", "discord"}}
# Used when SHARING_ACCOUNTS is unset: development logs what it would post.
DEFAULT_ACCOUNTS = '[{"name": "log", "network": "log"}]'


@dataclass(frozen=True)
class Account:
    name: str
    network: str
    base_url: str = ""
    handle: str = ""
    visibility: str = "public"
    format: str = "both"
    token: str = field(default="", repr=False)
    app_password: str = field(default="", repr=False)
    secret: str = field(default="", repr=False)
    url: str = field(default="", repr=False)

    def __str__(self):
        return f"{self.name} ({self.network})"


class AccountsError(ImproperlyConfigured):
    pass


def parse_accounts(raw: str) -> list[Account]:
    """Parse and check the JSON; errors name the account and the field, never a value."""
    raw = (raw or "").strip() or DEFAULT_ACCOUNTS
    try:
        items = json.loads(raw)
    except json.JSONDecodeError as error:
        raise AccountsError(
            f"SHARING_ACCOUNTS is not valid JSON (line {error.lineno}, column {error.colno}): {error.msg}."
        ) from None
    if not isinstance(items, list):
        raise AccountsError("SHARING_ACCOUNTS must be a JSON list of account objects.")
    accounts, names = [], set()
    for position, item in enumerate(items, start=1):
        accounts.append(_parse_one(item, position, names))
    return accounts


def _parse_one(item, position: int, names: set) -> Account:
    where = f"SHARING_ACCOUNTS item {position}"
    if not isinstance(item, dict):
        raise AccountsError(f"{where} must be a JSON object.")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise AccountsError(f'{where}: field "name" is required (a short unique label).')
    where = f'SHARING_ACCOUNTS account "{name}"'
    if len(name) > 100:
        raise AccountsError(f'{where}: field "name" is longer than 100 characters.')
    if name in names:
        raise AccountsError(f'{where}: field "name" is used by two accounts; names must be unique.')
    names.add(name)
    network = item.get("network")
    if network not in NETWORKS:
        raise AccountsError(f'{where}: field "network" must be one of {", ".join(NETWORKS)}.')
    required, optional = FIELDS[network]
    allowed = {"name", "network"} | required | set(optional)
    for key in item:
        if key not in allowed:
            raise AccountsError(
                f'{where}: field "{key}" is not used by {network} accounts '
                f"(expected: {', '.join(sorted(allowed))})."
            )
    values = dict(optional)
    for key in [*sorted(required), *optional]:
        if key not in item:
            if key in required:
                raise AccountsError(f'{where}: field "{key}" is required for {network} accounts.')
            continue
        value = item[key]
        if not isinstance(value, str) or not value.strip():
            raise AccountsError(f'{where}: field "{key}" must be a non-empty string.')
        if key in URL_FIELDS and (
            urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc
        ):
            raise AccountsError(f'{where}: field "{key}" must be an http(s) URL.')
        if key in CHOICES and value not in CHOICES[key]:
            raise AccountsError(f'{where}: field "{key}" must be one of {", ".join(sorted(CHOICES[key]))}.')
        values[key] = value.strip()
    if "base_url" in values:
        values["base_url"] = values["base_url"].rstrip("/")
    return Account(name=name, network=network, **values)


@lru_cache(maxsize=4)
def _cached(raw: str) -> tuple[Account, ...]:
    return tuple(parse_accounts(raw))


def configured_accounts() -> tuple[Account, ...]:
    return _cached(getattr(settings, "SHARING_ACCOUNTS", ""))


def get_account(name: str) -> Account | None:
    return next((account for account in configured_accounts() if account.name == name), None)
