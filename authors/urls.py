from django.urls import path

from . import views

app_name = "authors"
urlpatterns = [
    path("<slug:slug>/", views.AuthorView.as_view(), name="detail"),
]
