"""A django-machina board for the crawler tests, run in its own process (see __main__.py)."""
