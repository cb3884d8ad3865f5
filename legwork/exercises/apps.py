from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "legwork.exercises"
    label = "exercises"
