"""Uploading a lead image through the real admin form: bad files get a clear error and save nothing."""

import io
import re
import zlib

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from articles.models import Image
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, image_bytes, uploaded_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _renditions_drawn_where_looked_at():
    """These tests look at the rendition files: drawn when an image is saved, as in production."""


@pytest.fixture(autouse=True)
def _fresh_cache():
    """imagekit remembers in the cache which renditions exist; each test has its own media folder."""
    cache.clear()


ADD_URL = reverse("admin:articles_image_add")


def post_image(client, upload):
    return client.post(
        ADD_URL,
        {
            "file": upload,
            "title": "Harbour at dawn",
            "caption": "Cranes over the North Basin.",
            "credit": "Staff photographer",
            "alt_text": "Three cranes against an orange sky",
        },
    )


def form_errors(response) -> list[str]:
    assert response.status_code == 200, "the form should come back with an error, not redirect"
    return response.context["adminform"].form.errors.get("file", [])


def test_a_good_upload_is_saved_with_its_size_and_renditions_on_disk(client_as, editor):
    response = post_image(client_as(editor), uploaded_image("dawn.jpg", width=1600, height=900))

    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.title, image.width, image.height) == ("Harbour at dawn", 1600, 900)
    assert image.uploaded_by == editor
    assert default_storage.exists(image.file.name)
    # Renditions are made when the image is saved, not when a page first asks for them.
    for spec, width in [("rendition_480", 480), ("rendition_800", 800), ("rendition_1200", 1200)]:
        rendition = getattr(image, spec)
        assert default_storage.exists(rendition.name), spec
        with default_storage.open(rendition.name) as handle, PILImage.open(handle) as picture:
            assert picture.width == width
    assert default_storage.exists(image.social_card.name)
    assert [w for _url, w in image.renditions()] == [480, 800, 1200]


def test_an_upload_is_stored_under_a_name_nobody_can_guess(client_as, editor):
    """A draft's lead image must not be found at /media/ by guessing from the story's subject."""
    client = client_as(editor)
    for _ in range(2):
        post_image(client, uploaded_image("Minister-Resigns.JPG", width=800, height=600))
    names = list(Image.objects.values_list("file", flat=True))
    assert len(set(names)) == 2
    for name in names:
        assert "minister" not in name.lower() and "resigns" not in name.lower()
        assert re.fullmatch(r"images/\d{4}/\d{2}/[\w-]{16}\.jpg", name), name
        assert default_storage.exists(name)
    for rendition in (Image.objects.first().rendition_800.url, Image.objects.first().social_card.url):
        assert "minister" not in rendition.lower()


def test_a_text_file_pretending_to_be_a_jpeg_is_refused(client_as, editor):
    fake = SimpleUploadedFile("notes.jpg", b"These are my notes, not a photo.", content_type="image/jpeg")

    errors = form_errors(post_image(client_as(editor), fake))

    assert errors == ["This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF."]
    assert not Image.objects.exists()


