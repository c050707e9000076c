"""OPTIONS answers of the API (REST_FRAMEWORK's DEFAULT_METADATA_CLASS), in a module of its own: DRF loads it
while it defines APIView, so it must not import DRF's views (newsroom/api.py does)."""

from django.urls import reverse
from rest_framework.metadata import SimpleMetadata


class ContractMetadata(SimpleMetadata):
    """OPTIONS says what an endpoint renders and parses, and where its contract is; not DRF's "actions",
    which guessed the fields from the list's serializer (an article's fields on its comments) and offered
    writes to accounts that would get a 403."""

    def determine_metadata(self, request, view):
        metadata = super().determine_metadata(request, view)
        metadata["schema"] = request.build_absolute_uri(reverse("api:schema"))
        return metadata

    def determine_actions(self, request, view):
        return {}  # not worked out at all: no permission checks, no object read, no serializer built
