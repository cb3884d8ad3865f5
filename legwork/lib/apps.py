from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import pre_save


def _clean_text_fields(sender: type[Any], instance: Any, raw: bool = False, **kwargs: Any) -> None:
    # Only Legwork's own models: Django's and the libraries' tables keep their own rules.
    if not raw and sender.__module__.startswith("legwork."):
        from .text import clean_model_text

        clean_model_text(instance)


class LibConfig(AppConfig):
    """No models: connects the text rule (lib/text.py) to every save of a Legwork model."""

    name = "legwork.lib"
    label = "legwork_lib"

    def ready(self) -> None:
        pre_save.connect(_clean_text_fields, dispatch_uid="legwork-clean-text")
