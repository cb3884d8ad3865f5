from django.urls import path

from . import views

urlpatterns = [
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:pk>/renew/", views.invitation_renew, name="invitation_renew"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("join/<str:token>/", views.join, name="join"),
    path("join/<str:token>/set-up/<str:signature>/", views.join_setup, name="join_setup"),
    path("engagements/<int:pk>/", views.engagement_detail, name="engagement"),
    path("engagements/<int:pk>/status/", views.engagement_status, name="engagement_status"),
    path("engagements/<int:pk>/goals/new/", views.goal_create, name="goal_create"),
    path("engagements/<int:pk>/sessions/new/", views.session_create, name="session_create"),
]
