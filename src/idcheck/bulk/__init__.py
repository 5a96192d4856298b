"""Bulk scanning: walk a folder, check every file, stream the records."""
