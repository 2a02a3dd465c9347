"""Partner access by type: every GraphQL type belongs to one scope AREA.

A partner token reads a field only when it holds the read scope of the area of the
type the field is on and of the type it returns (schema/partner_access.py checks
every operation against this before it runs, and `node`/`nodes`/`_entities` check the
type of each id they fetch). Staff reach is not decided here: it comes from role and
region.

An area comes from the domain package (`resolvers/<domain>/`) that defines the type,
through DOMAIN_AREAS; TYPE_AREAS overrides it for single types. A type whose package
is in neither table fails the schema build, so a new domain must be given an area
here before it can serve anything. Root fields (Query, Mutation, Subscription)
belong to the area of the domain that defines them; a Mutation field demands that
area's write scope.

Two areas are not scopes: PUBLIC types carry nothing of a region's data (the page
info, errors, the caller's own `viewer`) and need no scope; STAFF types (partner
administration, rollout, the cross-region read log) are closed to partners whatever
their scopes.

Personal data (e-mail, phone, professional registration) is its own scope,
`directory:contact`, which no agreement gets by default: PERSONAL_FIELDS names the
fields that demand it, and the `contact` area holds the types that are nothing but
personal data. A field whose name looks personal must be named in PERSONAL_FIELDS
or NOT_PERSONAL, or the build fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auth.principal import Principal


@dataclass(frozen=True)
class Area:
    name: str
    read: str | None  # the read scope; None for PUBLIC and STAFF
    write: str | None = None
    describes: str = ""
    closed: bool = False  # STAFF: no scope opens it to partners


PUBLIC = Area("public", None, describes="nothing of a region's data")
STAFF = Area("staff", None, describes="staff only", closed=True)

AREAS: dict[str, Area] = {
    a.name: a
    for a in (
        Area(
            "directory",
            "directory:read",
            "directory:write",
            "organisations and members of the granted SHAs (names, professions, roles,"
            " organisations; not their contact details)",
        ),
        Area(
            "contact",
            "directory:contact",
            None,
            "members' personal data: e-mail addresses, telephone numbers and professional"
            " registration numbers (never granted by default)",
        ),
        Area(
            "escalator",
            "escalator:read",
            "escalator:write",
            "Engagement Escalator assessments, policy areas, trends and engagement plans",
        ),
        Area(
            "engagement",
            "engagement:read",
            None,
            "medical engagement scores and comparisons per organisation",
        ),
        Area("knowledge", "knowledge:read", "knowledge:write", "case studies and resources"),
        Area("events", "events:read", None, "Clinical Congress events, sessions, registrations"),
        Area(
            "development",
            "development:read",
            None,
            "leadership development directory, self-assessments and competency gaps",
        ),
        Area("networks", "networks:read", None, "clinical networks, memberships and gaps"),
        Area("forums", "forums:read", None, "discussion forums, threads and posts"),
        Area(
            "learning-sets",
            "learning-sets:read",
            None,
            "action learning sets, meetings, attendance and actions",
        ),
        Area(
            "partnerships",
            "partnerships:read",
            None,
            "clinician-manager partnerships, senior clinical leads, declarations of interest",
        ),
        Area("evaluation", "evaluation:read", None, "impact measures and personal progress"),
        Area("policy", "policy:read", None, "consultations and responses"),
        Area("national", "national:read", None, "national aggregates across the granted SHAs"),
        PUBLIC,
        STAFF,
    )
}

# resolvers/<domain>/ -> area. A new domain package gets its row here.
DOMAIN_AREAS: dict[str, str] = {
    "common": "public",
    "core": "public",
    "development": "development",
    "directory": "directory",
    "engagement": "engagement",
    "escalator": "escalator",
    "evaluation": "evaluation",
    "events": "events",
    "forums": "forums",
    "gdpr": "staff",  # a member's own exports and leave requests: never a partner's
    "identity": "staff",
    "knowledge": "knowledge",
    "learning_sets": "learning-sets",
    "national": "national",
    "networks": "networks",
    "notifications": "staff",  # a member's own feed
    "partnerships": "partnerships",
    "policy": "policy",
    "portal": "public",  # public content of every running region; changes need staff roles
    "privacy": "contact",
    "programmes": "development",  # leadership programmes are leadership development
    "rollout": "staff",
    "search": "staff",  # members' and staff's search box; partners read the lists
    "selfservice": "directory",
    "sha_rules": "staff",  # each SHA's own rules: administration, like rollout
    "viewer": "public",  # the caller's own record; what it links to keeps its area
}

# Single types whose area is not their package's.
TYPE_AREAS: dict[str, str] = {
    "Registration": "contact",  # a member's professional body and number
    "CrossRegionRead": "staff",  # the log of cross-region reads (platform admins)
}

# (type, field) -> the extra scope the field demands (personal data).
PERSONAL_FIELDS: dict[tuple[str, str], str] = {
    ("Member", "email"): "directory:contact",
    ("Member", "phone"): "directory:contact",
    ("Member", "registration"): "directory:contact",
    # a writer's name (national forums give it for members of other SHAs): the
    # directory's, as `author { givenName }` is
    ("ForumThread", "authorName"): "directory:read",
    ("ForumPost", "authorName"): "directory:read",
}
# Fields whose names look personal but are not (checked so new ones are decided on).
NOT_PERSONAL: frozenset[tuple[str, str]] = frozenset(
    {
        ("EventRegistrationPayload", "registration"),  # an event registration
        ("CancelEventRegistrationPayload", "registration"),
        ("Mutation", "cancelEventRegistration"),
        ("ShaFrontEnd", "contactEmail"),  # the SHA office's public address
        ("ShaFrontEnd", "contactPhone"),
        ("Notification", "emailStatus"),  # whether the notice went out by e-mail
    }
)
PERSONAL_NAME = re.compile(r"(?i)(e-?mail|phone|mobile|registration(number)?$|gmc|nmc|hcpc)")

CONTACT_SCOPE = AREAS["contact"].read


class MissingArea(Exception):
    """A GraphQL type (or root field) no table gives an area: the schema must not build."""


def domain_of(module: str) -> str | None:
    """`resolvers.<domain>....` -> `<domain>`; None for code outside resolvers/."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "resolvers" else None


def area_of(type_name: str, module: str | None) -> Area | None:
    """The area of a type defined in `module` (its Python module), or None when no
    table gives one."""
    override = TYPE_AREAS.get(type_name)
    if override is not None:
        return AREAS[override]
    domain = domain_of(module) if module else None
    name = DOMAIN_AREAS.get(domain) if domain else None
    return AREAS[name] if name else None


def read_scopes() -> dict[str, str]:
    """Every read scope and what it grants."""
    return {a.read: a.describes for a in AREAS.values() if a.read}


def write_scopes() -> dict[str, str]:
    return {a.write: f"change {a.describes}" for a in AREAS.values() if a.write}


def partner_may_read(principal: Principal | None, area: Area | None) -> bool:
    """Staff and anonymous callers are not decided here; a partner needs the area's read
    scope (no area, or a STAFF one, is refused: deny by default)."""
    if principal is None or principal.kind != "partner":
        return True
    if area is None or area.closed:
        return False
    return area.read is None or area.read in principal.scopes
