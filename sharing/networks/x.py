"""X: POST /2/tweets with an OAuth 2.0 user access token (bearer).

X has no idempotency key. If a retry follows a post whose answer was lost (or whose worker died before
recording it), X refuses the identical text as a duplicate (403); that case is recorded as sent, without a
link, rather than failed. When an earlier round to the account posted the same words (Share again with the
text unchanged), the same refusal means nothing was posted, and the share fails saying so.
"""

from .base import Network, PermanentError, Post, Posted

DUPLICATE_MARKER = "duplicate content"


class X(Network):
    name = "x"
    label = "X"
    limit = 280
    rule = "x"

    def post(self, post: Post) -> Posted:
        try:
            response = self.request(
                "POST",
                f"{self.account.base_url}/2/tweets",
                headers={"Authorization": f"Bearer {self.account.token}"},
                json={"text": post.text},
            )
        except PermanentError as error:
            if DUPLICATE_MARKER not in str(error).lower():
                raise
            if not post.repeats_an_earlier_round:  # our own earlier try went through
                return Posted(remote_id="duplicate", url="")
            raise PermanentError(
                "X refuses a post with the same text as an earlier one; change the share text, then retry."
            ) from None
        data = (response.json() or {}).get("data") or {}
        if not data.get("id"):
            raise PermanentError("X answered without a post id.")
        return Posted(remote_id=str(data["id"]), url=f"https://x.com/i/web/status/{data['id']}")
