"""E-mail to visitors: the server-side catalogue, the transcript, SMTP, the outbox sender."""
