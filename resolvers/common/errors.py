"""Errors, two kinds.

* Request-level errors (`ApiError` subclasses) become GraphQL errors with an
  `extensions.code` (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND).
* Mutation outcomes a client should handle (validation, not found, forbidden,
  conflict) are `DomainError`s raised by services and returned as members of a
  mutation's result union, so a client can switch on `__typename`.
"""

from __future__ import annotations

from dataclasses import dataclass

import strawberry
from graphql import GraphQLError


class ApiError(GraphQLError):
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **extensions: object) -> None:
        super().__init__(message, extensions={"code": self.code, **extensions})


class Unauthenticated(ApiError):
    code = "UNAUTHENTICATED"


class Forbidden(ApiError):
    code = "FORBIDDEN"


class BadUserInput(ApiError):
    code = "BAD_USER_INPUT"


class NotFoundApi(ApiError):
    code = "NOT_FOUND"


# --- domain errors raised by services -------------------------------------------------


@dataclass
class FieldProblem:
    field: str
    message: str


class DomainError(Exception):
    """A failure the client can act on; the mutation's savepoint is rolled back."""


class ValidationFailed(DomainError):
    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems


class NotFound(DomainError):
    def __init__(self, entity: str, ident: str) -> None:
        super().__init__(f"{entity} {ident} was not found")
        self.entity = entity
        self.ident = ident


class NotAllowed(DomainError):
    pass


class Conflict(DomainError):
    pass


def require(problems: list[FieldProblem]) -> None:
    if problems:
        raise ValidationFailed(problems)


# --- the GraphQL types of those errors ------------------------------------------------


@strawberry.interface(description="A problem the client can fix; every mutation may return one.")
class UserError:
    message: str = strawberry.field(description="Human-readable explanation.")
    code: str = strawberry.field(description="Stable machine-readable code.")


@strawberry.type(description="One invalid input field.")
class FieldError:
    field: str = strawberry.field(description="Input path, e.g. `registration.number`.")
    message: str = strawberry.field(description="What is wrong with it.")


@strawberry.type(description="The input was invalid; nothing was written.")
class ValidationError(UserError):
    fields: list[FieldError] = strawberry.field(description="Each invalid field.")


@strawberry.type(description="An id named in the input does not exist or is not visible.")
class NotFoundError(UserError):
    id: str = strawberry.field(description="The id that was not found.")


@strawberry.type(description="The caller may not perform this change.")
class ForbiddenError(UserError):
    pass


@strawberry.type(description="The change conflicts with existing data (e.g. a duplicate code).")
class ConflictError(UserError):
    pass


MUTATION_ERROR_TYPES = (ValidationError, NotFoundError, ForbiddenError, ConflictError)


def to_graphql_error(error: DomainError) -> UserError:
    if isinstance(error, ValidationFailed):
        return ValidationError(
            message="Invalid input",
            code="VALIDATION_FAILED",
            fields=[FieldError(field=p.field, message=p.message) for p in error.problems],
        )
    if isinstance(error, NotFound):
        return NotFoundError(message=str(error), code="NOT_FOUND", id=error.ident)
    if isinstance(error, NotAllowed):
        return ForbiddenError(message=str(error), code="FORBIDDEN")
    if isinstance(error, Conflict):
        return ConflictError(message=str(error), code="CONFLICT")
    raise TypeError(f"unknown domain error {error!r}")
