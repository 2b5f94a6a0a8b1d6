from django.urls import URLPattern, URLResolver

app_name = "vault"
urlpatterns: list[URLPattern | URLResolver] = []
