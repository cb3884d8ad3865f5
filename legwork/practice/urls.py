from django.urls import path

from . import views

urlpatterns = [
    path("practice/", views.practice, name="practice"),
    path("practice/settings/", views.practice_settings, name="practice_settings"),
    path("practice/coaches/<int:member_pk>/", views.member_detail, name="practice_member"),
    path("practice/coaches/<int:member_pk>/deactivate/", views.member_deactivate, name="practice_member_deactivate"),
    path("practice/coaches/<int:member_pk>/reactivate/", views.member_reactivate, name="practice_member_reactivate"),
    path(
        "practice/invitations/<int:coach_invitation_pk>/revoke/",
        views.coach_invitation_revoke,
        name="practice_invitation_revoke",
    ),
    path("practice/join/<str:token>/", views.practice_join, name="practice_join"),
    path("practice/handover/<int:handover_engagement_pk>/", views.handover_new, name="handover_new"),
    path("practice/handovers/<int:handover_pk>/withdraw/", views.handover_withdraw, name="handover_withdraw"),
    path("handovers/<int:pk>/", views.handover, name="handover"),
]
