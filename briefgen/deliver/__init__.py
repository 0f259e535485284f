"""Deliver stage: put rendered briefs where people read them."""
