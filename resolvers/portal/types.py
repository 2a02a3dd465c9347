"""What the portal shows: branding, about text, pages, and the public views of events
and case studies (leaf fields only: no path from them to members)."""

from __future__ import annotations

import datetime as dt

import strawberry

from resolvers.events.enums import EventKind, EventStatus
from resolvers.forums.markdown import render_markdown


@strawberry.type(description="A page of a regional portal.")
class PortalPage:
    slug: str = strawberry.field(description="The page's address within the portal.")
    title: str = strawberry.field(description="Title.")
    body_markdown: str = strawberry.field(description="Markdown source as written.")
    is_published: bool = strawberry.field(description="Shown to visitors (no token).")
    position: int = strawberry.field(description="Order in the portal's menu.")
    updated_at: dt.datetime = strawberry.field(description="Last change.")

    @strawberry.field(description="The body as sanitised HTML.")
    def body_html(self) -> str:
        return render_markdown(self.body_markdown)


@strawberry.type(description="A region's portal: branding, about text and pages.")
class Portal:
    sha_code: str = strawberry.field(description="The SHA.")
    sha_name: str = strawberry.field(description="Official name of the SHA.")
    logo_url: str | None = strawberry.field(description="Logo (https).")
    primary_colour: str | None = strawberry.field(description="Main colour, #rrggbb.")
    accent_colour: str | None = strawberry.field(description="Accent colour, #rrggbb.")
    about_markdown: str | None = strawberry.field(description="About text, Markdown.")
    pages: list[PortalPage] = strawberry.field(
        description="Pages in menu order (visitors: published ones only)."
    )

    @strawberry.field(description="The about text as sanitised HTML.")
    def about_html(self) -> str | None:
        return render_markdown(self.about_markdown) if self.about_markdown else None


@strawberry.type(description="An event as the public sees it (no registrations, no people).")
class PublicEvent:
    id: strawberry.ID = strawberry.field(description="The event's id (uuid).")
    sha_code: str = strawberry.field(description="The SHA that holds it.")
    title: str = strawberry.field(description="Title.")
    kind: EventKind = strawberry.field(description="Kind of event.")
    is_national: bool = strawberry.field(description="A national event.")
    venue: str | None = strawberry.field(description="Venue.")
    starts_at: dt.datetime = strawberry.field(description="Start.")
    ends_at: dt.datetime = strawberry.field(description="End.")
    description: str | None = strawberry.field(description="Description.")
    audience: str | None = strawberry.field(description="Who it is for.")
    status: EventStatus = strawberry.field(description="Status derived from the dates.")


@strawberry.type(description="A nationally published case study as the public sees it.")
class PublicCaseStudy:
    id: strawberry.ID = strawberry.field(description="The case study's id (uuid).")
    sha_code: str = strawberry.field(description="The SHA it comes from.")
    title: str = strawberry.field(description="Title.")
    topic: str = strawberry.field(description="Topic.")
    pathway: str | None = strawberry.field(description="Care pathway.")
    summary: str = strawberry.field(description="Summary.")
    outcomes: str = strawberry.field(description="Outcomes.")
    published_at: dt.datetime | None = strawberry.field(description="Publication date.")
