"""The member's data rights: her copy of everything held (exports), leaving with
erasure, and retention periods enforced by a scheduled job."""

from resolvers.gdpr.schema import Mutation, Query
from resolvers.gdpr.types import DataExport, DataExportPayload, LeaveRequest, LeaveRequestPayload

graphql_types = [DataExport, DataExportPayload, LeaveRequest, LeaveRequestPayload]

__all__ = ["Mutation", "Query", "graphql_types"]
