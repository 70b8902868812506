"""The HTTP surfaces: one FastAPI app, one router per API it speaks."""
