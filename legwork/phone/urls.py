from django.urls import path

from . import views

urlpatterns = [
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("phone/sync/", views.sync, name="phone_sync"),
]
