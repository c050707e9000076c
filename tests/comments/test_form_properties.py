"""Property tests (hypothesis) for the comment form: whatever a reader (or a script) sends in any field, the
answer is never a 5xx; a refused post stores nothing; an accepted one stores what was sent (trimmed, as the
form says, with an email address typed in the name masked), and the page shows it as text, never as HTML.

Posts go through the real view with Django's test client (CSRF is not checked here; tests/comments/
test_posting.py posts with it enforced).
"""

from itertools import count
from urllib.parse import urlsplit, urlunsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.provisional import urls as valid_urls

from comments import rendering, tokens
from comments.forms import ReaderCommentForm
from comments.models import PendingComment, ReaderComment
from comments.moderation import visible_text
from tests.factories import ArticleFactory

from .conftest import confirm

pytestmark = pytest.mark.django_db


def kept(text: str) -> str:
    """What the form keeps of a field: without invisible characters (comments.moderation), trimmed."""
    return visible_text(text).strip()


def kept_text(text: str) -> str:
    """What is stored of a comment's text: kept, each line break a browser sends as CR LF kept as one
    (comments.forms.CommentTextField)."""
    return kept(text).replace("\r\n", "\n")


def kept_name(text: str) -> str:
    """What is stored of a name: kept, with any email address in it masked (comments.rendering)."""
    return rendering.masked_name(kept(text))


PROPERTIES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Pieces of what people and scripts send; hypothesis splices them with arbitrary text (control characters,
# NUL, right-to-left marks, emoji and the rest of Unicode included).
HOSTILE = [
    "<script>alert(1)</script>", "<b>", "</p>", "<img src=x onerror=alert(1)>", "&amp;", "&lt;", "&#0;", '"',
    "'", "`", "\x00", "\x01", "\x08", "\x1b[31m", "\x7f", "\x85", "\u2028", "\u202e", "\u200f", "\ufeff",
    "\ufffd", "\U0001f469\u200d\U0001f4bb", "e\u0301", "שלום", "مرحبا", "\r\n", "\n\n", "\t", " ",
    "https://example.org/<x>", "www.example.org", "javascript:alert(1)", "a@b.example", "{{ x }}", "{% x %}",
    "%s", "\\", "x" * 3001, "é" * 60,
]  # fmt: skip
wild = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20)), max_size=12).map("".join)
huge = st.sampled_from(["x" * 100_000, "\x00" * 1000, "<" * 20_000, "é " * 30_000])
# Any character but NUL: text a form may accept, so that many examples get through to be stored and shown.
# Any that UTF-8 can carry: a lone surrogate cannot be sent by a browser, nor encoded by the test client.
no_nul = st.characters(exclude_characters="\x00", codec="utf-8")
mild = st.lists(
    st.one_of(st.sampled_from([piece for piece in HOSTILE if "\x00" not in piece and len(piece) < 50]),
              st.text(alphabet=no_nul, max_size=10)),
    min_size=1, max_size=6,
).map("".join)  # fmt: skip


def mostly(plausible, *others):
    """Plausible six times out of (six + the number of others)."""
    return st.one_of(*[plausible] * 6, *others)


names = mostly(st.one_of(mild, st.text(alphabet=no_nul, min_size=1, max_size=50)), wild, huge)
emails = mostly(
    st.emails(), wild, huge,
    st.sampled_from(["ädå@exämple.org", " a@b.example ", "a@b.example\x00", "a@b", "a@b.example\n"]),
)  # fmt: skip
urls = mostly(
    st.one_of(st.just(""), valid_urls()), wild, huge,
    st.sampled_from(["javascript:alert(1)", "http://", "https://exa mple.org", "http://[::1", "ftp://x.example",
                     "https://example.org/" + "x" * 300, "HTTPS://EXAMPLE.ORG/?#", " https://example.org "]),
)  # fmt: skip
comments = mostly(st.one_of(mild, st.text(alphabet=no_nul, min_size=1, max_size=300)), wild, huge)
addresses = (f"198.51.100.{n % 250 + 1}" for n in count())


@pytest.fixture(autouse=True)
def _no_flood_rule(settings):
    """Every example posts afresh; the flood rule has its own tests."""
    settings.COMMENTS_FLOOD_SECONDS = 0


def security_fields(article) -> dict:
    """The hidden fields the page's form carries: target, timestamp, hash, and "not a reply"."""
    return {**ReaderCommentForm(article).generate_security_data(), "reply_to": "0"}


def kept_urls(url: str) -> tuple:
    """What Django's URLField may keep of a valid address: as sent (trimmed), the same reassembled, or, for
    one without a scheme ("www.example.org"), the same with https:// in front (the form's assume_scheme)."""
    url = url.strip()
    return ("", url, urlunsplit(urlsplit(url)), urlunsplit(urlsplit(f"https://{url}")))


def squeezed(text: str) -> str:
    return "".join(text.split())


