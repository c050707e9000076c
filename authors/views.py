from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from articles.models import Article
from articles.pagination import ArticleListMixin

from .models import Author


class AuthorView(ArticleListMixin, ListView):
    template_name = "authors/author.html"

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
