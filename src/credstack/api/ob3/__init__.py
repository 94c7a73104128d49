"""The Open Badges 3.0 API under /ims/ob/v3p0 (OB 3.0 §6-7): discovery, OAuth 2.0 endpoints,
credentials and profile. Errors are Imsx_StatusInfo documents (OAuth endpoints: RFC 6749 JSON)."""
