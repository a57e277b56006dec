"""Stakeholder Explorer: who stands where in a conflict, every claim backed by a quote."""

__version__ = "0.1.0"
