"""The board at the site root, as in the engine fixtures."""

from __future__ import annotations

from django.urls import include, path
from machina import urls as machina_urls

urlpatterns = [path("", include(machina_urls))]
