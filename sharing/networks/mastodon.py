"""Mastodon: POST /api/v1/statuses with a bearer token and an Idempotency-Key header.

Mastodon keeps idempotency keys for an hour and answers a repeat with the status it already made, so a
retry after a lost response does not post twice.
"""

from .base import Network, PermanentError, Post, Posted


class Mastodon(Network):
    name = "mastodon"
    label = "Mastodon"
    limit = 500
    rule = "mastodon"

    def post(self, post: Post) -> Posted:
        response = self.request(
            "POST",
            f"{self.account.base_url}/api/v1/statuses",
            headers={
                "Authorization": f"Bearer {self.account.token}",
                "Idempotency-Key": post.idempotency_key,
            },
            json={"status": post.text, "visibility": self.account.visibility},
        )
        data = response.json()
        if not data.get("id"):
            raise PermanentError("Mastodon answered without a status id.")
        return Posted(remote_id=str(data["id"]), url=data.get("url") or data.get("uri") or "")
