"""The HTTP edge: FastAPI routers (the OpenAPI description is the public contract)."""
