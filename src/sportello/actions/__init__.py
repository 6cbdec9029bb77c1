"""Actions: the only code that changes state. Each is one guarded transaction plus its events."""
