"""Staff access tokens from trusted OpenID Connect issuers (CIS2-style claims)."""
