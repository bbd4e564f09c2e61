"""DataCite's fields that kg holds no data for, and why: a query copied from DataCite that asks for one is
refused by validation, as any unknown field is, and the error says what kg does not hold instead of only
"Cannot query field" (docs/graphql.md, DataCite compatibility).

>>> from graphql import GraphQLError
>>> explained(GraphQLError("Cannot query field 'registered' on type 'Work'.")).message
"Cannot query field 'registered' on type 'Work': DataCite's date of registering the DOI; kg keeps no registration date."
"""

from __future__ import annotations

import re

from graphql import GraphQLError

#: DataCite's field name -> what it is and why kg has none
UNHELD = {
    "registered": "DataCite's date of registering the DOI; kg keeps no registration date",
    "language": "DataCite's language of the work; kg keeps no language of works",
    "languages": "DataCite's facet of languages; kg keeps no language of works",
    "totalCountFromCrossref": "Crossref's own count of its DOIs; kg counts the works it holds (totalCount)",
    "schemaOrg": "DataCite's schema.org JSON-LD of the work; kg writes no schema.org record",
    "xml": "DataCite's metadata XML of the work; kg keeps no source XML",
    "contentUrl": "DataCite's URLs of the work's content; kg keeps none",
    "totalContentUrl": "DataCite's count of works with content URLs; kg keeps no content URLs",
    "viewsOverTime": "DataCite's views per month; kg keeps each usage observation instead (metrics.usage)",
    "downloadsOverTime": "DataCite's downloads per month; kg keeps each usage observation instead (metrics.usage)",
}
_UNKNOWN = re.compile(r"Cannot query field '(\w+)' on type '(\w+)'\.")


def explained(error: GraphQLError) -> GraphQLError:
    """The error, saying what kg does not hold when it names one of DataCite's fields of :data:`UNHELD`."""
    found = _UNKNOWN.match(error.message)
    if found is None or found.group(1) not in UNHELD:
        return error
    message = f"Cannot query field '{found.group(1)}' on type '{found.group(2)}': {UNHELD[found.group(1)]}."
    return GraphQLError(message, error.nodes, error.source, error.positions, error.path, error.original_error,
                        error.extensions)
