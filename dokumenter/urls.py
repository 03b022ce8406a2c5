from django.urls import path

from . import views

app_name = "dokumenter"

urlpatterns = [
    path("pdf/bestill/", views.bestill, name="bestill"),
    path("pdf/<int:pk>/status/", views.status, name="status"),
    path("pdf/<int:pk>/last-ned/", views.last_ned, name="last_ned"),
]