@PROPERTIES
@given(name=names, email=emails, url=urls, comment=comments, followup=st.booleans())
@example(name="Ada", email="ada@example.net", url=" www.example.org ", comment="Hi", followup=False)
def test_the_form_judges_any_input_and_only_trims_what_it_accepts(
    article, name, email, url, comment, followup
):
    data = {**security_fields(article), "name": name, "email": email, "url": url, "comment": comment}
    if followup:
        data["followup"] = "on"
    form = ReaderCommentForm(article, data=data)
    valid = form.is_valid()
    event("valid" if valid else "invalid")
    if valid:
        cleaned = form.cleaned_data
        assert (cleaned["name"], cleaned["email"], cleaned["comment"]) == (
            kept(name), email.strip(), kept_text(comment)
        )  # fmt: skip
        assert cleaned["url"] in kept_urls(url)
        assert 0 < len(cleaned["name"]) <= 50 and 0 < len(cleaned["comment"]) <= 3000
        assert "\x00" not in "".join(str(value) for value in cleaned.values())
    else:
        assert form.errors


@PROPERTIES
@given(name=names, email=emails, url=urls, comment=comments, followup=st.booleans(), signed_in=st.booleans())
@example(name="a@b.example", email="ada@example.net", url="", comment="Hi", followup=False, signed_in=False)
@example(name="x" * 45 + " a@b.example", email="ada@example.net", url="", comment="Hi", followup=True,
         signed_in=False)  # fmt: skip
def test_a_post_is_stored_as_sent_or_not_at_all_and_shown_only_as_text(
    client, reader, name, email, url, comment, followup, signed_in
):
    if signed_in:
        client.force_login(reader)
    else:
        client.logout()
    article = ArticleFactory(published=True)
    data = {**security_fields(article), "name": name, "email": email, "url": url, "comment": comment}
    if followup:
        data["followup"] = "on"
    before = (ReaderComment.objects.count(), PendingComment.objects.count())
    response = client.post("/comments/post/", data, REMOTE_ADDR=next(addresses))
    assert response.status_code < 500
    event(f"answered {response.status_code}")
    if response.status_code != 303:
        assert response.status_code in (400, 409)
        assert (ReaderComment.objects.count(), PendingComment.objects.count()) == before
        return

    if signed_in:  # published at once, under the account's name and address whatever the form said
        assert PendingComment.objects.count() == before[1]
        shown = ReaderComment.objects.get(object_pk=str(article.pk))
        stored = (shown.user_name, shown.user_email, shown.comment, shown.followup)
        assert stored == (reader.get_username(), reader.email, kept_text(comment), followup)
    else:  # a pending comment until the mailed link is followed
        assert ReaderComment.objects.count() == before[0]
        pending = PendingComment.objects.get(article=article)
        stored = (pending.user_name, pending.user_email, pending.comment, pending.followup)
        assert stored == (kept_name(name), email.strip(), kept_text(comment), followup)
        token = tokens.make(str(pending.key), tokens.CONFIRM_SALT)
        confirmed = confirm(client, f"/comments/confirm/{token}/")
        assert confirmed.status_code == 200
        shown = ReaderComment.objects.get(pk=PendingComment.objects.get(pk=pending.pk).confirmed_comment_id)
        assert (shown.user_name, shown.user_url, shown.comment) == (
            kept_name(name),
            pending.user_url,
            kept_text(comment),
        )
    assert shown.user_url in kept_urls(url) and bool(shown.user_url) == bool(url.strip())

    # On the article page it is text: the reader's characters, and no markup of theirs.
    event("published" if shown.is_public else "held")
    if not shown.is_public:
        return  # held for a moderator (links, moderation words): not on the page yet
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    item = BeautifulSoup(page.content.decode(), "html.parser").find(id=f"c{shown.pk}")
    body = item.find(class_="comment-text")
    assert {tag.name for tag in body.find_all(True)} <= {"p", "br", "a"}
    for link in body.find_all("a"):
        assert urlsplit(link["href"]).scheme in ("http", "https", "mailto") and "nofollow" in link["rel"]
    if not body.find("a"):  # (links are shortened for display)
        assert squeezed(body.get_text()) == squeezed(rendering.mask_emails(kept_text(comment)))
    author = item.find(class_="comment-author")
    assert squeezed(author.get_text()) == squeezed(rendering.public_name(shown.user_name))
    assert [tag.name for tag in author.find_all(True)] in ([], ["a"])
    if author.find("a"):
        assert author.a["href"] == rendering.public_url(shown.user_url) != ""


hidden_values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "0", "-1", "99999999999999999999", "1e5", "\x00", "articles.article", "auth.user",
                     "sites.site", "django_comments_xtd.xtdcomment", " 1", "١٢", "None", "[]"]),
)  # fmt: skip


@PROPERTIES
@given(
    fields=st.dictionaries(
        st.sampled_from(["content_type", "object_pk", "timestamp", "security_hash", "reply_to", "honeypot",
                         "followup"]),
        hidden_values,
    ),
    keep_valid=st.booleans(),
)  # fmt: skip
def test_tampered_hidden_fields_never_give_a_server_error(client, article, fields, keep_valid):
    data = {"name": "Ada", "email": "ada@example.net", "comment": "A fair point."}
    if keep_valid:
        data.update(security_fields(article))
    data.update(fields)
    before = (ReaderComment.objects.count(), PendingComment.objects.count())
    response = client.post("/comments/post/", data, REMOTE_ADDR=next(addresses))
    assert response.status_code < 500
    if response.status_code != 303:
        assert (ReaderComment.objects.count(), PendingComment.objects.count()) == before
