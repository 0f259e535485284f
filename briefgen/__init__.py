"""briefgen: writes an analyst's daily brief."""

__version__ = "0.1.0"
