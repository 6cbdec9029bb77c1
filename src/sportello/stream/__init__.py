"""The durable event stream and its wake-ups: actions write it, the sockets read it."""
