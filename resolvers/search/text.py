"""The search text as PostgreSQL full-text queries.

`websearch_to_tsquery('english', ...)` reads what people type into a search box
("stroke -cardiac", "choose and book"): stemmed, stop words dropped, never a syntax
error. While a name is being typed the last word is also matched as a prefix
(`smi:*`, with the `simple` configuration, which is how names are indexed too), so
"jane smi" finds Jane Smith before the word is finished."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, literal_column

from resolvers.common.errors import BadUserInput

MAX_QUERY = 200
_WORD = re.compile(r"[^\W_]+$", re.UNICODE)
ENGLISH: Any = literal_column("'english'::regconfig")
SIMPLE: Any = literal_column("'simple'::regconfig")


@dataclass(frozen=True)
class SearchText:
    text: str
    rest: str  # the text without its last word
    prefix: str | None  # the last word, as a prefix query, when it is a plain word

    def tsquery(self) -> Any:
        words = func.websearch_to_tsquery(ENGLISH, self.text)
        if self.prefix is None:
            return words
        typed: Any = func.to_tsquery(SIMPLE, self.prefix)
        if self.rest:
            typed = func.websearch_to_tsquery(ENGLISH, self.rest).op("&&")(typed)
        return words.op("||")(typed)


def parse(text: str, *, as_you_type: bool) -> SearchText:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise BadUserInput("the search text is empty", argument="query")
    if len(cleaned) > MAX_QUERY:
        raise BadUserInput(f"at most {MAX_QUERY} characters", argument="query", limit=MAX_QUERY)
    rest, _, last = cleaned.rpartition(" ")
    prefix = None
    if as_you_type and _WORD.match(last) and len(last) >= 2:
        prefix = f"{last.lower()}:*"
    return SearchText(cleaned, rest, prefix)
