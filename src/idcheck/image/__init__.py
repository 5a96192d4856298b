"""The image engine: a shared, lazily computed context over one decoded picture,
and a registry of small checks that read it."""
