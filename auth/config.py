"""Identity settings, read from the environment (see docs/identity.md).

Kept apart from `foundation.settings` so the identity work plugs in with one
argument to the app factory.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from auth.principal import Role


@dataclass(frozen=True)
class OidcIssuer:
    """One trusted staff identity provider and how its claims map to a Principal.

    `org_claim` and `role_claim` are paths: `a.b` walks objects and `a[].b` collects
    `b` from every element of the list `a` (CIS2: `nhsid_nrbac_roles[].org_code`).
    `role_map` maps the issuer's role values to ours; values it does not name are
    ignored, and a token with no mapped role is refused.
    """

    issuer: str
    audience: str
    discovery_url: str | None = None
    jwks_uri: str | None = None
    algorithms: tuple[str, ...] = ("RS256", "ES256")
    subject_claim: str = "sub"
    org_claim: str = "nhsid_nrbac_roles[].org_code"
    role_claim: str = "nhsid_nrbac_roles[].role_code"
    role_map: Mapping[str, Role] = field(default_factory=dict)
    required_typ: str | None = None
    leeway_s: int = 30

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OidcIssuer:
        if not data.get("issuer") or not data.get("audience"):
            raise ValueError("an OIDC issuer needs `issuer` and `audience`")
        if not (data.get("discovery_url") or data.get("jwks_uri")):
            raise ValueError(f"issuer {data['issuer']}: give `discovery_url` or `jwks_uri`")
        return cls(
            issuer=str(data["issuer"]),
            audience=str(data["audience"]),
            discovery_url=data.get("discovery_url"),
            jwks_uri=data.get("jwks_uri"),
            algorithms=tuple(data.get("algorithms", ("RS256", "ES256"))),
            subject_claim=str(data.get("subject_claim", "sub")),
            org_claim=str(data.get("org_claim", "nhsid_nrbac_roles[].org_code")),
            role_claim=str(data.get("role_claim", "nhsid_nrbac_roles[].role_code")),
            role_map={str(k): Role(v) for k, v in dict(data.get("role_map", {})).items()},
            required_typ=data.get("required_typ"),
            leeway_s=int(data.get("leeway_s", 30)),
        )


@dataclass(frozen=True)
class IdentityConfig:
    """Lifetimes, lockout and cache limits of the OAuth server; the OIDC issuers."""

    token_lifetime_s: int = 15 * 60
    key_cache_s: float = 60.0
    lockout_threshold: int = 5
    lockout_s: int = 15 * 60
    jwks_min_refresh_s: float = 30.0
    oidc_issuers: tuple[OidcIssuer, ...] = ()
    leeway_s: int = 30

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> IdentityConfig:
        e = os.environ if env is None else env
        issuers = json.loads(e.get("CLN_OIDC_ISSUERS") or "[]")
        if not isinstance(issuers, list):
            raise ValueError("CLN_OIDC_ISSUERS must be a JSON list of issuer objects")
        return cls(
            token_lifetime_s=int(e.get("CLN_OAUTH_TOKEN_LIFETIME_S", "900")),
            key_cache_s=float(e.get("CLN_OAUTH_KEY_CACHE_S", "60")),
            lockout_threshold=int(e.get("CLN_OAUTH_LOCKOUT_THRESHOLD", "5")),
            lockout_s=int(e.get("CLN_OAUTH_LOCKOUT_S", "900")),
            jwks_min_refresh_s=float(e.get("CLN_OIDC_JWKS_MIN_REFRESH_S", "30")),
            oidc_issuers=tuple(OidcIssuer.from_dict(i) for i in issuers),
        )

    @property
    def key_publish_margin_s(self) -> int:
        """How long a retired key stays published: its last token's lifetime, plus the
        time another process may still sign with it from its cache, plus leeway."""
        return int(self.token_lifetime_s + self.key_cache_s + self.leeway_s)
