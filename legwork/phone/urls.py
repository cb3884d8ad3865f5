from django.urls import path

from . import views

urlpatterns = [
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("phone/sync/", views.sync, name="phone_sync"),
    path("phone/push/", views.push_on, name="phone_push_on"),
    path("phone/push/<int:pk>/off/", views.push_off, name="phone_push_off"),
]
