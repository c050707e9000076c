"""One module per network behind one small interface (base.Network.post)."""

from ..accounts import Account
from .base import Network, PermanentError, Post, Posted, ShareError, TransientError
from .bluesky import Bluesky
from .log import LogNetwork
from .mastodon import Mastodon
from .webhook import Webhook
from .x import X

NETWORKS: dict[str, type[Network]] = {cls.name: cls for cls in (Mastodon, Bluesky, X, Webhook, LogNetwork)}

__all__ = [
    "NETWORKS",
    "Network",
    "PermanentError",
    "Post",
    "Posted",
    "ShareError",
    "TransientError",
    "for_account",
]


def for_account(account: Account, client=None) -> Network:
    return NETWORKS[account.network](account, client=client)
