"""Renderers: they lay out a result; they never decide anything about it."""
