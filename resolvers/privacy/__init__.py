"""Members' privacy: the read audit of personal data shown to administrators.

Who sees contact details is decided in `resolvers.directory.privacy` (the Member
fields); this package writes what administrators were shown."""

from resolvers.privacy.audit import PersonalDataReadAudit

extensions = [PersonalDataReadAudit]
graphql_types: list[type] = []

__all__ = ["extensions", "graphql_types"]
