"""Read-only queries and the permission-checked fetches (access_*)."""
