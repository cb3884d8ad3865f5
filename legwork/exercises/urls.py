from django.urls import path

from . import views

urlpatterns = [
    path("exercises/", views.exercise_list, name="exercises"),
    path("exercises/new/", views.exercise_new, name="exercise_new"),
    path("exercises/import/", views.exercise_import, name="exercise_import"),
    path("exercises/<int:pk>/", views.exercise_detail, name="exercise"),
    path("exercises/<int:pk>/edit/", views.exercise_edit, name="exercise_edit"),
    path("exercises/<int:pk>/duplicate/", views.exercise_duplicate, name="exercise_duplicate"),
    path("exercises/<int:pk>/archive/", views.exercise_archive, name="exercise_archive"),
    path("exercises/<int:pk>/share/", views.exercise_share, name="exercise_share"),
    path("exercises/<int:pk>/export/", views.exercise_export, name="exercise_export"),
    path("exercises/<int:pk>/propose/", views.exercise_propose, name="exercise_propose"),
    path("homework/<int:pk>/exercise/", views.homework_answers, name="homework_answers"),
]
