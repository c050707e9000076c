"""The one small interface every network module implements, and the HTTP error rules they share.

httpx is imported when a network first sends, not with this module: the web processes load it (through the
admin) but never post, and httpx would add 5 MB to every one of them.
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlsplit

from django.conf import settings

from ..accounts import Account

if TYPE_CHECKING:
    import httpx

PERMANENT_STATUSES = {400, 401, 403, 404, 410, 413, 422}
USER_AGENT = "Newsroom-Sharing/1.0"


@dataclass(frozen=True)
class Post:
    """What to post; built by sharing.services from an article and a share record."""

    text: str
    url: str
    title: str
    description: str
    idempotency_key: str
    record_key: str
    created_at: datetime
    image: bytes | None = field(default=None, repr=False)
    image_type: str = "image/jpeg"
    # An earlier round to this account posted these very words (Share again without a new text): a network
    # that refuses repeats (X) then means that, not that our own earlier try went through.
    repeats_an_earlier_round: bool = False


@dataclass(frozen=True)
class Posted:
    remote_id: str
    url: str = ""


class ShareError(Exception):
    """A post that did not happen; the message is shown to editors, so it never holds a secret."""


class TransientError(ShareError):
    """Worth trying again later: timeouts, connection errors, 5xx, 429."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(ShareError):
    """Trying again cannot help: bad credentials, forbidden, rejected content."""


class Network:
    """A network module: `post()` posts once or raises a ShareError; `limit` and `rule` fit the text."""

    name: ClassVar[str]
    label: ClassVar[str]
    limit: ClassVar[int | None] = None
    rule: ClassVar[str] = "graphemes"

    def __init__(self, account: Account, client: httpx.Client | None = None):
        self.account = account
        self.client = client or make_client()

    def post(self, post: Post) -> Posted:
        raise NotImplementedError

    # Helpers for the HTTP networks.
    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        """Send, and turn failures into Transient/PermanentError with a message safe to show."""
        import httpx

        where = f"{self.label} ({urlsplit(url).hostname})"
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.TimeoutException as error:
            raise TransientError(f"{where} timed out ({type(error).__name__}).") from None
        except httpx.TransportError as error:
            raise TransientError(f"Could not reach {where}: {type(error).__name__}.") from None
        if response.is_success:
            return response
        raise error_for(response, where)


def error_for(response: httpx.Response, where: str) -> ShareError:
    status = response.status_code
    message = f"{where} answered {status} {response.reason_phrase}: {_snippet(response)}".rstrip(": ")
    if status == 429:
        return TransientError(message, retry_after=retry_after_seconds(response.headers.get("Retry-After")))
    if status >= 500 or status == 408:
        return TransientError(message, retry_after=retry_after_seconds(response.headers.get("Retry-After")))
    return PermanentError(message)


def _snippet(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return " ".join(response.text.split())[:200]
    if isinstance(data, dict):
        for key in ("error_description", "error", "message", "detail", "title"):
            if isinstance(data.get(key), str):
                text = data[key]
                if key == "error" and isinstance(data.get("message"), str):
                    text = f"{text}: {data['message']}"
                return text[:200]
    return str(data)[:200]


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is either seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def make_client() -> httpx.Client:
    import httpx

    timeout = settings.SHARING_HTTP_TIMEOUT
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
    )
