from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.views.generic import ListView, TemplateView

from articles.models import Article
from articles.pagination import ArticleListMixin

from .models import Author

GROUP_HEADINGS = {
    Author.Kind.STAFF: "Staff",
    Author.Kind.CONTRIBUTOR: "Contributors",
    Author.Kind.AGENCY: "Agencies",
}


class Directory:
    """The authors with a published story, by kind in GROUP_HEADINGS' order, then by name; read in one query
    on first use, so a page whose fragment is cached reads none."""

    @cached_property
    def groups(self) -> list[tuple[str, list[Author]]]:
        authors = list(Author.objects.with_public_fields().bylined().order_by("display_name"))
        groups = {heading: [a for a in authors if a.kind == kind] for kind, heading in GROUP_HEADINGS.items()}
        return [(heading, members) for heading, members in groups.items() if members]

    @property
    def deps(self) -> set[str]:
        """Any story published or withdrawn may add or remove someone; and every author shown."""
        return {"list:all"} | {f"author:{a.pk}" for _, members in self.groups for a in members}


class AuthorIndexView(TemplateView):
    template_name = "authors/index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(directory=Directory(), **kwargs)


class AuthorView(ArticleListMixin, ListView):
    template_name = "authors/author.html"
    # Someone on no published story has no page yet: it could give away the draft they are writing.
    empty_is_not_found = True

    def get_queryset(self):
        authors = Author.objects.with_public_fields()
        self.author = self.owner = get_object_or_404(authors, slug=self.kwargs["slug"])
        return (
            Article.objects.published()
            .by_author(self.author)
            .for_listing()
            .with_comment_counts()
            .newest_first()
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)
