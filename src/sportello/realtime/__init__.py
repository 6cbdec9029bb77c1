"""Realtime: the durable event stream, the wake-up bus and the WebSocket sessions."""
