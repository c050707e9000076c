from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from .models import Article, Section, Tag
from .previews import article_id_from_token


class PublishedArticlesMixin:
    """Every public view starts from Article.objects.published(); nothing else decides visibility."""

    def published_articles(self):
        return Article.objects.published().for_listing().newest_first()


class HomeView(PublishedArticlesMixin, TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest"] = self.published_articles()[:20]
        return context


class SectionView(PublishedArticlesMixin, ListView):
    template_name = "articles/section.html"
    paginate_by = 20
    context_object_name = "articles"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return self.published_articles().in_section(self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class TagView(PublishedArticlesMixin, ListView):
    template_name = "articles/tag.html"
    paginate_by = 20
    context_object_name = "articles"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return self.published_articles().tagged(self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class ArticleView(PublishedArticlesMixin, DetailView):
    template_name = "articles/article.html"
    context_object_name = "article"

    def get_object(self, queryset=None):
        kwargs = self.kwargs
        return get_object_or_404(
            Article.objects.published().for_detail(),
            section__slug=kwargs["section"],
            slug=kwargs["slug"],
            published_at__date=f"{kwargs['year']:04d}-{kwargs['month']:02d}-{kwargs['day']:02d}",
        )


class PreviewView(DetailView):
    """A draft shown in the site's own template to whoever holds a valid, unexpired signed link."""

    template_name = "articles/article.html"
    context_object_name = "article"

    def get_object(self, queryset=None):
        try:
            pk = article_id_from_token(self.kwargs["token"])
        except signing.BadSignature as error:
            raise Http404("This preview link is not valid or has expired.") from error
        return get_object_or_404(Article.objects.for_detail(), pk=pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_preview=True, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response
