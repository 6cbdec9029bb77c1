"""Reports: what happened, from the recorded contacts and events (never live counters)."""
