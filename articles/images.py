"""Validation of uploaded images: a real image, within size and dimension limits."""

import os
import secrets
from contextlib import contextmanager

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from PIL import Image as PILImage

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
NOT_AN_IMAGE = "This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF."


class ImageUploadField(forms.ImageField):
    """Django's image form field, which calls an image with more pixels than Pillow will open (its guard
    against decompression bombs) "not an image or a corrupted image": here it is called too large, which is
    what the person uploading it can act on. A file that is no image at all gets our words, not Django's
    "Upload a valid image. The file you uploaded was either not an image or a corrupted image." """

    default_error_messages = {"invalid_image": NOT_AN_IMAGE}

    def to_python(self, data):
        try:
            return super().to_python(data)
        except ValidationError as error:
            if isinstance(
                error.__cause__, PILImage.DecompressionBombError | PILImage.DecompressionBombWarning
            ):
                raise ValidationError(
                    "This image has too many pixels to open; neither side may exceed %(limit)s.",
                    code="image_dimensions",
                    params={"limit": settings.IMAGE_MAX_PIXELS_SIDE},
                ) from error
            raise


def image_upload_to(image, filename: str) -> str:
    """images/<year>/<month>/<random>.<ext>: an uploaded file's own name ("minister-resigns.jpg") would let
    anyone guess the address of a draft's lead image before the story is out. The title finds it in the
    library."""
    extension = "".join(c for c in os.path.splitext(filename)[1].lower() if c.isascii() and c.isalnum())
    return f"images/{timezone.now():%Y/%m}/{secrets.token_urlsafe(12)}.{extension[:4] or 'img'}"


def validate_image_upload(file):
    """Refuse anything Pillow cannot open as a JPEG/PNG/WebP/GIF, or that is too big or too small."""
    if file is None or getattr(file, "_committed", False):
        return  # already stored: it was checked when it was uploaded (re-reading it broke every edit)
    size = getattr(file, "size", None)
    if size and size > settings.IMAGE_MAX_UPLOAD_BYTES:
        raise ValidationError(
            "This image is %(size)s; the largest accepted is %(limit)s.",
            code="image_too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(settings.IMAGE_MAX_UPLOAD_BYTES)},
        )
    with _rewound(file):
        try:
            with PILImage.open(file) as image:
                image_format = image.format
                width, height = image.size
                image.verify()
        except UNREADABLE as error:
            raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from error
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            "Images must be JPEG, PNG, WebP or GIF; this one is %(format)s.",
            code="image_format",
            params={"format": image_format},
        )
    largest, smallest = settings.IMAGE_MAX_PIXELS_SIDE, settings.IMAGE_MIN_PIXELS_SIDE
    if width > largest or height > largest:
        raise ValidationError(
            "This image is %(width)s×%(height)s pixels; neither side may exceed %(limit)s.",
            code="image_dimensions",
            params={"width": width, "height": height, "limit": largest},
        )
    if width < smallest or height < smallest:
        raise ValidationError(
            "This image is %(width)s×%(height)s pixels; each side must be at least %(limit)s.",
            code="image_dimensions",
            params={"width": width, "height": height, "limit": smallest},
        )
    # verify() reads the file's structure only; a truncated JPEG or a PNG with garbage pixel data passes it
    # and then fails when the renditions are made, after the upload was stored. Decoding the pixels (bounded
    # by the side limit above) catches those here.
    with _rewound(file):
        try:
            with PILImage.open(file) as image:
                image.load()
        except UNREADABLE as error:
            raise ValidationError(
                "This image is damaged or incomplete: it could not be read to the end. Export it again and "
                "upload the new file.",
                code="image_damaged",
            ) from error


UNREADABLE = (OSError, SyntaxError, ValueError, PILImage.DecompressionBombError)


@contextmanager
def _rewound(file):
    """Read the file from its start, and leave it where it was."""
    position = file.tell() if hasattr(file, "tell") else None
    file.seek(0)
    try:
        yield
    finally:
        if position is not None:
            file.seek(position)
