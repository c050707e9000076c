from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from articles.models import Article
from articles.pagination import OlderNewerPaginator

from .models import Author


class AuthorView(ListView):
    template_name = "authors/author.html"
    paginate_by = 20
    paginator_class = OlderNewerPaginator
    context_object_name = "articles"

    def get_queryset(self):
        self.author = get_object_or_404(Author.objects.with_public_fields(), slug=self.kwargs["slug"])
        return (
            Article.objects.published()
            .by_author(self.author)
            .for_listing()
            .with_comment_counts()
            .newest_first()
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)
