from django.apps import AppConfig


class ConversationConfig(AppConfig):
    name = "legwork.conversation"
    label = "conversation"

    def ready(self) -> None:
        # A change request opens the homework's thread; a coach's rewrite after one is its answer.
        from . import receivers  # noqa: F401
