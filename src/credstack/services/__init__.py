"""Application services: use cases that combine domain objects with storage and I/O."""
