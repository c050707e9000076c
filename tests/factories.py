"""Rows for tests. Images are made with Pillow in memory, never fetched."""

import io
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article, Byline, Image, Section, Tag
from authors.models import Author


def image_bytes(width=1600, height=900, color=(30, 90, 160), image_format="JPEG") -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, image_format)
    return buffer.getvalue()


def uploaded_image(name="photo.jpg", **kwargs) -> SimpleUploadedFile:
    content_type = "image/png" if name.endswith(".png") else "image/jpeg"
    image_format = "PNG" if name.endswith(".png") else "JPEG"
    return SimpleUploadedFile(
        name, image_bytes(image_format=image_format, **kwargs), content_type=content_type
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")
    position = factory.Sequence(int)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    display_name = factory.Sequence(lambda n: f"Author Number{n}")
    slug = factory.Sequence(lambda n: f"author-{n}")
    job_title = "Reporter"
    bio = "Covers the city for the paper."


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image

    title = factory.Sequence(lambda n: f"Photo {n}")
    caption = "Harbour cranes at dawn."
    credit = "Staff photographer"
    alt_text = "Three cranes against an orange sky"
    file = factory.LazyFunction(uploaded_image)


class ArticleFactory(factory.django.DjangoModelFactory):
    """A draft by default; use the `published`, `scheduled` etc. traits for other states."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Council approves new harbour plan, part {n}")
    slug = factory.Sequence(lambda n: f"council-approves-harbour-plan-{n}")
    dek = "The plan adds two ferry piers and a cycle path."
    body = "<p>The council voted seven to two in favour.</p>"
    section = factory.SubFactory(SectionFactory)

    class Params:
        published = factory.Trait(
            status=Article.Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1)),
            first_published_at=factory.SelfAttribute("published_at"),
        )
        scheduled = factory.Trait(
            status=Article.Status.SCHEDULED,
            publish_at=factory.LazyFunction(lambda: timezone.now() + timedelta(hours=2)),
        )
        in_review = factory.Trait(status=Article.Status.IN_REVIEW)
        unpublished = factory.Trait(
            status=Article.Status.UNPUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
        )

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        """`authors=[...]` sets the bylines in order; by default one new author."""
        if not create:
            return
        for position, author in enumerate(extracted if extracted is not None else [AuthorFactory()]):
            Byline.objects.create(article=self, author=author, position=position)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)
