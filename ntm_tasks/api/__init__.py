"""The JSON API under /api/v1: token auth, the error format, pagination and the OpenAPI description."""
