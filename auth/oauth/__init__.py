"""The service's own OAuth 2.0 authorization server for partner organisations."""
