"""Fetching and caching the instance's JWKS (see :mod:`.cache` and :mod:`.load`)."""
