"""Query expressions more than one app uses."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Func, IntegerField, QuerySet, Subquery


def count_of(rows: QuerySet[Any]) -> Subquery:
    """How many rows a correlated queryset (one with an `OuterRef`) has, as a subquery of the outer row.

    A plain `COUNT` over the rows, without the GROUP BY that `.values().annotate(Count())` would add: it is
    0, not NULL, when there are none, and it is cheaper for the ORM to build on every page that asks."""
    return Subquery(
        rows.order_by().annotate(count=Func(F("pk"), function="COUNT")).values("count"), output_field=IntegerField()
    )
