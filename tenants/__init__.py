"""Tenancy: the SHA registry, who may see which SHA, and how the database enforces it."""
