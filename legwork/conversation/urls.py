from django.urls import path

from . import views

urlpatterns = [
    path("homework/<int:pk>/thread/", views.thread, name="thread"),
    path("homework/<int:pk>/thread/keep/", views.change_keep, name="thread_keep"),
    path("progress/<int:pk>/acknowledge/", views.acknowledge_progress, name="acknowledge_progress"),
    path("sessions/<int:pk>/reflection/acknowledge/", views.acknowledge_reflection, name="acknowledge_reflection"),
]
