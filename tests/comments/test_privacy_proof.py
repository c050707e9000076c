"""The promise "Your email address will not be published", proved by crawling every public URL.

Seeds comments from many commenters with unique emails and IPs (some approved, some held, some pending,
some with an email typed into the text), then visits every page, feed, sitemap, search, API answer and
error page the site serves and looks for any email, IP, or MD5/SHA-1/SHA-256 of an email.
"""

import hashlib
import json
import re
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.views.defaults import server_error

from comments.models import PendingComment, ReaderComment
from tests.factories import ArticleFactory, AuthorFactory, TagFactory, UserFactory

from .helpers import make_comment

pytestmark = pytest.mark.django_db

SKIP_PREFIXES = ("/admin/", "/static/", "/media/", "/comments/react/", "/comments/unsubscribe/")
LINK_RE = re.compile(r"""(?:href|src|action)=["']([^"'#]+)""")
XML_LINK_RE = re.compile(r"<(?:loc|link|id)>\s*([^<\s]+)\s*</")
HOST = "http://testserver"


def no_arg_urls(resolver=None, prefix=""):
    """Every URL in the URL conf that needs no argument (admin excluded)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = str(entry.pattern)
        if pattern.startswith("^"):
            pattern = pattern[1:]
        pattern = pattern.rstrip("$").replace("\\Z", "")
        if isinstance(entry, URLResolver):
            if pattern.startswith("admin"):
                continue
            yield from no_arg_urls(entry, prefix + pattern)
        elif (
            isinstance(entry, URLPattern) and "<" not in pattern and "(" not in pattern and "*" not in pattern
        ):
            yield "/" + prefix + pattern


def digests(email):
    for variant in {email, email.lower(), email.strip().lower()}:
        for algorithm in ("md5", "sha1", "sha256"):
            yield hashlib.new(algorithm, variant.encode()).hexdigest()


def links_in(url, content_type, body):
    found = []
    if "json" in content_type:
        found += re.findall(r'"(https?://testserver/[^"]*|/[^"\s]*)"', body)
    elif "xml" in content_type:
        found += XML_LINK_RE.findall(body) + LINK_RE.findall(body)
    elif "html" in content_type:
        found += LINK_RE.findall(body)
    for link in found:
        absolute = urljoin(HOST + url, link.replace("&amp;", "&"))
        parts = urlsplit(absolute)
        if parts.netloc in ("testserver", "") and parts.scheme in ("http", "https", ""):
            yield parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def seeded(settings):
    settings.COMMENTS_PER_PAGE = 5
    secrets = []
    tag = TagFactory()
    author_user = UserFactory(username="byline-owner", email="author-login@example.org")
    articles = [
        ArticleFactory(published=True, tags=[tag], authors=[AuthorFactory(user=author_user)]),
        ArticleFactory(published=True, tags=[tag]),
        ArticleFactory(published=True),
    ]
    start = timezone.now() - timedelta(days=2)
    n = 0
    for article in articles:
        roots = []
        for i in range(12):
            n += 1
            email = f"Commenter.{n}+tag@Example-{n}.test"
            ip = f"10.{n // 250}.{n % 250}.{(n * 7) % 250 + 1}"
            secrets.append(email)
            secrets.append(ip)
            text = f"Comment {n}. Write to me at private{n}@mail-{n}.test or see https://example.org/{n}"
            secrets.append(f"private{n}@mail-{n}.test")
            parent = roots[i % len(roots)] if roots and i % 3 == 2 else None
            comment = make_comment(
                article, name=f"Commenter {n}", email=email, ip=ip, text=text, parent=parent,
                public=i % 4 != 3, followup=True, when=start + timedelta(minutes=n),
            )  # fmt: skip
            comment.user_url = f"https://site-{n}.example/"
            comment.save(update_fields=["user_url"])
            if parent is None and comment.is_public:
                roots.append(comment)
    # A commenter who typed an email into the name and website fields.
    n += 1
    sneaky = f"sneaky{n}@example.test"
    secrets.append(sneaky)
    make_comment(articles[0], name=sneaky, email=f"own{n}@example.test", ip="10.250.1.1", text="hi")
    secrets += [f"own{n}@example.test", "10.250.1.1"]
    # Pending (unconfirmed) comments and a logged-in reader whose username is an email.
    pending_email = "pending.person@example.test"
    PendingComment.objects.create(article=articles[1], user_name="Pending", user_email=pending_email,
                                  comment="pending", ip_address="10.251.1.1")  # fmt: skip
    secrets += [pending_email, "10.251.1.1"]
    email_username = UserFactory(username="login-name@example.test", email="login-name@example.test")
    make_comment(
        articles[2], name="Logged In", email=email_username.email, user=email_username, ip="10.252.1.1"
    )
    secrets += ["login-name@example.test", "10.252.1.1", "author-login@example.org"]
    return {"articles": articles, "tag": tag, "secrets": secrets}


def test_no_public_url_reveals_an_email_an_ip_or_an_email_hash(seeded, client):
    articles = seeded["articles"]
    emails = [s for s in seeded["secrets"] if "@" in s]
    needles = [s.lower() for s in seeded["secrets"]] + [d for e in emails for d in digests(e)]

    start = {"/", "/robots.txt", "/sitemap.xml", "/feed/", "/search/?q=Comment", "/search/?q=example",
             "/comments/my-data/", "/this-page-does-not-exist/", "/api/v1/", "/api/v1/articles/"}  # fmt: skip
    start |= set(no_arg_urls())
    for article in articles:
        url = article.get_absolute_url()
        start |= {url, f"{url}?comments_page=2", f"{url}?comments_page=3", article.section.get_absolute_url()}
        start |= {f"/api/v1/articles/{article.pk}/comments/", f"/api/v1/articles/{article.pk}/"}
        for byline in article.bylines.all():
            start.add(byline.author.get_absolute_url())
    start.add(seeded["tag"].get_absolute_url())
    from comments.models import ReaderComment

    for comment in ReaderComment.objects.all():
        start |= {f"/comments/reply/{comment.pk}/", f"/comments/report/{comment.pk}/"}
        start.add(comment.get_absolute_url().split("#")[0])

    queue, seen, leaks, statuses = sorted(start), set(), [], {}
    while queue and len(seen) < 800:
        url = queue.pop(0)
        if url in seen or url.startswith(SKIP_PREFIXES):
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        statuses[url] = response.status_code
        content_type = response.get("Content-Type", "")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        haystack = (text + json.dumps(dict(response.items()))).lower()
        leaks += [(url, needle) for needle in needles if needle in haystack]
        queue += [link for link in links_in(url, content_type, text) if link not in seen]
    # The 500 page too.
    leaks += [
        ("500", n) for n in needles if n in server_error(RequestFactory().get("/")).content.decode().lower()
    ]

    assert not leaks, leaks[:20]
    assert len(seen) > 60, sorted(seen)
    ok_pages = [u for u, s in statuses.items() if s == 200]
    assert any("comments_page=2" in u for u in ok_pages)
    assert statuses["/this-page-does-not-exist/"] == 404
    # The crawl did see the comments (a vacuous pass would prove nothing).
    article_page = client.get(articles[0].get_absolute_url()).content.decode()
    assert "Commenter 1" in article_page and "[email hidden]" in article_page


@pytest.mark.parametrize(
    "at", ["%40", "%2540", "&#64;", "&#064;", "&#x40;", "&#X40;", "&amp;#64;", "\uff20", "\ufe6b"]
)
def test_an_address_typed_with_its_at_sign_encoded_is_masked_and_never_made_a_link(at):
    """Django's urlize took `sam%40example.net` for a web address and wrote `href="http://sam@example.net"`;
    a full-width at sign read as one. Masked like a plain address, in the text, the name and an erasure."""
    from comments.rendering import mask_emails, public_name, public_text

    typed = f"Write to tomas.brede{at}example.net today"

    assert mask_emails(typed) == "Write to [email hidden] today"
    html = public_text(typed)
    assert "tomas" not in html and "example.net" not in html and "href" not in html, html
    assert public_name(f"tomas.brede{at}example.net") == "[email hidden]"


@pytest.mark.parametrize(
    "hidden",
    ["\u034f", "\u061c", "\u17b4", "\u180b", "\u206a", "\ufe0f", "\U000e0041", "\U000e0100", "\U0001d173"],
)
def test_an_address_with_any_character_that_does_not_show_inside_it_is_masked(hidden):
    """The combining grapheme joiner, a variation selector, a tag character... show nothing: `tomas{hidden}@`
    reads as `tomas@` to everyone, and the address was published whole."""
    from comments.rendering import mask_emails, public_name, public_text

    for typed in (f"tomas.brede{hidden}@example.net", f"tomas.brede@exam{hidden}ple.net"):
        assert mask_emails(f"Write to {typed} today") == "Write to [email hidden] today", repr(typed)
        assert "example" not in public_text(typed) and public_name(typed) == "[email hidden]"


@pytest.mark.parametrize("dot", ["\u3002", "\uff0e", "\uff61", "\ufe52"])
def test_an_address_typed_with_a_full_width_or_ideographic_dot_is_masked(dot):
    """`tomas.brede@example\u3002net` is the address `tomas.brede@example.net` to a mail program (IDNA takes
    these for the dot), and one typed in full-width letters reads as one: both were shown whole."""
    from comments.rendering import mask_emails, public_name, public_text

    for typed in (f"tomas.brede@example{dot}net", f"tomas{dot}brede\uff20example{dot}net"):
        assert mask_emails(f"Write to {typed} today") == "Write to [email hidden] today", repr(typed)
        assert "example" not in public_text(typed) and public_name(typed) == "[email hidden]"
    prose = f"See you at the pier{dot} Bring a coat{dot}"
    assert mask_emails(prose) == prose


@pytest.mark.parametrize("dot", ["%2E", "%2e", "%252E", "&#46;", "&#x2E;", "&amp;#46;"])
def test_an_address_typed_with_its_dot_encoded_is_masked_and_never_decoded_into_a_link(dot):
    """Django's urlize decodes `%2E` in a link it makes: `www.example.org/?e=tomas%40example%2Enet` went to
    the page as `href="http://www.example.org/?e=tomas%40example.net"`, an address, and the text showed it
    with its dot encoded."""
    from comments.rendering import mask_emails, public_name, public_text

    assert mask_emails(f"Write to tomas.brede@example{dot}net today") == "Write to [email hidden] today"
    assert public_name(f"tomas.brede%40example{dot}net") == "[email hidden]"
    html = public_text(f"See www.example.org/?e=tomas.brede%40example{dot}net")
    assert "tomas" not in html and "example.net" not in html, html


def test_an_address_with_a_quoted_local_part_is_masked():
    """`"tomas brede"@example.net` is an address (Django's validator takes it for a commenter's own) and was
    published whole; a quotation around an address keeps its quotation marks."""
    from comments.rendering import mask_emails, public_name, public_text

    for typed in ('"tomas brede"@example.net', '"tomas.brede"@example.net', '"tomas@home"@example.net'):
        assert mask_emails(f"Write to {typed} today") == "Write to [email hidden] today", typed
        assert "tomas" not in public_text(typed) and public_name(typed) == "[email hidden]"
    assert mask_emails('He said "yes" and "tomas"@example.net') == 'He said "yes" and [email hidden]'
    assert mask_emails('Write to "tomas@example.net" today') == 'Write to "[email hidden]" today'


def test_public_text_masks_typed_emails_and_escapes_html():
    from comments.rendering import mask_emails, public_name, public_text, public_url

    html = public_text("Mail me: a.b+c@x-y.example <script>alert(1)</script> https://ok.example/?a=1&b=2")
    assert "@" not in html and "[email hidden]" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="https://ok.example/?a=1&amp;b=2" rel="nofollow ugc"' in html
    assert public_name("x@y.example") == "[email hidden]"
    assert public_name("o'brien@y.example") == "[email hidden]"
    # What surrounds an address stays: a quote in prose, a mail server's error quoting the recipient.
    assert public_name("'x@y.example'") == "'[email hidden]'"
    assert mask_emails("{'x@y.example': (550, b'no')}") == "{'[email hidden]': (550, b'no')}"
    # Characters that do not show, put inside an address to slip it past: masked all the same.
    for hidden in ("sam\u200d@example.org", "sam@\u200cexample.org", "sam\u2063@example\u2062.org"):
        assert mask_emails(f"Write to {hidden} now") == "Write to [email hidden] now", repr(hidden)
        assert "@" not in public_text(hidden) and public_name(hidden) == "[email hidden]"
    assert mask_emails("a family 👨\u200d👩\u200d👧 at the pier") == "a family 👨\u200d👩\u200d👧 at the pier"
    assert public_url("https://x.example/?who=me@y.example") == ""
    assert public_url("javascript:alert(1)") == ""
    for encoded in (
        "sam%40example.org",
        "sam&#64;example.org",
        "sam%2540example.org",
        "sam&amp;#64;example.org",
    ):
        assert public_url(f"https://x.example/?contact={encoded}") == "", encoded
    assert public_url("https://x.example/a%20page?q=1") == "https://x.example/a%20page?q=1"


def test_avatars_come_from_the_name_shown_never_the_email(article, client, django_assert_max_num_queries):
    """Two readers who sign "Sam Reader" from different addresses look alike: a colour worked out from the
    email would tell readers they are different people, and the page never loads an email at all."""
    make_comment(article, name="Sam Reader", email="sam.one@example.test", text="First")
    make_comment(article, name="Sam Reader", email="sam.two@example.test", text="Second")
    make_comment(article, name="Ada Lovelace", email="sam.one@example.test", text="Third")
    with django_assert_max_num_queries(20) as queries:
        page = client.get(article.get_absolute_url()).content.decode()

    avatars = re.findall(r'comment-avatar comment-avatar--(\d+)" aria-hidden="true">([A-Z?]+)<', page)
    assert len(avatars) == 3 and "gravatar" not in page.lower()
    sams = {colour for colour, letters in avatars if letters == "SR"}
    assert len(sams) == 1  # one colour for the name, whatever the addresses
    assert not any("user_email" in query["sql"] for query in queries.captured_queries)
    from comments.rendering import avatar_colour

    colours = {avatar_colour(f"Reader {i}") for i in range(40)}
    assert len(colours) > 6  # spread over the palette


def test_xss_payloads_in_every_field_are_inert_on_the_page(article, client):
    payload = '"><script>alert(1)</script><img src=x onerror=alert(1)>'
    make_comment(article, name=payload[:50], text=payload)
    comment = ReaderComment.objects.get()
    comment.user_url = 'https://x.example/"><script>alert(2)</script>'
    comment.save(update_fields=["user_url"])
    page = client.get(article.get_absolute_url()).content.decode()
    section = page[page.index('id="comments"') :]
    assert "<script>alert" not in section and "<img src=x" not in section
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section


def test_xtd_api_settings_never_hash_or_print_an_email(article):
    from django.utils.module_loading import import_string
    from django_comments_xtd.conf import settings as xtd_settings

    user = UserFactory(username="me@example.test", email="me@example.test")
    comment = make_comment(article, user=user, email=user.email)
    assert import_string(xtd_settings.COMMENTS_XTD_API_GET_USER_AVATAR)(comment) == ""
    assert xtd_settings.COMMENTS_XTD_API_USER_REPR(user) == "Reader"
