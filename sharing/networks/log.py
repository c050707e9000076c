"""Development network: writes what it would post to the log, and posts nothing."""

import logging

from .base import Network, Post, Posted

logger = logging.getLogger("sharing.log")


class LogNetwork(Network):
    name = "log"
    label = "Log"
    limit = 500
    rule = "mastodon"

    def post(self, post: Post) -> Posted:
        logger.info("Would share on %s: %r (key %s)", self.account.name, post.text, post.idempotency_key)
        return Posted(remote_id=f"log:{post.idempotency_key}", url="")