def truncated_jpeg() -> bytes:
    buffer = io.BytesIO()
    PILImage.effect_noise((400, 400), 50).convert("RGB").save(buffer, "JPEG", quality=95)
    return buffer.getvalue()[: buffer.tell() // 3]


def png_with_garbage_pixels() -> bytes:
    """Every chunk well formed, checksums right: only the compressed pixel data is noise."""
    png = image_bytes(300, 300, image_format="PNG")
    start = png.index(b"IDAT") - 4
    length = int.from_bytes(png[start : start + 4], "big")
    garbage = bytes((i * 37 + 11) % 256 for i in range(length))
    chunk = b"IDAT" + garbage
    crc = zlib.crc32(chunk).to_bytes(4, "big")
    return png[:start] + length.to_bytes(4, "big") + chunk + crc + png[start + 12 + length :]


@pytest.mark.parametrize(
    ("name", "content"), [("cut.jpg", truncated_jpeg), ("noise.png", png_with_garbage_pixels)]
)
def test_a_damaged_image_is_refused_before_anything_is_stored(client_as, editor, name, content):
    data = content()
    with PILImage.open(io.BytesIO(data)) as image:
        image.verify()  # the damage is past what Pillow's verify() reads
    upload = SimpleUploadedFile(
        name, data, content_type="image/png" if name.endswith("png") else "image/jpeg"
    )

    errors = form_errors(post_image(client_as(editor), upload))

    assert errors == [
        "This image is damaged or incomplete: it could not be read to the end. Export it again and upload "
        "the new file."
    ]
    assert not Image.objects.exists()
    assert not default_storage.exists("images")


def test_an_oversized_file_is_refused_naming_the_limit(client_as, editor, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 20 * 1024
    noisy = PILImage.effect_noise((800, 800), 100).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, "JPEG", quality=95)
    assert buffer.tell() > 20 * 1024
    upload = SimpleUploadedFile("big.jpg", buffer.getvalue(), content_type="image/jpeg")

    errors = form_errors(post_image(client_as(editor), upload))

    assert errors == [errors[0]] and "the largest accepted is 20.0\xa0KB" in errors[0]
    assert not Image.objects.exists()


def test_an_image_with_too_many_pixels_is_refused(client_as, editor, settings):
    settings.IMAGE_MAX_PIXELS_SIDE = 1000
    upload = uploaded_image("wide.png", width=1200, height=400)

    response = post_image(client_as(editor), upload)

    assert form_errors(response) == ["This image is 1200×400 pixels; neither side may exceed 1000."]
    assert not Image.objects.exists()
    page = response.content.decode()  # no picture or size of an upload that was never stored
    assert "/media/renditions/" not in page and "1200×400</div>" not in page


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that says it is width×height: all Pillow reads before it refuses a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def test_an_image_too_big_for_pillow_to_open_is_called_too_big_in_the_admin_and_the_api(client_as, editor):
    from rest_framework.test import APIClient

    bomb = png_header_only(20_000, 20_000)
    too_many = ["This image has too many pixels to open; neither side may exceed 8000."]

    errors = form_errors(post_image(client_as(editor), SimpleUploadedFile("huge.png", bomb, "image/png")))
    api = APIClient()
    api.force_authenticate(editor)
    response = api.post(
        "/api/v1/images/",
        {"file": SimpleUploadedFile("huge.png", bomb, "image/png"), "title": "Huge", "alt_text": "Huge"},
        format="multipart",
    )

    assert errors == too_many
    assert response.status_code == 400 and response.json()["errors"]["file"] == too_many
    assert not Image.objects.exists()


def test_a_tiny_image_is_refused(client_as, editor):
    upload = SimpleUploadedFile("icon.png", image_bytes(64, 64, image_format="PNG"), content_type="image/png")

    errors = form_errors(post_image(client_as(editor), upload))

    assert errors == ["This image is 64×64 pixels; each side must be at least 200."]
    assert not Image.objects.exists()
    assert not default_storage.exists("images")


def test_alt_text_is_required(client_as, editor):
    response = client_as(editor).post(ADD_URL, {"file": uploaded_image(), "title": "No alt"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["alt_text"] == ["This field is required."]
    assert not Image.objects.exists()


def image_change_data(image, **changes):
    data = {
        "title": image.title,
        "caption": image.caption,
        "credit": image.credit,
        "alt_text": image.alt_text,
    }
    data.update(changes)
    return data


def test_reporter_cannot_change_the_picture_of_a_published_article(client_as, reporter):
    image = ImageFactory(uploaded_by=reporter, caption="Cranes at dawn")
    ArticleFactory(published=True, lead_image=image)
    url = reverse("admin:articles_image_change", args=[image.pk])

    response = client_as(reporter).post(url, image_change_data(image, caption="Something else entirely"))

    assert response.status_code == 403
    image.refresh_from_db()
    assert image.caption == "Cranes at dawn"


def test_reporter_changes_own_upload_while_only_drafts_use_it_and_editor_changes_any(
    client_as, reporter, editor
):
    own = ImageFactory(uploaded_by=reporter)
    ArticleFactory(lead_image=own)
    someone_elses = ImageFactory(uploaded_by=editor)

    client = client_as(reporter)
    response = client.post(
        reverse("admin:articles_image_change", args=[own.pk]),
        image_change_data(own, caption="Better caption"),
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.caption == "Better caption"
    assert (
        client.post(
            reverse("admin:articles_image_change", args=[someone_elses.pk]), image_change_data(someone_elses)
        ).status_code
        == 403
    )

    client = client_as(editor)
    response = client.post(
        reverse("admin:articles_image_change", args=[someone_elses.pk]),
        image_change_data(someone_elses, credit="Desk photographer"),
    )
    assert response.status_code == 302
    someone_elses.refresh_from_db()
    assert someone_elses.credit == "Desk photographer"


def test_editor_edits_an_author_who_has_a_photo_without_uploading_it_again(client_as, editor):
    author = AuthorFactory(
        display_name="Helena Brandt", slug="helena-brandt", photo=uploaded_image("helena.jpg")
    )
    data = {
        "display_name": "Helena Brandt",
        "slug": "helena-brandt",
        "kind": "staff",
        "job_title": "Environment editor",
        "bio": "Follows the tides.",
    }

    response = client_as(editor).post(reverse("admin:authors_author_change", args=[author.pk]), data)

    assert response.status_code == 302
    author.refresh_from_db()
    assert (author.job_title, author.bio) == ("Environment editor", "Follows the tides.")
    assert default_storage.exists(author.photo.name)


def test_the_library_names_who_uploaded_a_picture_without_linking_to_their_user_page(
    client_as, reporter, editor
):
    """User pages are the administrator's: a link there led editors and reporters to "not open to you"."""
    reporter.first_name, reporter.last_name = "Marta", "Quillon"
    reporter.save()
    image = ImageFactory(uploaded_by=reporter, title="Cranes at dawn")
    user_page = reverse("admin:auth_user_change", args=[reporter.pk])

    for who in (reporter, editor):
        client = client_as(who)
        page = client.get(reverse("admin:articles_image_change", args=[image.pk])).content.decode()
        listing = client.get(reverse("admin:articles_image_changelist")).content.decode()
        for html in (page, listing):
            assert "Marta Quillon" in html
            assert user_page not in html
        assert client.get(user_page).status_code == 403
