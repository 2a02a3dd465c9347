"""Pure ASGI middleware (no BaseHTTPMiddleware: it breaks context variables)."""
