from django.urls import path

from .views import home, homework, session

urlpatterns = [
    path("coach/", home.coach_home, name="coach_home"),
    path("coach/first-steps/put-away/", home.first_steps_put_away, name="first_steps_put_away"),
    path("today/", home.client_home, name="client_home"),
    path("homework/<int:pk>/", homework.homework_detail, name="homework"),
    path("homework/<int:pk>/confirm/", homework.homework_confirm, name="homework_confirm"),
    path("homework/<int:pk>/change/", homework.homework_request_change, name="homework_request_change"),
    path("homework/<int:pk>/edit/", homework.homework_edit, name="homework_edit"),
    path("homework/<int:pk>/progress/", homework.progress_log, name="progress_log"),
    # The session page: where the loop turns (review, wrap-up), with the session's notes and agenda.
    path("sessions/<int:pk>/", session.session_detail, name="session"),
    path("sessions/<int:pk>/notes/", session.session_notes, name="session_notes"),
    path("sessions/<int:pk>/private-notes/", session.session_private_notes, name="session_private_notes"),
    path("sessions/<int:pk>/status/", session.session_status, name="session_status"),
    path("sessions/<int:pk>/agenda/", session.agenda_item_add, name="agenda_item_add"),
    path("sessions/<int:pk>/agenda/<int:item_pk>/resolve/", session.agenda_item_resolve, name="agenda_item_resolve"),
    path("sessions/<int:pk>/review/<int:homework_pk>/", session.homework_review, name="homework_review"),
    path("sessions/<int:pk>/wrap-up/", session.session_wrap_up, name="session_wrap_up"),
]
