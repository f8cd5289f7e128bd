"""Seed data for a new sij database (shipped as tracker._seed)."""
