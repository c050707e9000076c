from django.urls import path, register_converter

from . import feeds, views


class FourDigits:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class TwoDigits(FourDigits):
    regex = "[0-9]{2}"

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(FourDigits, "yyyy")
register_converter(TwoDigits, "mm")

app_name = "articles"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed-atom"),
    path("preview/<str:token>/", views.PreviewView.as_view(), name="preview"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("tag/<slug:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("tag/<slug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag-feed-atom"),
    path("<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("<slug:slug>/feed/", feeds.SectionFeed(), name="section-feed"),
    path("<slug:slug>/feed/atom/", feeds.SectionAtomFeed(), name="section-feed-atom"),
    path(
        "<slug:section>/<yyyy:year>/<mm:month>/<mm:day>/<slug:slug>/",
        views.ArticleView.as_view(),
        name="detail",
    ),
]
