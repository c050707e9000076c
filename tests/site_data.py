"""A small newsroom for the reader-site tests: sections, tags, authors, images and published stories."""

import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw

from articles.models import Correction, RelatedArticle
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory, TagFactory

SECTIONS = [("World", "world"), ("Politics", "politics"), ("Business", "business"), ("Science", "science")]
TAGS = ["Climate", "Elections", "Energy", "Ports", "Health", "Technology", "Transport", "Housing"]
AUTHORS = [
    ("Amira Haddad", "Political correspondent"),
    ("Tom Becker", "Business editor"),
    ("Lena Ortiz", "Science reporter"),
    ("Sam Okafor", "City reporter"),
]
STORIES = [
    (
        "Harbour cranes fall silent as dock workers strike",
        "A walkout over pay stops cargo at the city's port.",
    ),
    ("Council approves the new ferry piers", "Two piers and a cycle path, to be built over three years."),
    ("Wind farm off the coast doubles its output", "Turbines installed this summer now power 80,000 homes."),
    ("Parliament debates the housing bill", "The bill would let councils buy land at agricultural prices."),
    (
        "Hospital waiting lists shrink for a third month",
        "Evening clinics have cleared thousands of appointments.",
    ),
    ("Rail operator orders battery trains", "The new trains will run on lines without overhead wires."),
    ("Election officials count the postal votes", "A record share of voters chose to vote by post."),
    ("Tech start-up opens offices by the river", "The company makes software for shipping logistics."),
]
BODY = (
    "<p>{dek} Officials said the decision followed months of consultation with residents and businesses.</p>"
    "<p>“We listened to what people told us,” said a spokesperson. The first phase begins next spring, "
    "and the budget has been approved by the finance committee.</p>"
    "<h2>What happens next</h2><p>Work on the site starts after the winter storms. Residents can follow the "
    "progress online, and a public meeting will be held in the town hall.</p>"
)


def harbour_picture(variant=0, width=1600, height=900) -> SimpleUploadedFile:
    """A drawn harbour scene (sky, sea, cranes), so screenshots look like a news site, not blue boxes."""
    skies = [((247, 160, 92), (74, 86, 140)), ((140, 190, 230), (230, 240, 250))]
    top, bottom = skies[variant % len(skies)]
    picture = PILImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(picture)
    horizon = int(height * 0.62)
    for y in range(horizon):
        t = y / horizon
        draw.line(
            [(0, y), (width, y)], fill=tuple(int(bottom[c] + (top[c] - bottom[c]) * t) for c in range(3))
        )
    draw.rectangle([0, horizon, width, height], fill=(32, 58, 92))
    for x in range(0, width, 40):
        draw.line(
            [(x, horizon + 20 + (x % 120)), (x + 24, horizon + 20 + (x % 120))], fill=(70, 100, 140), width=3
        )
    for k, x in enumerate(range(int(width * 0.15), int(width * 0.9), int(width * 0.25))):
        h = int(height * (0.35 + 0.08 * (k % 2)))
        draw.rectangle([x, horizon - h, x + 18, horizon], fill=(30, 30, 36))
        draw.rectangle([x - 120, horizon - h, x + 220, horizon - h + 16], fill=(30, 30, 36))
        draw.line([(x + 9, horizon - h), (x + 200, horizon - h + 120)], fill=(30, 30, 36), width=4)
    draw.ellipse([width * 0.7, height * 0.18, width * 0.7 + 120, height * 0.18 + 120], fill=(255, 236, 180))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(f"harbour-{variant}.jpg", buffer.getvalue(), content_type="image/jpeg")


def portrait_picture(width=480, height=480) -> SimpleUploadedFile:
    """A drawn head-and-shoulders portrait for the first author's page."""
    picture = PILImage.new("RGB", (width, height), (214, 222, 230))
    draw = ImageDraw.Draw(picture)
    draw.ellipse([width * 0.18, height * 0.62, width * 0.82, height * 1.3], fill=(52, 73, 94))
    draw.ellipse([width * 0.32, height * 0.2, width * 0.68, height * 0.62], fill=(198, 150, 120))
    draw.pieslice([width * 0.3, height * 0.14, width * 0.7, height * 0.5], 180, 360, fill=(60, 40, 30))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile("portrait.jpg", buffer.getvalue(), content_type="image/jpeg")


