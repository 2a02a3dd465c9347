"""Identity configuration from the environment: OIDC issuers as JSON, fail at start-up
on anything malformed rather than trusting a half-read issuer."""

from __future__ import annotations

import json

import pytest

from auth.config import IdentityConfig
from auth.oidc.authenticator import claim_values
from auth.principal import Role

ISSUER = {
    "issuer": "https://auth.example.nhs.uk",
    "audience": "cln-graph",
    "discovery_url": "https://auth.example.nhs.uk/.well-known/openid-configuration",
    "role_map": {"R8000": "member", "R9000": "national_lead"},
}


def test_defaults_are_fifteen_minute_tokens_and_a_lockout() -> None:
    config = IdentityConfig.from_env({})
    assert config.token_lifetime_s == 900
    assert config.lockout_threshold == 5
    assert config.oidc_issuers == ()
    assert config.key_publish_margin_s >= 900


def test_issuers_are_read_from_json() -> None:
    config = IdentityConfig.from_env(
        {"CLN_OIDC_ISSUERS": json.dumps([ISSUER]), "CLN_OAUTH_TOKEN_LIFETIME_S": "300"}
    )
    assert config.token_lifetime_s == 300
    (issuer,) = config.oidc_issuers
    assert issuer.role_map == {"R8000": Role.MEMBER, "R9000": Role.NATIONAL_LEAD}
    assert issuer.org_claim == "nhsid_nrbac_roles[].org_code"


@pytest.mark.parametrize(
    "issuers",
    [
        [{k: v for k, v in ISSUER.items() if k != "audience"}],
        [{k: v for k, v in ISSUER.items() if k != "discovery_url"}],
        [ISSUER | {"role_map": {"R1": "superuser"}}],
        {"issuer": "not a list"},
    ],
)
def test_malformed_issuers_fail_at_start_up(issuers: object) -> None:
    with pytest.raises(ValueError):
        IdentityConfig.from_env({"CLN_OIDC_ISSUERS": json.dumps(issuers)})


def test_claim_paths_walk_objects_and_lists() -> None:
    claims = {
        "uid": "123",
        "nhsid_nrbac_roles": [{"org_code": "RBT"}, {"org_code": "Q31"}, "junk"],
        "realm": {"roles": ["a", "b"]},
    }
    assert claim_values(claims, "uid") == ["123"]
    assert claim_values(claims, "nhsid_nrbac_roles[].org_code") == ["RBT", "Q31"]
    assert claim_values(claims, "realm.roles") == ["a", "b"]
    assert claim_values(claims, "missing[].x") == []
