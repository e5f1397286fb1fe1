"""Request authentication of the interstitial era (@clerk/backend 0.x, rules of 0.38).

* :func:`auth_state` (async) / :func:`auth_state_sync` → :class:`AuthState`
  (``signed-in``, ``signed-out``, ``interstitial``, ``unknown``); :func:`debug_auth_state`.
* :func:`local_interstitial` (the HTML page), :func:`remote_public_interstitial_url`,
  :func:`remote_public_interstitial`, :func:`remote_private_interstitial` (+ ``_sync`` twins).
* Auth objects (:class:`SignedInAuthObject`, :class:`SignedOutAuthObject`) with ``has()`` and
  ``get_token()``; :class:`InterstitialMixin` adds all of this to the REST client.

See ``docs/interstitial.md`` for the rule table and the deviations from Clerk.
"""
from .auth_objects import (HasParametersError, SignedInAuthObject, SignedOutAuthObject, make_serializable,
                           prune_private_metadata, sanitize_auth_object)
from .context import AuthStateOptionsError, InterstitialContext, build_context
from .flow import (auth_state, auth_state_core, auth_state_sync, remote_private_interstitial,
                   remote_private_interstitial_sync, remote_public_interstitial, remote_public_interstitial_sync)
from .mixin import InterstitialMixin, SyncInterstitialMixin, attach
from .page import local_interstitial
from .remote import remote_public_interstitial_url
from .resources import BackendApiError
from .rules import COOKIE_RULES, AuthErrorReason
from .state import AuthState, AuthStatus, debug_auth_state

__all__ = [
    "auth_state", "auth_state_sync", "auth_state_core", "debug_auth_state", "AuthState", "AuthStatus",
    "AuthErrorReason", "COOKIE_RULES", "local_interstitial", "remote_public_interstitial_url",
    "remote_public_interstitial", "remote_public_interstitial_sync", "remote_private_interstitial",
    "remote_private_interstitial_sync", "SignedInAuthObject", "SignedOutAuthObject", "HasParametersError",
    "make_serializable", "sanitize_auth_object", "prune_private_metadata", "AuthStateOptionsError",
    "InterstitialContext", "build_context", "BackendApiError", "InterstitialMixin", "SyncInterstitialMixin", "attach",
]
