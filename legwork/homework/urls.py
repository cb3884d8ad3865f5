from django.urls import path

from . import views

urlpatterns = [
    path("today/", views.client_home, name="client_home"),
    path("homework/<int:pk>/", views.homework_detail, name="homework"),
    path("homework/<int:pk>/confirm/", views.homework_confirm, name="homework_confirm"),
    path("homework/<int:pk>/change/", views.homework_request_change, name="homework_request_change"),
    path("homework/<int:pk>/edit/", views.homework_edit, name="homework_edit"),
    path("homework/<int:pk>/progress/", views.progress_log, name="progress_log"),
    path("sessions/<int:pk>/review/<int:homework_pk>/", views.homework_review, name="homework_review"),
    path("sessions/<int:pk>/wrap-up/", views.session_wrap_up, name="session_wrap_up"),
]
