"""The ways in: command line, HTTP, pages, settings."""
