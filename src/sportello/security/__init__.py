"""Password hashing, agent session tokens and signed visitor tokens."""
