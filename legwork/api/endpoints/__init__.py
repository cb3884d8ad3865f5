"""The API's endpoints, by area. Importing this package registers every operation on `router`."""

from legwork.api.router import router

from . import coaching, conversation, exercises, loop, notebook, people, practices, quality, webhooks

__all__ = [
    "coaching",
    "conversation",
    "exercises",
    "loop",
    "notebook",
    "people",
    "practices",
    "quality",
    "router",
    "webhooks",
]
