"""Realtime: the hub and the WebSocket sessions that read the stream to clients."""
