from django.urls import path

from . import views

urlpatterns = [
    path("export/", views.export_page, name="export"),
    path("export/legwork.json", views.export_json, name="export_json"),
    path("export/legwork.zip", views.export_archive, name="export_archive"),
    path("account/delete/", views.account_delete, name="account_delete"),
]
