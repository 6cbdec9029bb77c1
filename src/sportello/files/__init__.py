"""Files sent in a contact: receiving the body under a limit, sniffing, thumbnails, storage."""
