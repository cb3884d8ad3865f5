from django.urls import path

from . import views

urlpatterns = [
    path("notebook/", views.notebook, name="notebook"),
    path("notebook/new/", views.entry_new, name="journal_entry_new"),
    path("notebook/new/autosave/", views.entry_autosave, name="journal_entry_autosave_new"),
    path("notebook/new/discard/", views.entry_discard_draft, name="journal_entry_discard_new"),
    path("notebook/<int:pk>/", views.entry_detail, name="journal_entry"),
    path("notebook/<int:pk>/edit/", views.entry_edit, name="journal_entry_edit"),
    path("notebook/<int:pk>/autosave/", views.entry_autosave, name="journal_entry_autosave"),
    path("notebook/<int:pk>/discard/", views.entry_discard_draft, name="journal_entry_discard"),
    path("notebook/<int:pk>/share/", views.entry_share, name="journal_entry_share"),
    path("notebook/<int:pk>/unshare/", views.entry_unshare, name="journal_entry_unshare"),
    path("notebook/<int:pk>/delete/", views.entry_delete, name="journal_entry_delete"),
    path("engagements/<int:pk>/notebook/", views.shared_entries, name="shared_entries"),
    path("thinking-time/", views.thinking_time, name="thinking_time"),
    path("thinking-time/<int:pk>/edit/", views.block_edit, name="thinking_block_edit"),
    path("thinking-time/<int:pk>/toggle/", views.block_toggle, name="thinking_block_toggle"),
    path("thinking-time/<int:pk>/mark/", views.occurrence_mark, name="thinking_occurrence_mark"),
]
