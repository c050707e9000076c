"""Webhook: a JSON POST that Slack (`text`) and Discord (`content`, `embeds`) both accept, signed.

The signature header is `X-Newsroom-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with
the timestamp in `X-Newsroom-Timestamp`, so a receiver can check it and refuse replays;
`X-Newsroom-Delivery` carries the share's idempotency key for receivers that deduplicate.
"""

import hashlib
import hmac
import json
import time

from .base import Network, Post, Posted


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _slack_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Webhook(Network):
    name = "webhook"
    label = "Webhook"
    limit = 2000  # Discord's message limit; Slack's is larger
    rule = "graphemes"

    def payload(self, post: Post) -> dict:
        # Slack reads `<...>` as a link or a mention (`<!channel>` pings everyone) and wants &, < and >
        # escaped: "Rents rise <5% as supply > demand" came out garbled. Discord pings @everyone, @here and
        # roles named in `content` unless told not to; a headline is never meant to.
        slack = {"text": _slack_escaped(post.text), "unfurl_links": True}
        discord = {
            "content": post.text,
            "allowed_mentions": {"parse": []},
            "embeds": [{"title": post.title[:256], "url": post.url, "description": post.description[:4096]}],
        }
        return {"slack": slack, "discord": discord, "both": {**slack, **discord}}[self.account.format]

    def post(self, post: Post) -> Posted:
        body = json.dumps(self.payload(post), ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        self.request(
            "POST",
            self.account.url,
            content=body,
            headers={
                "Content-Type": "application/json",
                "X-Newsroom-Timestamp": timestamp,
                "X-Newsroom-Signature": signature(self.account.secret, timestamp, body),
                "X-Newsroom-Delivery": post.idempotency_key,
            },
        )
        return Posted(remote_id=post.idempotency_key, url="")
