"""Privacy in storage: retention, subject export and erasure, key rotation, details-in-privé links."""
