from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from kjerne.admin import HistorikkAdmin

from .models import User


@admin.register(User)
class BrukerAdmin(UserAdmin, HistorikkAdmin):
    list_display = ["username", "get_full_name", "email", "organisasjon", "rolle", "is_active"]
    list_filter = ["rolle", "organisasjon", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email"]
    list_select_related = ["organisasjon"]
    autocomplete_fields = ["organisasjon"]
    fieldsets = UserAdmin.fieldsets + (("Organisasjon og rolle", {"fields": ["organisasjon", "rolle", "stilling",
                                                                            "telefon"]}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("Organisasjon og rolle", {"fields": ["organisasjon", "rolle"]}),)
