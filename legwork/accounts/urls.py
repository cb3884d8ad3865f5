from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    # Phone (issue 15): every sign-in, listed and revocable.
    path("profile/devices/", views.devices, name="devices"),
]
