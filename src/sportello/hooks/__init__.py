"""Webhooks: each endpoint a consumer of the durable event stream (docs/integrations.md)."""
