"""The files `briefgen init` writes into a new project (package data)."""
