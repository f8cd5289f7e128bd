"""Exports: one module per format, each plain data in and text or bytes out."""
