"""HTTP routes by resource, WebSocket endpoints, auth dependencies and static assets."""
