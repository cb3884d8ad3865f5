from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("homework/<int:pk>/quality/", views.homework_quality, name="homework_quality"),
    path("homework/<int:pk>/steps/", views.step_create, name="step_create"),
    path("engagements/<int:pk>/check-ins/", views.check_in_scales, name="check_in_scales"),
    path("check-in-scales/<int:pk>/share/", views.check_in_scale_share, name="check_in_scale_share"),
    path("sessions/<int:pk>/check-ins/", views.check_in_answer, name="check_in_answer"),
]
