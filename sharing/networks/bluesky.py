"""Bluesky: createSession with an app password, then createRecord of an app.bsky.feed.post.

The record key is fixed by the share record (a TID made from its creation time and id): each try first
reads that key back (getRecord) and posts only if nothing is there, and the repository would refuse a
second record under the same key anyway. The record's createdAt is the time of the try that made it, not
of the share record: a share can wait days for a Retry or a republish.
The post carries a link facet for the URL, tag facets for hashtags, and an external embed card
(title, description and, when the article has a lead image, a thumbnail uploaded as a blob).
"""

import regex

from .base import Network, PermanentError, Post, Posted, ShareError

COLLECTION = "app.bsky.feed.post"
HASHTAG_RE = regex.compile(r"(?<!\S)#(\w+)")
URL_RE = regex.compile(r"https?://\S+")
MAX_THUMB_BYTES = 1_000_000


def facets(text: str) -> list[dict]:
    """Rich-text facets; Bluesky counts their ranges in UTF-8 bytes, not characters."""

    def span(start: int, end: int) -> dict:
        return {"byteStart": len(text[:start].encode()), "byteEnd": len(text[:end].encode())}

    result = [
        {
            "index": span(m.start(), m.end()),
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": m[0]}],
        }
        for m in URL_RE.finditer(text)
    ]
    result += [
        {
            "index": span(m.start(), m.end()),
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": m[1]}],
        }
        for m in HASHTAG_RE.finditer(text)
    ]
    return result


class Bluesky(Network):
    name = "bluesky"
    label = "Bluesky"
    limit = 300
    rule = "graphemes"

    def xrpc(self, method: str) -> str:
        return f"{self.account.base_url}/xrpc/{method}"

    def post(self, post: Post) -> Posted:
        session = self.request(
            "POST",
            self.xrpc("com.atproto.server.createSession"),
            json={"identifier": self.account.handle, "password": self.account.app_password},
        ).json()
        did, auth = session["did"], {"Authorization": f"Bearer {session['accessJwt']}"}
        earlier = self.existing(did, post.record_key, auth)
        if earlier is not None:  # an earlier try posted, and its answer was lost
            return Posted(remote_id=earlier["uri"], url=self.web_url(earlier["uri"]))
        record = {
            "$type": COLLECTION,
            "text": post.text,
            "createdAt": post.created_at.isoformat().replace("+00:00", "Z"),
            "facets": facets(post.text),
            "embed": {"$type": "app.bsky.embed.external", "external": self.card(post, auth)},
        }
        try:
            created = self.request(
                "POST",
                self.xrpc("com.atproto.repo.createRecord"),
                headers=auth,
                json={"repo": did, "collection": COLLECTION, "rkey": post.record_key, "record": record},
            ).json()
        except PermanentError:
            existing = self.existing(did, post.record_key, auth)
            if existing is None:
                raise
            created = existing
        return Posted(remote_id=created["uri"], url=self.web_url(created["uri"]))

    def card(self, post: Post, auth: dict) -> dict:
        card = {"uri": post.url, "title": post.title, "description": post.description}
        if post.image and len(post.image) <= MAX_THUMB_BYTES:
            try:
                uploaded = self.request(
                    "POST",
                    self.xrpc("com.atproto.repo.uploadBlob"),
                    headers={**auth, "Content-Type": post.image_type},
                    content=post.image,
                ).json()
                card["thumb"] = uploaded["blob"]
            except PermanentError:
                pass  # a card without a picture is better than no post
        return card

    def existing(self, did: str, rkey: str, auth: dict) -> dict | None:
        """The record already made under this key by an earlier try, if there is one."""
        try:
            return self.request(
                "GET",
                self.xrpc("com.atproto.repo.getRecord"),
                headers=auth,
                params={"repo": did, "collection": COLLECTION, "rkey": rkey},
            ).json()
        except ShareError:
            return None

    def web_url(self, uri: str) -> str:
        rkey = uri.rsplit("/", 1)[-1]
        return f"https://bsky.app/profile/{self.account.handle}/post/{rkey}"
