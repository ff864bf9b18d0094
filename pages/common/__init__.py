"""Shared helpers for the page scripts: request context, translation, guarded core calls."""
