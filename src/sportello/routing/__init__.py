"""Routing: pure rules (eligibility, load, order) and the engine that applies them."""
