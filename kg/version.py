"""The version of kg, for the package and the User-Agent of its HTTP client."""

__version__ = "0.1.0"
