from django.urls import path, re_path

from . import pages, views

urlpatterns = [
    path("api-tokens/", pages.tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", pages.token_revoke, name="api_token_revoke"),
    path("api/v1/openapi.json", views.openapi, name="api_openapi"),
    path("api/v1/me", views.me, name="api_me"),
    path("api/v1/engagements", views.engagement_list, name="api_engagements"),
    path("api/v1/engagements/<str:pk>", views.engagement_detail, name="api_engagement"),
    path("api/v1/engagements/<str:pk>/homework", views.engagement_homework, name="api_engagement_homework"),
    path("api/v1/sessions/<str:pk>", views.session_detail, name="api_session"),
    path("api/v1/homework/<str:pk>", views.homework_detail, name="api_homework"),
    path("api/v1/homework/<str:pk>/confirm", views.homework_confirm, name="api_homework_confirm"),
    path("api/v1/homework/<str:pk>/progress", views.progress_create, name="api_progress_create"),
    path("api/v1/coach/clients", views.coach_clients, name="api_coach_clients"),
    re_path(r"^api/(?P<path>.*)$", views.not_found),
]
