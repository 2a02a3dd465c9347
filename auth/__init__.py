"""Authentication (token -> principal) and authorization (permission classes)."""
