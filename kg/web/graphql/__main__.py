"""Print the schema's SDL: ``python -m kg.web.graphql > graphql/schema.graphql``."""

import sys

from kg.web.graphql.schema import sdl

sys.stdout.write(sdl())
