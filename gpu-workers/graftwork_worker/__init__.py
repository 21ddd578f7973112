"""Graftwork GPU worker."""
