from django.urls import path

from . import views

urlpatterns = [
    path("agencies/<slug:slug>/", views.agency_detail, name="agency_detail"),
]
