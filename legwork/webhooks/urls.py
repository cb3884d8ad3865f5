from django.urls import path

from . import views

urlpatterns = [
    path("webhooks/", views.webhook_list, name="webhooks"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook_detail"),
    path("webhooks/<int:pk>/test/", views.webhook_test, name="webhook_test"),
    path("webhooks/<int:pk>/secret/", views.webhook_secret, name="webhook_secret"),
    path("webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
]
