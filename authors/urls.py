from django.urls import path

from articles.feeds import AuthorAtomFeed, AuthorFeed

from . import views

app_name = "authors"
urlpatterns = [
    path("", views.AuthorIndexView.as_view(), name="index"),
    path("<slug:slug>/", views.AuthorView.as_view(), name="detail"),
    path("<slug:slug>/feed/", AuthorFeed(), name="feed"),
    path("<slug:slug>/feed/atom/", AuthorAtomFeed(), name="feed-atom"),
]