def build_newsroom(
    n_articles=8, *, tags_per_article=3, authors_per_article=2, related_per_article=2, images=True
):
    """Published articles spread over the sections, with tags, bylines, related links and a correction.

    Also one draft, one in review, one scheduled and one unpublished article, which no reader may see.
    """
    sections = [SectionFactory(name=name, slug=slug, position=i) for i, (name, slug) in enumerate(SECTIONS)]
    sections[0].description = "Reporting from around the world."
    sections[0].save()
    tags = [TagFactory(name=name, slug=name.lower()) for name in TAGS]
    authors = [
        AuthorFactory(
            display_name=name,
            slug=name.lower().replace(" ", "-"),
            job_title=title,
            x_handle="newsroom_" + name.split()[0].lower(),
            contact_email=f"{name.split()[0].lower()}@private.example",
        )
        for name, title in AUTHORS
    ]
    pictures = (
        [
            ImageFactory(
                file=harbour_picture(i),
                caption=caption,
                credit="Staff photographer",
                alt_text="Three cranes against an orange sky",
            )
            for i, caption in enumerate(
                ["Cranes at the container terminal at dawn.", "The ferry leaving the old pier."]
            )
        ]
        if images
        else []
    )
    if images:
        authors[0].bio = (
            "Amira Haddad covers parliament and the city council. Before joining the paper she reported "
            "from the port for ten years."
        )
        authors[0].photo = portrait_picture()
        authors[0].mastodon_handle = "@amira@mastodon.example"
        authors[0].save()
    data = {"sections": sections, "tags": tags, "authors": authors, "pictures": pictures, "articles": []}
    add_articles(
        data,
        n_articles,
        tags_per_article=tags_per_article,
        authors_per_article=authors_per_article,
        related_per_article=related_per_article,
    )
    articles = data["articles"]
    if articles:
        Correction.objects.create(
            article=articles[0], note="An earlier version misspelled the harbour master's name."
        )
    hidden_section = sections[0]
    hidden = [
        ArticleFactory(
            headline="Secret draft about the harbour",
            slug="secret-draft",
            section=hidden_section,
            authors=[authors[0]],
        ),
        ArticleFactory(
            in_review=True,
            headline="Harbour story waiting for review",
            slug="in-review",
            section=hidden_section,
        ),
        ArticleFactory(
            scheduled=True,
            headline="Harbour story for tomorrow",
            slug="scheduled-story",
            section=hidden_section,
        ),
        ArticleFactory(
            unpublished=True,
            headline="Withdrawn harbour story",
            slug="withdrawn-story",
            section=hidden_section,
        ),
    ]
    for draft in hidden:
        draft.tags.add(*tags[:3])
    if articles:
        for draft in hidden:
            RelatedArticle.objects.create(article=articles[0], related=draft, position=0)
    data["hidden"] = hidden
    return data


def add_articles(data, count, *, tags_per_article=3, authors_per_article=2, related_per_article=2):
    """`count` more published articles, older than the ones already in `data`, linked among themselves."""
    sections, tags, authors, pictures = data["sections"], data["tags"], data["authors"], data["pictures"]
    start = len(data["articles"])
    now = timezone.now()
    added = []
    for i in range(start, start + count):
        headline, dek = STORIES[i % len(STORIES)]
        if i >= len(STORIES):
            headline = f"{headline} ({i // len(STORIES) + 1})"
        added.append(
            ArticleFactory(
                published=True,
                headline=headline,
                dek=dek,
                body=BODY.format(dek=dek),
                slug=f"story-{i}",
                section=sections[i % len(sections)],
                published_at=now - timedelta(hours=3 * i + 1),
                lead_image=pictures[i % len(pictures)] if pictures else None,
                is_featured=i < 3,
                is_breaking=i == 0,
                source_credit="With reporting by Reuters." if i % 3 == 0 else "",
                authors=[
                    authors[(i + k) % len(authors)] for k in range(min(authors_per_article, len(authors)))
                ],
                tags=[tags[(i + k) % len(tags)] for k in range(min(tags_per_article, len(tags)))],
            )
        )
    data["articles"].extend(added)
    everything = data["articles"]
    for i, article in enumerate(added, start=start):
        for k in range(1, related_per_article + 1):
            other = everything[(i + k * 2) % len(everything)]
            if other.pk != article.pk:
                RelatedArticle.objects.get_or_create(article=article, related=other, defaults={"position": k})
    return added


@pytest.fixture
def fresh_cache():
    """The Browse By navigation is cached; each test starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def newsroom(db, fresh_cache):
    return build_newsroom(8)


@pytest.fixture
def plain_newsroom(db, fresh_cache):
    """The same newsroom without images, for tests that do not look at them (image renditions are slow)."""
    return build_newsroom(8, images=False)


def page(response) -> BeautifulSoup:
    """A rendered page, parsed, after checking it is one."""
    assert response["Content-Type"].startswith("text/html"), response["Content-Type"]
    return BeautifulSoup(response.content.decode(), "html.parser")


def text_of(response) -> str:
    return " ".join(page(response).get_text(" ").split())
