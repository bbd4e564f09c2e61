"""The HTTP service: a Starlette app over a :class:`kg.store.Store`.

Only this package imports Starlette and strawberry. :func:`kg.web.app.create_app` builds the app
from a store and :class:`kg.web.config.Settings`; ``kg serve`` runs it under uvicorn.
"""
