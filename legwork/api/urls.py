from django.urls import path, re_path

from . import pages, views
from .endpoints import router

urlpatterns = [
    path("api-tokens/", pages.tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", pages.token_revoke, name="api_token_revoke"),
    path("api/v1/openapi.json", views.openapi, name="api_openapi"),
    *router.urlpatterns(),
    re_path(r"^api/(?P<path>.*)$", views.not_found),
]
