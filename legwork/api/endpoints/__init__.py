"""The API's endpoints, by area. Importing this package registers every operation on `router`."""

from legwork.api.router import router

from . import coaching, exercises, loop, notebook, people, quality

__all__ = ["coaching", "exercises", "loop", "notebook", "people", "quality", "router"]
