"""Thin translators at the edge: runtime inputs in, one :class:`RequestView` out (and response
helpers back).  Nothing here imports a runtime at module import time."""
