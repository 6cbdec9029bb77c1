"""Automatic translation: engines behind one interface, a cache, a bounded pool, detection."""
