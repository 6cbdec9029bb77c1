"""Pure domain: enums, value objects and rules. Imports nothing from the project."""
