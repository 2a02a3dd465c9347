"""Shared leadership (the double helix): clinician-manager partnerships, directorate
clinical leads, senior clinical leads and their declarations of interest."""

from resolvers.partnerships.mutations import Mutation
from resolvers.partnerships.queries import Query
from resolvers.partnerships.types import DeclarationOfInterest, Partnership, SeniorClinicalLead

graphql_types = [Partnership, SeniorClinicalLead, DeclarationOfInterest]

__all__ = ["Mutation", "Query", "graphql_types"]
