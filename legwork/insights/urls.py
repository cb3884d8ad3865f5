from django.urls import path

from . import views

urlpatterns = [
    path("sessions/<int:pk>/reflection/", views.reflection_edit, name="reflection_edit"),
    path("sessions/<int:pk>/brief/", views.brief, name="brief"),
    path("coach/overview/", views.coach_overview, name="coach_overview"),
    path("insights/", views.my_insights, name="my_insights"),
    path("engagements/<int:pk>/insights/charts/", views.engagement_charts, name="engagement_charts"),
]
