from django.urls import path

from . import views

urlpatterns = [
    path("reminders/", views.inbox, name="reminders_inbox"),
    path("reminders/read/", views.inbox_read, name="reminders_inbox_read"),
    path("reminders/<int:pk>/", views.reminder_open, name="reminder_open"),
    path("reminders/preferences/", views.preferences, name="reminders_preferences"),
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe, name="reminders_unsubscribe"),
    path("calendar/", views.feed_settings, name="calendar_feed"),
    path("calendar/new-url/", views.feed_new_url, name="calendar_feed_new_url"),
    path("calendar/<str:token>.ics", views.feed, name="calendar_feed_ics"),
]
