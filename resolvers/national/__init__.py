"""National view: the dashboard across SHAs, and the audit of cross-region reads."""

from resolvers.national.audit import CrossRegionReadAudit
from resolvers.national.queries import Query
from resolvers.national.reach import (
    ShaCaseStudies,
    ShaCongressAttendance,
    ShaConsultationReach,
    ShaMedicalEngagement,
)
from resolvers.national.types import (
    CrossRegionRead,
    NationalDashboard,
    ProfessionCount,
    ShaMemberTotal,
    ShaRollout,
)

graphql_types = [
    NationalDashboard,
    ProfessionCount,
    ShaMemberTotal,
    ShaRollout,
    CrossRegionRead,
    ShaMedicalEngagement,
    ShaCongressAttendance,
    ShaCaseStudies,
    ShaConsultationReach,
]
extensions = [CrossRegionReadAudit]

__all__ = ["Query", "extensions", "graphql_types"]
