"""File intake: read the source, sniff its real type, check name and size, decode once."""
