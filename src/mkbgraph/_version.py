"""The package version, in one place (read by the app factory and the package)."""

__version__ = "0.1.0"
