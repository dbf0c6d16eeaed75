from django.contrib import admin

from .models import Department, Enterprise, Person


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region_code", "parent", "is_service_centre"]
    search_fields = ["code", "name"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["uscc", "name", "region_code", "industry_code", "size_class", "is_key"]
    search_fields = ["uscc", "name"]
    list_filter = ["size_class", "is_key"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "id_number_masked", "phone_masked"]
    search_fields = ["name"]
